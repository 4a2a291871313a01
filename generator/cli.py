"""Command line: argparse → a request object → build or serve → exit status."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from . import __version__
from .build import EXIT_USAGE, BuildRequest, build


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", type=Path, default=Path("seeds"), metavar="DIR",
                   help="folder of seeds (default: seeds/)")
    p.add_argument("--config", type=Path, default=Path("site.toml"), metavar="FILE",
                   help="site configuration (default: site.toml)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="output folder (default: site/; for serve, .cache/preview/)")
    p.add_argument("--base-url", metavar="URL", help="override base_url from the config")
    p.add_argument("--jobs", type=int, default=0, metavar="N",
                   help="worker processes (default: one per core)")
    p.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                   help="cache folder (default: .cache/ beside the configuration)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also say how missing keys were inferred")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sahifa", description="Static multilingual news sites.")
    p.add_argument("--version", action="version", version=f"sahifa {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="build the site")
    _common(b)
    b.add_argument("--drafts", action="store_true", help="include drafts")
    b.add_argument("--future", action="store_true", help="include future-dated articles")
    b.add_argument("--strict", action="store_true",
                   help="publish nothing when any seed has an error")
    b.add_argument("--clean", action="store_true",
                   help="ignore the cache and the previous output: read, render and "
                        "write everything again")

    s = sub.add_parser("serve", help="build, serve and rebuild on change (live reload)")
    _common(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")

    c = sub.add_parser("check", help="lint every seed without building; with --out, "
                                     "also check every link of a built site")
    c.add_argument("--source", type=Path, default=Path("seeds"), metavar="DIR",
                   help="folder of seeds (default: seeds/)")
    c.add_argument("--config", type=Path, default=Path("site.toml"), metavar="FILE",
                   help="site configuration (default: site.toml)")
    c.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="a built site whose internal links, assets, feeds and sitemaps "
                        "to check")
    c.add_argument("--base-url", metavar="URL", help="override base_url from the config")
    c.add_argument("-v", "--verbose", action="store_true",
                   help="also say how missing keys would be inferred")
    c.add_argument("-q", "--quiet", action="store_true", help="print errors only")

    n = sub.add_parser("new", help="write a new seed (a draft) with front matter")
    n.add_argument("title", metavar="TITLE")
    n.add_argument("--lang", help="language code (default: the site's default language)")
    n.add_argument("--tags", default="", help="comma-separated tags")
    n.add_argument("--section", help="section key, like economy")
    n.add_argument("--source", type=Path, default=Path("seeds"), metavar="DIR",
                   help="folder of seeds (default: seeds/)")
    n.add_argument("--config", type=Path, default=Path("site.toml"), metavar="FILE",
                   help="site configuration (default: site.toml)")

    t = sub.add_parser("tags", help="tag tools")
    tsub = t.add_subparsers(dest="tags_command", required=True, metavar="ACTION")
    ts = tsub.add_parser("suggest", help="print up to five suggested tags for each seed")
    ts.add_argument("seeds", nargs="*", type=Path, metavar="SEED",
                    help="seeds to suggest tags for (default: every seed without tags)")
    ts.add_argument("--source", type=Path, default=Path("seeds"), metavar="DIR",
                    help="folder of seeds, the corpus words are weighed against "
                         "(default: seeds/)")
    ts.add_argument("--config", type=Path, default=Path("site.toml"), metavar="FILE",
                    help="site configuration (default: site.toml)")
    return p


def request_from(args: argparse.Namespace, **overrides) -> BuildRequest:
    fields = dict(source=args.source, config=args.config, out=args.out or Path("site"),
                  base_url=args.base_url,
                  drafts=getattr(args, "drafts", False), future=getattr(args, "future", False),
                  strict=getattr(args, "strict", False), jobs=args.jobs,
                  cache_dir=args.cache_dir, clean=getattr(args, "clean", False))
    fields.update(overrides)
    return BuildRequest(**fields)


def run_build(args: argparse.Namespace) -> int:
    if args.jobs < 0:
        print("sahifa: --jobs must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    from .progress import reporter
    gc.disable()  # one build and exit: the cycle collector would only walk the cache again
    result = build(request_from(args, progress=reporter(args.quiet)))
    for line in (result.notes if args.verbose else result.lines):
        print(line, file=sys.stderr)
    if not args.quiet:
        print(result.summary(), file=sys.stderr)
    return result.status


def run_check(args: argparse.Namespace) -> int:
    from .check import check
    result = check(args.source, args.config, out=args.out, base_url=args.base_url,
                   verbose=args.verbose)
    for line in result.lines:
        print(line, file=sys.stderr)
    if not args.quiet and result.status != EXIT_USAGE:
        print(result.summary(), file=sys.stderr)
    return result.status


def _config_or_report(args: argparse.Namespace):
    """The site configuration, or None after printing what is wrong with it."""
    from .config import load_config
    from .errors import ConfigError
    try:
        return load_config(args.config)
    except ConfigError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        return None


def run_new(args: argparse.Namespace) -> int:
    from .errors import SahifaError
    from .newseed import new_seed
    config = _config_or_report(args)
    if config is None:
        return EXIT_USAGE
    tags = tuple(t.strip() for t in args.tags.split(",") if t.strip())
    try:
        path = new_seed(config, args.source, args.title, lang=args.lang, tags=tags,
                        section=args.section)
    except SahifaError as exc:
        print(exc if exc.file else f"sahifa new: {exc.message}", file=sys.stderr)
        return EXIT_USAGE if exc.message.startswith("--lang") else 1
    from .errors import display_path
    print(display_path(path))
    return 0


def run_tags_suggest(args: argparse.Namespace) -> int:
    from .errors import Diagnostic
    from .tags import suggest_seeds
    config = _config_or_report(args)
    if config is None:
        return EXIT_USAGE
    if not args.source.is_dir():
        print(f"{args.source}: source folder not found", file=sys.stderr)
        return EXIT_USAGE
    status = 0
    for shown, found in suggest_seeds(config, args.source, args.seeds or None):
        if isinstance(found, Diagnostic):
            print(found, file=sys.stderr)
            status = 1
        else:
            print(f"{shown}: {', '.join(found)}")
    return status


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    if args.command == "build":
        return run_build(args)
    if args.command == "new":
        return run_new(args)
    if args.command == "tags":
        return run_tags_suggest(args)
    if args.command == "check":
        return run_check(args)
    if args.command == "serve":
        from .serve import serve
        return serve(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def console() -> None:
    """The `sahifa` command: main(), then exit at once, without tearing down what a
    build leaves in memory (the system takes it back whole)."""
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
