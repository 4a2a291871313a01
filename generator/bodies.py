"""Article bodies, kept on disk once read.

An article's HTML is by far the largest thing about it, and only its own page
and the feeds that carry it need it.  A Body holds its text until the build has
stored it in the cache's body pack; from then on it holds only its digest and is
read back from the pack (`os.pread`, so forked render workers share the file)
when a page shows it.  Without a pack (the preview server, a cache folder that
cannot be written) a Body simply keeps its text.

The pack is append-only: an entry, once written, never changes, so a cache file
written before a crash still finds every body it names.  When more than half of
it is bodies no article uses any more, it is rewritten under a new name.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from markupsafe import Markup

PACK_PREFIX = "sahifa-bodies-"
COMPACT_MIN_BYTES = 8 << 20


class CacheError(Exception):
    """The cache does not hold what it claims; the build starts again without it."""


def body_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Body:
    """An article's HTML body; renders as safe markup (`__html__`)."""

    __slots__ = ("digest", "text")

    def __init__(self, text: str | None, digest: str | None = None) -> None:
        self.text = text
        self.digest = digest if digest is not None else body_digest(text or "")

    @classmethod
    def stored(cls, digest: str) -> "Body":
        return cls(None, digest)

    def __str__(self) -> str:
        if self.text is not None:
            return self.text
        if current is None:
            raise CacheError(f"body {self.digest} is not available")
        return current.read(self.digest)

    def __html__(self) -> str:
        return str(self)

    def markup(self) -> Markup:
        return Markup(str(self))

    def __repr__(self) -> str:
        return f"Body({self.digest})"

    def __reduce__(self):
        # Between processes of one build (read workers to the parent) the text travels.
        return (Body, (str(self), self.digest))


current: "BodyStore | None" = None  # the store bodies without text are read from


class BodyStore:
    """The pack file and its index (digest → offset, length)."""

    def __init__(self, folder: Path, generation: int = 0,
                 index: dict[str, tuple[int, int]] | None = None) -> None:
        self.folder = folder
        self.generation = generation
        self.index = dict(index or {})
        self._fd: int | None = None
        self._pid = 0

    @property
    def path(self) -> Path:
        return self.folder / f"{PACK_PREFIX}{self.generation}.pack"

    def __getstate__(self):
        return (self.generation, self.index)  # the folder is where the cache is found

    def __setstate__(self, state) -> None:
        generation, index = state
        self.__init__(Path("."), generation, index)

    def valid(self) -> bool:
        """The pack is there and long enough for every entry the index names."""
        try:
            size = os.stat(self.path).st_size
        except OSError:
            return not self.index
        return all(offset + length <= size for offset, length in self.index.values())

    def _reader(self) -> int:
        pid = os.getpid()
        if self._fd is None or self._pid != pid:  # a forked worker opens its own
            self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            self._pid = pid
        return self._fd

    def read(self, digest: str) -> str:
        try:
            offset, length = self.index[digest]
            data = os.pread(self._reader(), length, offset)
        except (KeyError, OSError) as exc:
            raise CacheError(f"body {digest} missing from the cache: {exc}") from None
        text = data.decode("utf-8", "surrogatepass")
        if len(data) != length or body_digest(text) != digest:
            raise CacheError(f"body {digest} damaged in the cache")
        return text

    def keep(self, bodies) -> None:
        """Store the bodies not stored yet and let them drop their text."""
        new = [b for b in bodies if b.text is not None and b.digest not in self.index]
        if new:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as fp:
                offset = fp.tell()
                for body in dict((b.digest, b) for b in new).values():
                    data = body.text.encode("utf-8", "surrogatepass")
                    fp.write(data)
                    self.index[body.digest] = (offset, len(data))
                    offset += len(data)
        for body in bodies:
            if body.text is not None and body.digest in self.index:
                body.text = None

    def retain(self, digests: set[str]) -> None:
        """Forget bodies no article uses; rewrite the pack when most of it is dead."""
        live = {d: self.index[d] for d in digests if d in self.index}
        # The file, not the index: a build that does not save the cache may have
        # appended bodies that no saved index names.
        try:
            size = os.stat(self.path).st_size
        except OSError:
            size = 0
        used = sum(length for _, length in live.values())
        if size - used > max(used, COMPACT_MIN_BYTES):
            texts = {d: self.read(d) for d in live}
            self.generation += 1
            self.index = {}
            self.close()
            self.path.unlink(missing_ok=True)
            self.keep([Body(text, d) for d, text in texts.items()])
            # The old pack goes once the cache file naming the new one is saved (sweep).
        else:
            self.index = live

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def sweep(self, everything: bool = False) -> None:
        """Remove packs of other generations (left by an interrupted rewrite), or
        every pack, this one too."""
        if everything:
            self.close()
        for path in self.folder.glob(f"{PACK_PREFIX}*.pack"):
            if everything or path != self.path:
                path.unlink(missing_ok=True)
