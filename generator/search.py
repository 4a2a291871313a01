"""Site search: a Pagefind index of the article pages, published with the site.

After the pages are rendered into the publisher's back tree, the article pages
are hard-linked into a private staging folder and indexed there by Pagefind
(through its Python API, which drives the binary shipped by `pagefind[bin]`).
Pagefind splits the index by each page's `<html lang>`, so every language gets
its own index, and the search page of a language loads only that one.

The index files then go through the publisher like every other output, under
`pagefind/`: they are swapped in atomically with the pages, and only files whose
bytes changed are written.  When no article page changed, Pagefind is not run
at all: the previous index is kept as it is.

Pagefind writes `pagefind-entry.json` with its languages in an arbitrary order;
it is rewritten with sorted keys so that the same pages give the same bytes.

Why a staging folder and files written there: the Python API's client reads one
answer from the Pagefind service per 100 ms, so one `add_html_file` call per page
would cost a tenth of a second per page, while one `add_directory` call costs the
same for any number of pages; and `get_files` returns the whole bundle in one
message, which stalls once it outgrows the 2 MiB pipe buffer the client reads
with, while `write_files` has no such limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from .errors import SahifaError

FOLDER = "pagefind/"
TIMEOUT = 300  # seconds; Pagefind indexes thousands of pages per second
ENTRY = "pagefind-entry.json"


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("pagefind")
    except Exception:  # not installed: reported when indexing starts
        return "?"


def _digest(pages: dict[str, str]) -> str:
    """The digest of what would be indexed: the article pages' paths and fingerprints
    (equal fingerprints mean equal bytes)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"pagefind {_version()}\0".encode())
    for rel in sorted(pages):
        h.update(f"{rel}\0{pages[rel]}\0".encode())
    return h.hexdigest()


def article_pages(routes, fingerprints) -> dict[str, str]:
    """Article page → its fingerprint (routes: an incremental.RouteTable)."""
    return {path: fp for path, kind, fp in zip(routes.paths, routes.kinds, fingerprints)
            if kind == "article"}


def unchanged(pages: dict[str, str], front_files: dict[str, str]) -> dict[str, str]:
    """The live index files (path → fingerprint) when they were made from these very
    pages; empty when the index must be made again."""
    digest = _digest(pages)
    previous = {rel: fp for rel, fp in front_files.items() if rel.startswith(FOLDER)}
    if previous and all(fp.startswith(digest + ".") for fp in previous.values()):
        return previous
    return {}


def _stage(back: Path, pages: list[str], staging: Path) -> None:
    """Link (or copy) the pages into `staging`, where Pagefind sees nothing else."""
    for rel in pages:
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(back / rel, target)
        except OSError:
            shutil.copyfile(back / rel, target)


async def _pagefind(site: Path, out: Path) -> int:
    from pagefind.index import PagefindIndex
    config = {"output_path": str(out), "keep_index_url": False}
    async with PagefindIndex(config=config) as index:
        result = await index.add_directory(str(site), glob="**/*.html")
        return int(result.get("page_count", 0))


def run_pagefind(site: Path, out: Path) -> dict[str, bytes]:
    """Index the HTML pages under `site`; the bundle's files as {relative path: bytes}."""
    hint = "install pagefind[bin], or set search = false"
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SahifaError(f"the pagefind package is not installed ({hint})") from None
    binary = get_executable()
    if binary is None or not os.access(binary, os.X_OK):
        raise SahifaError(f"the Pagefind binary {'' if binary is None else str(binary) + ' '}"
                          f"is missing ({hint})")
    import asyncio
    try:
        asyncio.run(asyncio.wait_for(_pagefind(site, out), TIMEOUT))
    except asyncio.TimeoutError:
        raise SahifaError(f"Pagefind did not finish within {TIMEOUT} s") from None
    except Exception as exc:  # the service reports its failures as plain exceptions
        raise SahifaError(f"Pagefind failed: {exc}") from None
    files = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        if rel == ENTRY:
            data = canonical_entry(data)
        files[rel] = data
    if ENTRY not in files:
        raise SahifaError("Pagefind wrote no index")
    return files


def canonical_entry(data: bytes) -> bytes:
    """pagefind-entry.json with its keys in a fixed order."""
    entry = json.loads(data)
    return json.dumps(entry, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _content(fingerprint: str | None) -> str | None:
    return fingerprint.rpartition(".")[2] if fingerprint else None


def index_site(pages: dict[str, str], publisher) -> int:
    """Index the article pages (path → fingerprint) the publisher's back tree now
    holds and hand the index files to the publisher.  Returns how many pages
    Pagefind indexed (0 when the previous index was kept)."""
    back, out = publisher.back, publisher.out
    digest = _digest(pages)
    previous = unchanged(pages, publisher.front_files)
    if previous:  # the same pages as last time: keep the previous index as it is
        if all(_reuse(publisher, rel, fp) for rel, fp in sorted(previous.items())):
            return 0
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.sahifa-search-",
                                     dir=out.parent) as tmp:
        staging = Path(tmp) / "site"
        staging.mkdir()
        _stage(back, sorted(pages), staging)
        try:
            files = run_pagefind(staging, Path(tmp) / "bundle")
        except SahifaError as exc:
            raise SahifaError(f"search index not built: {exc.message}; the previous site "
                              f"is unchanged", file=out) from None
        for name, data in files.items():
            rel = FOLDER + name
            if rel in publisher.files:  # kept above before a link failed: same bytes
                continue
            content = hashlib.blake2b(data, digest_size=16).hexdigest()
            fp = f"{digest}.{content}"
            back_files = publisher.back_files or {}
            if _content(back_files.get(rel)) == content:
                publisher.keep(rel, fp)
            elif (_content(publisher.front_files.get(rel)) == content
                  and publisher.link_from_front(rel, fp)):
                pass
            else:
                publisher.write(rel, data, fp)
        return len(pages)


def _reuse(publisher, rel: str, fp: str) -> bool:
    if publisher.is_current(rel, fp):
        publisher.keep(rel, fp)
        return True
    return publisher.link_from_front(rel, fp)
