"""Theme static files, published under names that carry a content hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .model import FrozenDict

HASHED_SUFFIXES = (".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico",
                   ".woff", ".woff2")


def collect(*folders: Path) -> tuple[FrozenDict, dict[str, bytes]]:
    """(logical name → published path, published path → bytes).

    Later folders override earlier ones file by file (site static over theme).
    """
    files: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[path.relative_to(folder).as_posix()] = path
    names: dict[str, str] = {}
    data: dict[str, bytes] = {}
    for name in sorted(files):
        content = files[name].read_bytes()
        stem, dot, suffix = name.rpartition(".")
        if dot and f".{suffix.lower()}" in HASHED_SUFFIXES:
            digest = hashlib.sha256(content).hexdigest()[:10]
            published = f"static/{stem}.{digest}.{suffix}"
        else:
            published = f"static/{name}"
        names[name] = published
        data[published] = content
    return FrozenDict(names), data
