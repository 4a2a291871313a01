"""Read one seed file's bytes, refusing what no newsroom article can be."""

from __future__ import annotations

import errno
import os
import stat

from .errors import SahifaError, seed_gone

MB = 1024 * 1024
READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def read_seed_bytes(path: str | os.PathLike, limit: int, data: bytes | None = None) -> bytes:
    """The bytes of a seed; a SahifaError (without file) when it cannot be read,
    vanished, or holds more than `limit` bytes (never more than that is read).
    Bytes already read are only checked."""
    if data is not None:
        if len(data) > limit:
            raise _too_big(len(data), limit)
        return data
    try:  # os calls themselves: a file object would ask the kernel three more questions
        fd = os.open(path, READ_FLAGS)
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            if info.st_size > limit:
                raise _too_big(info.st_size, limit)
            parts = []
            left = limit + 1
            while left > 0:
                part = os.read(fd, min(left, max(info.st_size + 1, 8192)))
                if not part:
                    break
                parts.append(part)
                left -= len(part)
            data = parts[0] if len(parts) == 1 else b"".join(parts)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise seed_gone() from None
    except IsADirectoryError:
        raise SahifaError("is a folder, not a file; rename it") from None
    except OSError as exc:
        raise SahifaError(f"cannot read: {exc.strerror}; check the file's permissions "
                          "and the disk") from None
    if len(data) > limit:  # grew while being read
        raise _too_big(len(data), limit)
    return data


_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", None)


def prefetch(paths) -> None:
    """Ask the kernel to start reading these files now, all at once, so that reading
    them one after another finds them in memory: a cold build of a folder the page
    cache no longer holds otherwise waits on the disk for each seed in turn, with the
    processor idle (a third of the read stage at 10,000 articles).  Only a hint:
    whatever fails here is reported, if at all, when the file is read."""
    if _WILLNEED is None:
        return
    for path in paths:
        try:
            # Not blocking: a seed swapped for a named pipe since it was found must
            # not hold the build here (reading it reports it).
            fd = os.open(path, READ_FLAGS | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def _too_big(size: int, limit: int) -> SahifaError:
    return SahifaError(f"{size / MB:.1f} MB, more than the {limit / MB:g} MB a seed may hold; "
                       "split it, or raise max_seed_mb in site.toml")
