"""What one build hands the next, in memory (the preview server) or on disk
(`.cache/` beside the configuration, or --cache-dir).

Never needed for a correct result: every entry is reused only when its inputs are
identical, and deleting the cache only costs time.

- Seeds already read, keyed by the code, libraries and configuration they were
  read with (`scope`), then by file: a file whose size, modification and change
  times and inode are unchanged is not read again; one whose bytes are unchanged
  is not parsed again.
- The articles placed from them (so they stay the same objects), related-article
  lists, and the last site and plan with each output's fingerprint; in memory
  only, the output's manifests and compiled templates (Jinja's bytecode is kept
  in templates/).
- Article bodies live in a pack file beside it (bodies.py), not in the pickle:
  the pickle stays small, quick to load and save, and bodies are read only for
  the pages that show them.
- On disk each article is a record of its own and the routes' pickles are one
  buffer, both mapped from the file: a new process reads the articles and routes
  an edit touches, not all of them (ArticleRecords, model.STORED).

One build at a time uses a cache folder (a lock file); a second one running at
the same moment builds without it.
"""

from __future__ import annotations

import copyreg
import dataclasses
import fcntl
import hashlib
import io
import mmap
import os
import pickle
import struct
from dataclasses import dataclass, field
from pathlib import Path

from .bodies import Body, BodyStore, CacheError
from .errors import Diagnostic
from .writer import HELD_LOCKS
from .model import STORED, Article, Reuse, Seed

CACHE_VERSION = 8
SEEDS_FILE = "sahifa-seeds.pickle"
LOCK_FILE = "sahifa.lock"
SAVE_AFTER_CHANGES = 32  # seeds changed since the saved state before saving is worth it
MTIME_DATE = "date from the file's modification time"


# The file: a header, then for each article the offset of its record and the digest
# of its body, then the records, then the state's pickle, which names articles by
# number, then the large buffers it keeps out of band (the routes' pickles).  The
# file is mapped, not read: an article's record is read when the article is first
# used (model.STORED), so a rebuild after an edit reads the few it shows.
MAGIC = b"SAHIFA\x00\x01"
HEADER = struct.Struct("<8sIQQQ")     # magic, version, articles, pickle size, buffers
RECORD_CHECK = 8                      # bytes of blake2b before each record


class ArticleRecords:
    """The articles of a saved state, one pickled record each."""

    def __init__(self, data: mmap.mmap, count: int, main_size: int, buffers: int) -> None:
        self.data = data
        start = HEADER.size
        self.offsets = memoryview(data)[start:start + 8 * (count + 1)].cast("Q")
        start += 8 * (count + 1)
        self.digests = memoryview(data)[start:start + 16 * count]
        self.base = start + 16 * count
        self.main_start = self.base + (self.offsets[count] if count else 0)
        self.main_size = main_size
        # The out-of-band buffers, each after its length, as views of the mapping.
        self.buffers = []
        at = self.main_start + main_size
        for _ in range(buffers):
            (size,) = struct.unpack_from("<Q", data, at)
            self.buffers.append(memoryview(data)[at + 8:at + 8 + size])
            at += 8 + size
        if at != len(data):
            raise CacheError("the saved state is not whole")

    def main(self) -> memoryview:
        return memoryview(self.data)[self.main_start:self.main_start + self.main_size]

    def raw(self, n: int) -> bytes:
        return self.data[self.base + self.offsets[n]:self.base + self.offsets[n + 1]]

    def body_digest(self, n: int) -> str | None:
        digest = bytes(self.digests[16 * n:16 * n + 16])
        return digest.hex() if any(digest) else None

    def load_into(self, article: Article, n: int) -> None:
        raw = self.raw(n)
        record = raw[RECORD_CHECK:]
        if hashlib.blake2b(record, digest_size=RECORD_CHECK).digest() != raw[:RECORD_CHECK]:
            raise CacheError(f"article {n} damaged in the cache")
        try:
            values = pickle.loads(record)
        except Exception as exc:
            raise CacheError(f"article {n} unreadable in the cache: {exc}") from None
        if len(values) != len(ARTICLE_FIELDS):
            raise CacheError(f"article {n} in the cache is not this version's")
        article.__setstate__(values)

    def forget(self) -> None:
        """Drop the articles made from these records (the state could not be used)."""
        for key, entry in list(STORED.items()):
            if entry[1] is self:
                del STORED[key]

    @staticmethod
    def pack(articles: list[Article], dispatch_table: dict, made: dict | None = None,
             stored: dict | None = None) -> bytes:
        """Offsets, body digests and records of `articles`: an article still in its
        record is copied as it is, without being read; so is one whose record a read
        worker made (`made`: id → (article, record)) when its body is in the pack
        (`stored`, the pack's index), as that record names it."""
        records = []
        record_of = RecordMaker(dispatch_table)
        digests = bytearray()
        made = made or {}
        stored = stored or {}
        for article in articles:
            entry = STORED.get(id(article))
            ready = made.get(id(article))
            if entry is not None and entry[0] is article:
                records.append(entry[1].raw(entry[2]))
            elif (ready is not None and ready[0] is article
                  and article.body.digest in stored):
                records.append(ready[1])
            else:
                records.append(record_of(article))
            digest = body_digest_of(article)
            digests += bytes.fromhex(digest) if digest else bytes(16)
        offsets = [0]
        for record in records:
            offsets.append(offsets[-1] + len(record))
        return struct.pack(f"<{len(offsets)}Q", *offsets) + bytes(digests) + b"".join(records)


