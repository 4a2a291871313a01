"""The only code that touches the output folder.

Two trees: the output folder (front), which readers and hosts see, and a back
tree beside it (".<out>.sahifa-back").  A build brings the back tree up to
date (only files whose fingerprint changed are written; a file the front
already has is hard-linked from it), then the two are exchanged in one atomic
rename.  The previous site stays whole until that instant, a build killed at
any moment leaves it untouched, and unchanged files keep their inode and
modification time, so rsync and object-storage sync move only what changed.

Each tree carries a manifest (".sahifa": path → fingerprint), which is also
the mark that Sahifa wrote the folder and may replace it.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import pickle
import re
import shutil
import signal
import threading
from pathlib import Path, PurePosixPath

from .errors import BuildError, Diagnostic, display_path

MANIFEST = ".sahifa"
MANIFEST_VERSION = 2
FORBIDDEN = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|]')
RENAME_EXCHANGE = 2


# Bytes a listed path may not hold: C0 controls but the line feed, DEL, and the
# characters Windows reserves.  Every byte of a multibyte UTF-8 sequence is >= 0x80,
# so checking the bytes is exact.
_UNSAFE_BYTES = bytes([*range(0x00, 0x0a), *range(0x0b, 0x20), 0x7f, *b'\\:*?"<>|'])
_SAFE_BYTES = bytes(b for b in range(256) if b not in _UNSAFE_BYTES)


def unsafe_in_list(joined: str | bytes) -> bool:
    """True when any line of `joined` (relative paths, one a line) is absolute, has an
    empty, "." or ".." segment, or a control or reserved character.  A few searches
    in C: the manifest of a large site is megabytes, read at every build."""
    if isinstance(joined, str):
        joined = joined.encode("utf-8", "surrogatepass")
    if joined.translate(None, _SAFE_BYTES):  # what is left once the safe bytes are gone
        return True
    # With the line breaks made slashes, every check is one about segments.
    flat = b"/" + joined.replace(b"\n", b"/") + b"/"
    return b"//" in flat or (b"/." in flat and (b"/./" in flat or b"/../" in flat))


def check_relpath(rel: str) -> str:
    """A path that stays inside the output root, whatever it contains."""
    if (not rel or rel.startswith("/") or FORBIDDEN.search(rel) or rel == MANIFEST
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise BuildError([Diagnostic(file=rel, message="refusing to write outside the "
                                                       "output folder or to an unsafe name")])
    return rel


def _signature(path: Path) -> tuple | None:
    """What identifies one version of a manifest file on disk."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read_manifest(folder: Path, known: tuple | None = None) -> dict[str, str] | None:
    """A tree's manifest; `known` is (signature, files) remembered from an earlier
    build, used as it is while the file on disk is that very version."""
    if known is not None and known[0] is not None and known[0] == _signature(folder / MANIFEST):
        return known[1]
    try:
        data = (folder / MANIFEST).read_bytes()
    except OSError:
        return None
    try:
        files = _decode_manifest(data) if data.startswith(MANIFEST_MAGIC) else _decode_json(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return files


MANIFEST_MAGIC = b"sahifa manifest "


# The paths of the manifest last decoded, as bytes and as names: the front and the
# back tree usually hold the same paths (only fingerprints differ).
_last_paths: tuple[bytes, list[str]] = (b"", [])


def _decode_manifest(data: bytes) -> dict[str, str] | None:
    """The manifest format: a header line "sahifa manifest <version> <count> <bytes>",
    then <count> paths, one a line, in <bytes> bytes, then their fingerprints, one a
    line.  Made to be read fast: a large site's has tens of thousands of entries."""
    end = data.index(b"\n")
    version, count, size = (int(x) for x in data[len(MANIFEST_MAGIC):end].split(b" "))
    if version != MANIFEST_VERSION:
        return None
    start = end + 1
    paths = data[start:start + size]
    if data[start + size:start + size + 1] != b"\n":
        return None
    global _last_paths
    if count and paths == _last_paths[0]:
        names = _last_paths[1]  # the other tree's paths (the usual case): checked already
    else:
        # Its paths are unlinked when stale: refuse a manifest that names anything
        # outside the tree (one scan over all of them).
        if count and (not paths or unsafe_in_list(paths)):
            return None
        names = paths.decode("utf-8").split("\n") if count else []
        if count:
            _last_paths = (paths, names)
    fingerprints = data[start + size + 1:].decode("utf-8").split("\n")[:-1] if count else []
    if len(names) != count or len(fingerprints) != count:
        return None
    return dict(zip(names, fingerprints))


def _decode_json(data: bytes) -> dict[str, str] | None:
    """The manifest as Sahifa 0.1 wrote it (JSON): read once after an upgrade, so
    that the first build keeps every unchanged file as it is."""
    data = json.loads(data.decode("utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        return None
    files = data.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "\n" not in v
            for k, v in files.items()):
        return None
    if unsafe_in_list("\n".join(files)):
        return None
    return files


def _write_manifest(folder: Path, files: dict[str, str]) -> dict[str, str]:
    """Write a tree's manifest (its last step: it says the tree is whole)."""
    names = sorted(files)
    files = {name: files[name] for name in names}
    paths = "\n".join(names).encode("utf-8")
    fingerprints = "".join([fp + "\n" for fp in files.values()]).encode("utf-8")
    with open(folder / MANIFEST, "wb") as fp:
        fp.write(MANIFEST_MAGIC + f"{MANIFEST_VERSION} {len(names)} {len(paths)}\n".encode())
        fp.write(paths)
        fp.write(b"\n")
        fp.write(fingerprints)
    return files


def _libc():
    """The C library, as this process already has it (no search: find_library runs
    ldconfig in a subprocess)."""
    return ctypes.CDLL(None, use_errno=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where unsupported."""
    try:
        renameat2 = _libc().renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    AT_FDCWD = -100
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot
        return False
    raise OSError(err, os.strerror(err), str(a))


# Lock files this process holds.  A worker process forked during a build closes its
# copies at once (worker_start), so that a build killed with its workers still alive
# never leaves its folders locked.
HELD_LOCKS: set[int] = set()


def worker_start() -> None:
    """First thing in a worker process: die with the build, hold none of its locks."""
    try:
        _libc().prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
    for fd in list(HELD_LOCKS):
        try:
            os.close(fd)
        except OSError:
            pass
    HELD_LOCKS.clear()


_forked_job: tuple | None = None  # (fn, job), set in the parent just before forking


def _forked_call(item):
    fn, job = _forked_job
    return fn(job, item)


def forked_map(fn, job, items: list, jobs: int):
    """fn(job, item) for each item, in order, on `jobs` forked worker processes.

    `job` is whatever the workers share (planned routes, compiled templates, a
    Publisher): it is set before the fork, so the workers inherit it and it is never
    pickled; only the items and the results cross the pipes.  The results come as
    they are ready, in the order of `items`."""
    global _forked_job
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    _forked_job = (fn, job)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=worker_start) as pool:
            yield from pool.map(_forked_call, items)
    finally:
        _forked_job = None


class Standby:
    """One worker process forked at once, which runs setup(*args) (imports, say) on
    another core while this process goes on, then answers one request: call(payload)
    is work(payload), where work is what setup returned.

    A fork is safe only in a process with one thread; elsewhere, or when anything
    fails on either side, call() returns None and the caller does the work itself.
    Only the payload and the result cross the pipes (pickled)."""

    def __init__(self, setup, *args) -> None:
        self.pid: int | None = None
        if threading.active_count() != 1 or not hasattr(os, "fork"):
            return
        requests, self._requests = os.pipe()
        self._results, results = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (requests, self._requests, self._results, results):
                os.close(fd)
            return
        if pid == 0:  # the worker
            code = 1
            try:
                os.close(self._requests)
                os.close(self._results)
                worker_start()
                work = setup(*args)
                _send(results, work(_receive(requests)))
                code = 0
            except BaseException:  # the parent does the work itself
                pass
            finally:
                os._exit(code)
        os.close(requests)
        os.close(results)
        self.pid = pid

    def call(self, payload):
        """work(payload) from the worker, or None if it failed."""
        if self.pid is None:
            return None
        try:
            _send(self._requests, payload)
            os.close(self._requests)
            self._requests = None
            return _receive(self._results)
        except Exception:  # a worker that died, a result that does not unpickle
            return None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (at once, if it was never asked) and reap it."""
        if self.pid is None:
            return
        if self._requests is not None:
            os.close(self._requests)
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.close(self._results)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.pid = None


def _write_all(fd: int, data: bytes) -> None:
    """os.write until all of `data` is written (a pipe or a file takes it in parts)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _send(fd: int, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    _write_all(fd, len(data).to_bytes(8, "little") + data)


def _receive(fd: int):
    size = int.from_bytes(_read_exactly(fd, 8), "little")
    return pickle.loads(_read_exactly(fd, size))


def _read_exactly(fd: int, size: int) -> bytes:
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            raise EOFError("the worker ended before its answer")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _create(root: str, rel: str, make):
    """Run make(target), which creates root/rel exclusively.  An entry already there
    is removed first, never written through, because it may be a hard link shared
    with the live site; a missing folder is made, and a file where a folder now goes
    (inside the back tree) is removed."""
    target = os.path.join(root, rel)
    try:
        return make(target)
    except FileExistsError:
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)  # a folder where a file now goes
        else:
            os.unlink(target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    except NotADirectoryError:
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = os.path.join(root, *parts[:i])
            if os.path.islink(folder) or (os.path.lexists(folder) and not os.path.isdir(folder)):
                os.unlink(folder)  # a file where a folder now goes
        os.makedirs(os.path.dirname(target), exist_ok=True)
    return make(target)


def write_file(root: Path | str, rel: str, data: bytes) -> None:
    """Write one file of the back tree, which nobody reads until it is swapped in.
    `rel` has been checked by Publisher.claim."""
    fd = _create(str(root), rel, lambda t: os.open(t, WRITE_FLAGS, 0o644))
    try:  # os.write itself: a file object would ask the kernel three more questions
        _write_all(fd, data)
    finally:
        os.close(fd)


def _link_chunk(publisher: "Publisher", rels: list[str]) -> list[bool]:
    return [publisher._link(rel) for rel in rels]


class Publisher:
    def __init__(self, out: Path, protected: tuple[Path, ...] = ()) -> None:
        self.out = Path(os.path.abspath(out))
        self.back = self.out.parent / f".{self.out.name}.sahifa-back"
        self.aside = self.out.parent / f".{self.out.name}.sahifa-aside"
        self.lockfile = self.out.parent / f".{self.out.name}.sahifa-lock"
        self._lock_fd: int | None = None
        self.front_files: dict[str, str] = {}
        self.back_files: dict[str, str] | None = None
        self.files: dict[str, str] = {}
        self.written = 0
        self._check_target(protected)

    # ---------------------------------------------------------------- safety

    def _check_target(self, protected: tuple[Path, ...]) -> None:
        out = self.out.resolve()
        for path in protected:
            path = path.resolve()
            if out == path or path.is_relative_to(out):
                raise BuildError([Diagnostic(
                    file=display_path(self.out),
                    message=f"refusing to use this output folder: it holds "
                            f"{display_path(path)}, which the build would delete")])
        if out == Path(out.anchor) or out == Path.home():
            raise BuildError([Diagnostic(file=str(out), message="refusing to replace this folder")])
        if self.out.exists():
            if not self.out.is_dir():
                raise BuildError([Diagnostic(file=display_path(self.out),
                                             message="exists and is not a folder")])
            if any(self.out.iterdir()) and not (self.out / MANIFEST).is_file():
                raise BuildError([Diagnostic(
                    file=display_path(self.out),
                    message="folder exists and was not written by Sahifa; empty it or "
                            "choose another --out")])

    def recover(self) -> None:
        """Undo what an interrupted swap on a system without atomic exchange left."""
        if self.aside.exists():
            if self.out.exists():
                shutil.rmtree(self.aside)
            else:
                os.rename(self.aside, self.out)

    # ---------------------------------------------------------------- building

    def _lock(self) -> None:
        """One build at a time per output folder (a preview server and a build, say)."""
        self.out.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lockfile, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildError([Diagnostic(file=display_path(self.out),
                                         message="another Sahifa build is writing this "
                                                 "folder; try again when it has finished")])
        self._lock_fd = fd
        HELD_LOCKS.add(fd)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            HELD_LOCKS.discard(self._lock_fd)
            os.close(self._lock_fd)
            self._lock_fd = None

    def open(self, clean: bool = False, known: dict | None = None) -> None:
        """Start a build; `clean` renders and writes every file again.  `known` is what
        commit() returned last time (manifests already read), in a long-lived process."""
        self._lock()
        self.recover()
        known = known or {}
        front = None if clean else read_manifest(self.out, known.get("front"))
        self.front_files = front or {}
        self._front_read = (_signature(self.out / MANIFEST), front) if front else (None, None)
        self._clean = clean
        self._known_back = known.get("back")
        self._back_read: tuple | None = None   # read when first needed
        self._back_new = False
        self._back_marked = True

    def _open_back(self) -> None:
        if self._back_read is not None:
            return
        if self.back.exists() and not self.back.is_dir():
            self.back.unlink()
        try:
            self.back.mkdir(parents=True)
            self._back_new = True  # it holds only what this build puts in it
        except FileExistsError:
            self._back_new = False
        self.back_files = None if self._clean else read_manifest(self.back, self._known_back)
        self._back_read = ((_signature(self.back / MANIFEST), self.back_files)
                           if self.back_files is not None else (None, None))

    def shows(self, outputs: dict[str, str]) -> bool:
        """The live site is exactly these outputs (path → fingerprint): nothing to do."""
        return self._front_read[1] is not None and self.front_files == outputs

    def close(self) -> dict:
        """End a build that changed nothing."""
        self._unlock()
        return {"front": self._front_read, "back": self._back_read or self._known_back}

    def _changing_back(self) -> None:
        """Before the back tree's first change: its manifest no longer describes it."""
        self._open_back()
        if self._back_marked:
            (self.back / MANIFEST).unlink(missing_ok=True)
            self._back_marked = False

    def is_current(self, rel: str, fingerprint: str) -> bool:
        """The back tree already holds this output (nothing to do)."""
        self._open_back()
        return self.back_files is not None and self.back_files.get(rel) == fingerprint

    def keep_current(self, outputs: dict[str, str]) -> dict[str, str]:
        """keep() every output the back tree already holds; returns them."""
        self._open_back()
        back = self.back_files or {}
        current = {rel: fp for rel, fp in outputs.items() if back.get(rel) == fp}
        self.files.update(current)
        return current

    def holds_nothing(self) -> bool:
        """Neither tree holds an output this build could keep: every one is written.
        (The back tree is looked at only when the front holds nothing.)"""
        if self.front_files:
            return False
        self._open_back()
        return not self.back_files

    def fingerprinted(self, outputs) -> None:
        """Give the outputs claimed before their fingerprints were known (claim(rel,
        None)) their fingerprints, from which the manifest is written."""
        files = self.files
        for rel, fingerprint in outputs:
            if files.get(rel, "") is not None:
                raise ValueError(f"{rel}: not claimed without a fingerprint")
            files[rel] = fingerprint

    def in_front(self, rel: str, fingerprint: str) -> bool:
        return self.front_files.get(rel) == fingerprint

    def keep(self, rel: str, fingerprint: str) -> None:
        """An output the back tree already holds; its path was checked when written."""
        self.files[rel] = fingerprint

    def link_from_front(self, rel: str, fingerprint: str) -> bool:
        """Reuse the front tree's file for an unchanged output (a hard link, so it keeps
        its inode and modification time); False if it is gone."""
        check_relpath(rel)
        self._changing_back()
        if not self._link(rel):
            return False
        self.files[rel] = fingerprint
        return True

    def link_all_from_front(self, rels: list[str], jobs: int) -> list[bool]:
        """link_from_front() for many outputs, on every core: whether each was linked.
        The caller keep()s those that were, in its own order (that of the manifest).
        A first build after a cold one links every page into a new back tree, each in
        a folder of its own: tens of thousands of calls into the file system."""
        for rel in rels:
            check_relpath(rel)
        self._changing_back()
        size = max(64, len(rels) // (jobs * 8))
        chunks = [rels[i:i + size] for i in range(0, len(rels), size)]
        return [linked for part in forked_map(_link_chunk, self, chunks, jobs)
                for linked in part]

    def _link(self, rel: str) -> bool:
        source = os.path.join(self.out, rel)
        target = os.path.join(self.back, rel)
        try:
            _create(str(self.back), rel, lambda t: os.link(source, t))
        except FileNotFoundError:
            return False
        except OSError:  # no hard links here: copy, keeping the modification time
            try:
                with open(source, "rb") as fp:
                    write_file(self.back, rel, fp.read())
            except FileNotFoundError:
                return False
            shutil.copystat(source, target)
        return True

    def claim(self, rel: str, fingerprint: str | None) -> None:
        """Record that this build writes `rel` (written by write(), or by write_file()
        in a worker process); a fingerprint not yet known is given by fingerprinted()."""
        check_relpath(rel)
        self._changing_back()
        if rel in self.files:
            raise BuildError([Diagnostic(file=rel, message="written twice in one build")])
        self.files[rel] = fingerprint
        self.written += 1

    def write(self, rel: str, data: bytes, fingerprint: str) -> None:
        self.claim(rel, fingerprint)
        write_file(self.back, rel, data)

    def _sweep(self) -> None:
        """Remove from the back tree every file this build does not produce."""
        if self.back_files is not None:
            stale = [rel for rel in self.back_files if rel not in self.files]
            if stale:
                self._changing_back()
            for rel in stale:
                try:
                    (self.back / rel).unlink(missing_ok=True)
                except (IsADirectoryError, PermissionError):
                    pass  # a folder of this build's outputs now stands there
            dirs = {str(PurePosixPath(rel).parent) for rel in stale}
        elif self._back_new:
            return  # made by this build: nothing in it but its outputs
        else:
            self._changing_back()
            # Only a folder that lost a file, or never had one, may now be empty (the
            # loop below goes up from each to its parents): the thousands of page
            # folders this build filled are not tried one by one.
            dirs = set()
            back = str(self.back)
            for root, subdirs, names in os.walk(back):
                rel_root = root[len(back) + 1:]  # "" for the tree itself
                prefix = rel_root + "/" if rel_root else ""
                removed = False
                for name in names:
                    if prefix + name not in self.files:
                        os.unlink(os.path.join(root, name))
                        removed = True
                if removed or not (names or subdirs):
                    dirs.add(rel_root)
        for rel in sorted(dirs, key=lambda d: -d.count("/")):
            folder = self.back / rel
            while folder != self.back and folder.is_dir():
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent

    def catch_up(self, known: dict | None = None) -> dict | None:
        """Make the back tree what the front is (hard links), so that the next build
        writes only what it changes instead of first linking everything the last
        build wrote.  The preview does this while it waits for the next save.
        Returns the manifests as open() takes them, or None when there was nothing
        to do (or another build holds the folder)."""
        try:
            self.open(known=known)
        except BuildError:
            return None
        try:
            front = self._front_read[1]
            if not front:
                return None
            current = self.keep_current(front)
            for rel, fingerprint in front.items():
                if rel not in current and not self.link_from_front(rel, fingerprint):
                    return None  # the front changed under us: leave it to the next build
            self._sweep()
            if not self._back_marked:  # the back tree changed: say what it now holds
                files = _write_manifest(self.back, self.files)
                self._back_read = (_signature(self.back / MANIFEST), files)
            return {"front": self._front_read, "back": self._back_read}
        finally:
            self._unlock()

    def commit(self) -> dict:
        """Swap the back tree in.  Returns the manifests as they now are on disk, for
        the next open() in the same process."""
        self._open_back()
        self._sweep()
        files = _write_manifest(self.back, self.files)
        old_front = self._front_read
        try:
            if not self.out.exists():
                os.rename(self.back, self.out)
                old_front = (None, None)
            elif not _exchange(self.back, self.out):
                os.rename(self.out, self.aside)
                os.rename(self.back, self.out)
                os.rename(self.aside, self.back)
        finally:
            self._unlock()
        return {"front": (_signature(self.out / MANIFEST), files), "back": old_front}

    def abort(self) -> None:
        """A failed build: the front is untouched; the back tree is left unmarked
        and is reconciled by the next build."""
        self._unlock()
