"""Find the seeds under the source folder, and the dates git knows for them."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from .errors import Diagnostics, display_path
from .model import Seed
from .readers import SUFFIXES


def is_ignored(name: str) -> bool:
    """Hidden files and editor leftovers (.#x.md, x.md~, .x.swp, #x.md#)."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swo", ".tmp", "#"))


def discover(source: Path, diags: Diagnostics) -> tuple[Seed, ...]:
    """Every seed file under `source`, sorted by relative path."""
    source = source.resolve()
    seeds: list[Seed] = []
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not is_ignored(d))
        for name in sorted(filenames):
            if is_ignored(name) or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(dirpath) / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(source) or not target.is_file():
                    diags.warning(path, "symbolic link leads outside the source folder or "
                                        "nowhere; skipped")
                    continue
            rel = path.relative_to(source).as_posix()
            seeds.append(Seed(path=path, rel=rel, shown=display_path(path)))
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