class RecordMaker:
    """An article's record as a saved state holds it: its check, then its fields'
    pickle, made with `dispatch_table` (by default, the body named by its digest,
    as a read worker makes it: the parent then saves it as it is instead of
    pickling the article again)."""

    def __init__(self, dispatch_table: dict | None = None) -> None:
        self._buffer = io.BytesIO()
        self._pickler = pickle.Pickler(self._buffer, protocol=pickle.HIGHEST_PROTOCOL)
        if dispatch_table is None:
            dispatch_table = copyreg.dispatch_table.copy()
            dispatch_table[Body] = lambda b: (Body.stored, (b.digest,))
        self._pickler.dispatch_table = dispatch_table

    def __call__(self, article: Article) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._pickler.clear_memo()
        self._pickler.dump(article.__getstate__())
        record = self._buffer.getvalue()
        return hashlib.blake2b(record, digest_size=RECORD_CHECK).digest() + record


def recordable(article) -> bool:
    """Whether a read worker hands `article` over as its record (and body text)."""
    return (type(article) is Article and type(article.body) is Body
            and article.body.text is not None)


def from_record(raw: bytes, text: str) -> Article:
    """The article a RecordMaker record holds, its body's text given back."""
    article = object.__new__(Article)
    article.__setstate__(pickle.loads(memoryview(raw)[RECORD_CHECK:]))
    article.body.text = text
    return article


ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_loading: ArticleRecords | None = None  # while a state is unpickled: its records


def _stored_article(n: int) -> Article:
    """An article left in its record until one of its fields is read."""
    article = object.__new__(Article)
    STORED[id(article)] = (article, _loading, n)
    return article


def body_digest_of(article: Article) -> str | None:
    """The digest of an article's stored body, without reading the article."""
    entry = STORED.get(id(article))
    if entry is not None and entry[0] is article:
        return entry[1].body_digest(entry[2])
    return article.body.digest if isinstance(article.body, Body) else None


def stat_key(seed: Seed, file_dates: dict) -> tuple:
    try:
        st = os.stat(seed.path)
    except OSError:
        return ("missing",)
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns, file_dates.get(seed.rel))


RACY_NS = 2_000_000_000


