"""The only code that touches the output folder.

A build is written to a staging folder beside the output, then swapped in
with two renames; the previous site stays whole until the swap, and a build
killed at any point is recovered (or cleaned up) by the next one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from .errors import BuildError, Diagnostic, display_path

MARKER = ".sahifa"
MARKER_TEXT = b"This folder is written by Sahifa; each build replaces it whole.\n"
FORBIDDEN_CHARS = set('\x00\\:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}


def check_relpath(rel: str) -> PurePosixPath:
    """A path that stays inside the output root, whatever it contains."""
    p = PurePosixPath(rel)
    if (not rel or p.is_absolute() or any(part in ("", ".", "..") for part in rel.split("/"))
            or any(ch in FORBIDDEN_CHARS for ch in rel)):
        raise BuildError([Diagnostic(file=rel, message="refusing to write outside the "
                                                       "output folder or to an unsafe name")])
    return p


class StagedOutput:
    def __init__(self, out: Path, protected: tuple[Path, ...] = ()) -> None:
        self.out = Path(os.path.abspath(out))
        self.staging = self.out.parent / f".{self.out.name}.sahifa-new"
        self.old = self.out.parent / f".{self.out.name}.sahifa-old"
        self.written: set[str] = set()
        self._check_target(protected)

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
        if self.out.exists() and not self.old.exists():
            if not self.out.is_dir():
                raise BuildError([Diagnostic(file=display_path(self.out),
                                             message="exists and is not a folder")])
            if any(self.out.iterdir()) and not (self.out / MARKER).is_file():
                raise BuildError([Diagnostic(
                    file=display_path(self.out),
                    message="folder exists and was not written by Sahifa; empty it or "
                            "choose another --out")])

    def recover(self) -> None:
        """Finish or undo what an interrupted build left behind."""
        if self.old.exists():
            if self.out.exists():
                shutil.rmtree(self.old)
            else:
                os.rename(self.old, self.out)
        if self.staging.exists():
            shutil.rmtree(self.staging)

    def open(self) -> None:
        self.recover()
        self.staging.mkdir(parents=True)
        self.write(MARKER, MARKER_TEXT)

    def write(self, rel: str, data: bytes) -> None:
        check_relpath(rel)
        if rel in self.written:
            raise BuildError([Diagnostic(file=rel, message="written twice in one build")])
        self.written.add(rel)
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as fp:
            fp.write(data)

    def commit(self) -> None:
        if self.out.exists():
            os.rename(self.out, self.old)
        os.rename(self.staging, self.out)
        if self.old.exists():
            shutil.rmtree(self.old)

    def abort(self) -> None:
        if self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
