"""What one build hands the next, in memory (the preview server) or on disk
(`.cache/` beside the configuration, or --cache-dir).

Never needed for a correct result: every entry is reused only when its inputs are
identical, and deleting the cache only costs time.

- Seeds already read, keyed by the code and configuration they were read with
  (`scope`), then by file: a file whose size, modification time and inode are
  unchanged is not read again; one whose bytes are unchanged is not parsed again.
- The articles placed from them (so they stay the same objects), related-article
  lists, page fingerprints and compiled templates (in memory only).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic
from .model import Article, Reuse, Seed

CACHE_VERSION = 2
SEEDS_FILE = "sahifa-seeds.pickle"
MTIME_DATE = "date from the file's modification time"


def stat_key(seed: Seed, file_dates: dict) -> tuple:
    try:
        st = os.stat(seed.path)
    except OSError:
        return ("missing",)
    return (st.st_mtime_ns, st.st_size, st.st_ino, file_dates.get(seed.rel))


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(slots=True)
class BuildState:
    scope: str = ""
    # rel → (stat key, content digest, article or diagnostic)
    seeds: dict[str, tuple[tuple, str, Article | Diagnostic]] = field(default_factory=dict)
    reuse: Reuse = field(default_factory=Reuse)
    fingerprints: dict = field(default_factory=dict)
    routes: tuple = (None, {})        # (configuration digest, routes by their inputs)
    related: tuple = (None, None)
    renderer: object | None = None
    published: dict | None = None     # the output's manifests as last written (in memory)
    snapshot: object | None = None    # the last site and plan (incremental.Snapshot)
    saved: tuple | None = None        # token() when last loaded or saved
    code: str = ""                    # digest of Sahifa's own source, once per process

    # ------------------------------------------------------------- seeds

    def by_stat(self, scope: str, seed: Seed, key: tuple):
        """The entry for a file whose identity did not change, else None."""
        if scope != self.scope:
            return None
        found = self.seeds.get(seed.rel)
        return found[2] if found is not None and found[0] == key else None

    def by_content(self, scope: str, seed: Seed, key: tuple, digest: str):
        """The entry for a file whose bytes did not change (after a checkout, say)."""
        if scope != self.scope:
            return None
        found = self.seeds.get(seed.rel)
        if found is None or found[1] != digest or found[0][3:] != key[3:]:
            return None
        item = found[2]
        if isinstance(item, Article) and MTIME_DATE in item.inferred and found[0][0] != key[0]:
            return None  # its date came from the modification time, which moved
        return item

    def store(self, scope: str, entries: dict) -> None:
        if scope == self.scope and entries == self.seeds:
            return  # the same entries (the same objects): nothing new to save
        self.scope = scope
        self.seeds = entries

    def prepare(self) -> None:
        """Work a long-lived process does while idle so the next rebuild is quicker."""
        if self.snapshot is not None:
            self.snapshot.prepare()

    # ------------------------------------------------------------- on disk

    # The parts of the state a new process can use: the seeds read, the related
    # articles, the last site and plan with each output's fingerprint, and the
    # output's manifests.  One pickle, so the articles the plan holds are the very
    # objects the seed entries hold.
    PERSISTED = ("scope", "seeds", "related", "snapshot", "published")

    @classmethod
    def load(cls, folder: Path) -> "BuildState":
        try:
            with open(folder / SEEDS_FILE, "rb") as fp:
                version, values = pickle.load(fp)
            if version != CACHE_VERSION:
                return cls()
            state = cls(**dict(zip(cls.PERSISTED, values)))
        except Exception:  # whatever is wrong with the cache only costs time
            return cls()
        state.saved = state.token()
        return state

    def token(self) -> tuple:
        """What changes when the state is worth saving again."""
        snapshot = self.snapshot
        return (self.scope, id(self.seeds), id(self.related[1]), id(snapshot),
                getattr(snapshot, "fingerprints", None) is not None and id(snapshot.fingerprints))

    def save(self, folder: Path) -> None:
        """Write the state atomically, when it changed; a failure only loses speed."""
        if self.saved == self.token():
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{SEEDS_FILE}.tmp"
            with open(tmp, "wb") as fp:
                pickle.dump((CACHE_VERSION, tuple(getattr(self, name) for name in self.PERSISTED)),
                            fp, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / SEEDS_FILE)
            self.saved = self.token()
        except OSError:
            pass