def trusted(key: tuple, now_ns: int) -> tuple:
    """The key to remember for a file read at `now_ns`.  A file changed within the
    last two seconds may change again within the same timestamp tick (coarse file
    systems have one-second ticks) and keep its key: such an entry keeps only its
    git date, so the next build compares its bytes instead ("racy clean")."""
    if len(key) == 5 and now_ns - max(key[0], key[3]) < RACY_NS:
        return (None, None, None, None, key[4])
    return key


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(slots=True)
class BuildState:
    scope: str = ""
    # rel → (stat key, content digest, article or diagnostic)
    seeds: dict[str, tuple[tuple, str, Article | Diagnostic]] = field(default_factory=dict)
    reuse: Reuse = field(default_factory=Reuse)
    tag_reuse: Reuse = field(default_factory=Reuse)   # articles given suggested tags
    fingerprints: dict = field(default_factory=dict)
    routes: tuple = (None, {})        # (configuration digest, routes by their inputs)
    related: tuple = (None, None)
    renderer: object | None = None
    published: dict | None = None     # the output's manifests as last written (in memory)
    snapshot: object | None = None    # the last site and plan (incremental.Snapshot)
    saved: tuple | None = None        # token() when last loaded or saved
    bodies: BodyStore | None = None   # where article bodies are kept (on-disk caches only)
    lock: int | None = None           # the cache folder's lock, held while building
    loaded: tuple | None = None       # (seeds, snapshot) as read from the folder
    loaded_scope: str = ""
    loaded_base: str | None = None
    code: str = ""                    # digest of Sahifa's own source, once per process
    # id → (article, record) for the articles read workers made in this process's
    # build, when the state is to be saved: save() writes those records as they are.
    records: dict = field(default_factory=dict)

    # ------------------------------------------------------------- seeds

    def by_content(self, scope: str, seed: Seed, key: tuple, digest: str):
        """The entry for a file whose bytes did not change (after a checkout, say)."""
        if scope != self.scope:
            return None
        found = self.seeds.get(seed.rel)
        if found is None or found[1] != digest or found[0][4:] != key[4:]:
            return None
        item = found[2]
        if isinstance(item, Article) and found[0][0] != key[0] and MTIME_DATE in item.inferred:
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
    # articles, the last site and plan with each output's fingerprint, and where the
    # bodies are.  One pickle, so the articles the plan holds are the very objects
    # the seed entries hold.
    PERSISTED = ("scope", "seeds", "related", "snapshot", "bodies")

    @classmethod
    def load(cls, folder: Path, clean: bool = False) -> "BuildState":
        """The state saved in `folder` (an empty one if there is none, if it cannot be
        used, or with `clean`), holding the folder's lock; without the lock (another
        build is using the folder) a state that is neither read nor saved."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return cls()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return cls()
        state = None if clean else cls._read(folder)
        if state is None:
            state = cls(bodies=BodyStore(folder))
            state.bodies.sweep(everything=True)
        state.lock = fd
        HELD_LOCKS.add(fd)
        return state

    @classmethod
    def _read(cls, folder: Path) -> "BuildState | None":
        global _loading
        try:
            with open(folder / SEEDS_FILE, "rb") as fp:
                data = mmap.mmap(fp.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        records = None
        try:
            magic, version, count, main_size, buffers = HEADER.unpack_from(data)
            if magic != MAGIC or version != CACHE_VERSION:
                return None
            records = ArticleRecords(data, count, main_size, buffers)
            _loading = records
            try:
                values = pickle.loads(records.main(), buffers=records.buffers)
            finally:
                _loading = None
            state = cls(**dict(zip(cls.PERSISTED, values)))
            if state.bodies is None:
                return None
            state.bodies.folder = folder
            if not state.bodies.valid():
                return None
            if state.snapshot is not None:
                state.snapshot.routes.placed = state.snapshot.placed
        except Exception:  # whatever is wrong with the cache only costs time
            if records is not None:
                records.forget()
            return None
        state._on_disk()
        return state

    def _on_disk(self) -> None:
        """Remember what the folder now holds (just read, or just saved)."""
        self.saved = self.token()
        self.loaded = (self.seeds, self.snapshot)
        self.loaded_scope = self.scope
        self.loaded_base = getattr(self.snapshot, "fingerprint_base", None)

    def saves(self) -> bool:
        """Whether this state is saved at the end of the build (it holds its folder)."""
        return self.lock is not None and self.bodies is not None

    def keep_bodies(self, articles) -> None:
        """Move new bodies to the pack (bodies read from it never come back to memory)."""
        if self.saves():
            try:
                # An article still in its record has its body in the pack already.
                self.bodies.keep([a.body for a in articles
                                  if id(a) not in STORED and isinstance(a.body, Body)])
            except OSError:
                self.bodies = None  # keep them in memory

    def token(self) -> tuple:
        """What changes when the state is worth saving again."""
        snapshot = self.snapshot
        return (self.scope, id(self.seeds), id(self.related[1]), id(snapshot),
                getattr(snapshot, "fingerprints", None) is not None and id(snapshot.fingerprints))

    def worth_saving(self) -> bool:
        """Saving costs more than an edit takes to rebuild.  A few seeds edited since
        the saved state only swap their content into the saved plan (incremental.py),
        which the next build redoes as cheaply from the saved state, with the same
        result: so the state is saved when the plan was made again, or when enough
        seeds changed that redoing them would cost more than saving."""
        if self.saved == self.token():
            return False
        if self.loaded is None:
            return True
        seeds, snapshot = self.loaded
        if (self.snapshot is None or snapshot is None or self.snapshot.origin is not snapshot.origin
                or self.scope != self.loaded_scope
                or self.snapshot.fingerprint_base != self.loaded_base):
            return True  # planned again, or every fingerprint made again (templates)
        changed = len(self.seeds.keys() ^ seeds.keys())
        changed += sum(1 for rel, entry in self.seeds.items() if seeds.get(rel, entry) != entry)
        return changed > SAVE_AFTER_CHANGES

    def save(self, folder: Path) -> None:
        """Write the state atomically, when it changed, then let go of the folder;
        a failure only loses speed."""
        try:
            if not self.saves() or not self.worth_saving():
                return
            if self.snapshot is not None:
                self.snapshot.prepare()  # its index too: a new process needs it at once
            self.bodies.retain({digest for e in self.seeds.values()
                                if isinstance(e[2], Article)
                                and (digest := body_digest_of(e[2])) is not None})
            tmp = folder / f".{SEEDS_FILE}.tmp"
            index = self.bodies.index
            table = copyreg.dispatch_table.copy()
            # A stored body is saved as its digest; one not stored keeps its text.
            table[Body] = lambda b: ((Body.stored, (b.digest,))
                                     if b.digest in index else b.__reduce__())
            # Each article is a record of its own after the state, which names it by
            # number: a new process reads only the articles it uses (ArticleRecords).
            articles: list[Article] = []

            def by_number(article: Article):
                articles.append(article)
                return (_stored_article, (len(articles) - 1,))

            main = io.BytesIO()
            buffers: list[pickle.PickleBuffer] = []  # large ones (routes), kept out of band
            pickler = pickle.Pickler(main, protocol=5, buffer_callback=buffers.append)
            pickler.dispatch_table = {**table, Article: by_number}
            pickler.dump(tuple(getattr(self, name) for name in self.PERSISTED))
            with open(tmp, "wb") as fp:
                fp.write(HEADER.pack(MAGIC, CACHE_VERSION, len(articles), len(main.getbuffer()),
                                     len(buffers)))
                fp.write(ArticleRecords.pack(articles, table, self.records, index))
                fp.write(main.getbuffer())
                for buffer in buffers:
                    raw = buffer.raw()
                    fp.write(struct.pack("<Q", len(raw)))
                    fp.write(raw)
            os.replace(tmp, folder / SEEDS_FILE)
            self.bodies.sweep()
            self._on_disk()
        except OSError:
            pass  # could not write it: only speed is lost
        except Exception:  # the cache proved wrong (a damaged pack): forget it all
            self.discard(folder)
        finally:
            self.records = {}
            self.release()

    def discard(self, folder: Path) -> None:
        """Forget what the folder holds (it proved wrong)."""
        try:
            (folder / SEEDS_FILE).unlink(missing_ok=True)
            if self.bodies is not None:
                self.bodies.sweep(everything=True)
        except OSError:
            pass
        self.release()

    def release(self) -> None:
        if self.lock is not None:
            HELD_LOCKS.discard(self.lock)
            os.close(self.lock)
            self.lock = None
