"""Find the seeds under the source folder, and the dates git knows for them."""

from __future__ import annotations

import errno
import os
import stat
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from .errors import Diagnostics, display_path
from .model import Seed
from .readers import SUFFIXES


IGNORED_STARTS = (".", "#", "~")
IGNORED_ENDS = ("~", ".swp", ".swo", ".tmp", "#")


def is_ignored(name: str) -> bool:
    """Hidden files and editor leftovers (.#x.md, x.md~, .x.swp, #x.md#)."""
    return name.startswith(IGNORED_STARTS) or name.endswith(IGNORED_ENDS)


def _link_problem(path: str, source: Path, seed_name: bool) -> str | None:
    """Why a symbolic link is not followed (None: it leads to a seed inside the
    source folder).  Links to folders are never followed, so no walk can loop."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if not seed_name:
            return ""
        if exc.errno == errno.ELOOP:
            return "symbolic link loop; skipped (remove the link)"
        return "symbolic link leads nowhere; skipped (remove the link or restore its target)"
    if stat.S_ISDIR(st.st_mode):
        return ("symbolic link to a folder is not followed; skipped (move the folder into "
                "the source folder instead)")
    if not seed_name:
        return ""
    if not Path(os.path.realpath(path)).is_relative_to(source):
        return ("symbolic link leads outside the source folder; skipped (copy the file "
                "into the source folder instead)")
    if not stat.S_ISREG(st.st_mode):
        return "symbolic link does not lead to a file; skipped"
    return None


def discover(source: Path, diags: Diagnostics) -> tuple[Seed, ...]:
    """Every seed file under `source`, in a stable order (by name, folder by folder).

    Symbolic links are followed only to files inside the source folder.
    """
    source = source.resolve()
    shown = display_path(source)
    prefix = "" if shown == "." else shown + "/"
    seeds: list[Seed] = []

    def walk(folder: str, rel_prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except FileNotFoundError:
            return  # removed since its parent was read: nothing left to build
        except OSError as exc:
            diags.warning(folder, f"cannot read this folder: {exc.strerror}; skipped")
            return
        for entry in entries:
            name = entry.name
            if is_ignored(name):
                continue
            if not name.isascii():
                try:
                    name.encode("utf-8")
                except UnicodeEncodeError:
                    diags.warning(prefix + rel_prefix + name, "file name is not valid "
                                  "UTF-8; skipped (rename it)")
                    continue
            try:
                seed_name = name.lower().endswith(SUFFIXES)
                if seed_name and entry.is_file(follow_symlinks=False):
                    rel = rel_prefix + name
                    seeds.append(Seed(entry.path, rel, prefix + rel))
                    continue
                if entry.is_symlink():
                    problem = _link_problem(entry.path, source, seed_name)
                    if problem is not None:
                        if problem:
                            diags.warning(prefix + rel_prefix + name, problem)
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    walk(entry.path, rel_prefix + name + "/")
                    continue
                elif not seed_name or not entry.is_file(follow_symlinks=False):
                    continue
            except OSError:
                continue
            rel = rel_prefix + name
            seeds.append(Seed(path=entry.path, rel=rel, shown=prefix + rel))

    walk(str(source), "")
    return tuple(seeds)


def git_dates(source: Path) -> dict[str, datetime]:
    """The date of the last commit that touched each file, in one git call."""
    if shutil.which("git") is None:
        return {}
    try:
        out = subprocess.run(
            ["git", "-C", str(source), "log", "--relative", "--format=%x1e%cI",
             "--name-only", "--no-renames", "-z", "--", "."],
            capture_output=True, check=True, timeout=60,
        ).stdout.decode("utf-8", "replace")
    except (subprocess.SubprocessError, OSError):
        return {}
    dates: dict[str, datetime] = {}
    for record in out.split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        try:
            when = datetime.fromisoformat(head.strip())
        except ValueError:
            continue
        for name in names.split("\x00"):
            name = name.strip("\n")
            if name and name not in dates:
                dates[name] = when
    return dates
