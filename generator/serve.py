"""Preview server: build, serve with livereload, rebuild on change.

- Preview builds include drafts and future-dated articles (marked in pages) and go
  to a preview folder (.cache/preview unless --out says otherwise), never into the
  deployable site/.
- A watcher thread (inotify through watchfiles) collects changes; a burst of
  changes gives one rebuild, and changes that land during a rebuild give exactly
  one more after it.  Rebuilds reuse the seeds and pages that did not change.
- The livereload package serves the pages, injects its client into them (only
  as they are served) and tells open browsers to reload after each rebuild.
- A broken seed, template or configuration never stops the server: pages show
  the error, naming file and line, until the next good save.
- Requests are confined to the output folder; the server listens on loopback
  unless --host says otherwise.
"""

from __future__ import annotations

import argparse
import gc
import html
import mimetypes
import os
import queue
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from .build import BuildRequest, BuildState, build
from .config import load_config
from .errors import BuildError, ConfigError
from .writer import Publisher

DEFAULT_PREVIEW_DIR = Path(".cache") / "preview"
QUIET_SECONDS = 0.05      # a burst is over when nothing changed for this long
TIDY_DELAY = 0.3          # seconds between telling browsers and collecting garbage


def say(line: str) -> None:
    """One line to the terminal in one write: the server's own log lines come from
    another thread, and print() writes the text and its newline separately, so two
    lines written at once could run together."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class PreviewState:
    """The outcome of the last build, read by request handlers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.status: int | None = None
        self.lines: tuple[str, ...] = ()
        self.base_path = "/"

    def update(self, status: int, lines: tuple[str, ...], base_path: str | None) -> None:
        with self.lock:
            self.status, self.lines = status, lines
            if base_path:
                self.base_path = base_path

    def snapshot(self) -> tuple[int | None, tuple[str, ...]]:
        with self.lock:
            return self.status, self.lines


class Rebuilder:
    """Runs builds one at a time, keeping what one build can hand the next."""

    def __init__(self, request: BuildRequest, state: PreviewState, log=None) -> None:
        self.request = request
        self.state = state
        self.build_state = BuildState()
        self.log = log or say

    def __call__(self) -> bool:
        """Build; True when browsers should reload (pages or errors changed)."""
        result = build(self.request, self.build_state)
        before = self.state.snapshot()
        base_path = urlsplit(result.base_url).path if result.base_url else None
        # Warnings go to the terminal; pages show errors only.
        self.state.update(result.status, result.lines if result.status else (), base_path)
        for line in result.lines:
            self.log(line)
        self.log(result.summary())
        return result.written > 0 or self.state.snapshot() != before

    def tidy(self) -> None:
        """After browsers are told: prepare the next rebuild, then, since what the state
        keeps lives until the next build, leave it out of the cycle collector's rounds,
        which would walk it again and again."""
        self.build_state.prepare()
        try:
            caught_up = Publisher(self.request.out).catch_up(self.build_state.published)
        except (OSError, BuildError):
            caught_up = None
        if caught_up is not None:
            self.build_state.published = caught_up
        gc.collect()
        gc.freeze()


def watched_roots(request: BuildRequest) -> tuple[list[Path], Path]:
    """(folders watched recursively, the configuration's folder)."""
    root = request.config.resolve().parent
    folders = [request.source.resolve()]
    try:
        config = load_config(request.config, base_url=request.base_url)
        folders.append(config.theme_dir)
    except ConfigError:
        themes = root / "themes"
        if themes.is_dir():
            folders.append(themes)
    folders += [root / "templates", root / "static"]
    return [f for f in dict.fromkeys(folders) if f.is_dir()], root


class Watcher:
    """Feeds a queue with change batches from watchfiles; restarts itself when the
    set of folders to watch changes (a templates/ folder created, say)."""

    def __init__(self, request: BuildRequest, changes: "queue.Queue[str]") -> None:
        self.request = request
        self.changes = changes
        self.stop = threading.Event()
        self._restart = threading.Event()
        self.ready = (threading.Event(), threading.Event())  # tree, root: watching

    def start(self) -> None:
        for target in (self._run_tree, self._run_root):
            threading.Thread(target=target, daemon=True).start()

    def _run_tree(self) -> None:
        import watchfiles
        while not self.stop.is_set():
            folders, _ = watched_roots(self.request)
            self._restart.clear()
            stop = _AnyEvent(self.stop, self._restart)
            if not folders:
                self.stop.wait(0.5)
                continue
            # Files may have changed before this watch began (after the first build,
            # or while restarting): the first wake-up asks for one rebuild, which
            # costs nothing when nothing changed.
            rescan = True
            for batch in watchfiles.watch(*folders, debounce=20, step=10, stop_event=stop,
                                          watch_filter=_wanted, raise_interrupt=False,
                                          rust_timeout=200, yield_on_timeout=True):
                if batch or rescan:
                    self.changes.put("tree")
                    rescan = False
                self.ready[0].set()

    def _run_root(self) -> None:
        import watchfiles
        _, root = watched_roots(self.request)
        config = self.request.config.resolve()
        for batch in watchfiles.watch(root, recursive=False, debounce=20, step=10,
                                      stop_event=self.stop, raise_interrupt=False,
                                      rust_timeout=200, yield_on_timeout=True):
            if not self.ready[1].is_set():
                self.ready[1].set()
                self.changes.put("config")  # anything changed before the watch began
            for _change, path in batch:
                p = Path(path)
                if p == config:
                    self.changes.put("config")
                    self._restart.set()  # the theme may have changed
                elif p.name in ("templates", "static", "themes"):
                    self.changes.put("folders")
                    self._restart.set()


class _AnyEvent:
    """An event that is set when any of several events is."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


def _wanted(change, path: str) -> bool:
    name = os.path.basename(path)
    return not (name.startswith((".#", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))
                or "/.git/" in path or "__pycache__" in path)


def coalesce(changes: "queue.Queue[str]", quiet: float = QUIET_SECONDS) -> None:
    """Wait for the first change, then until a short quiet spell: one burst."""
    changes.get()
    while True:
        try:
            changes.get(timeout=quiet)
        except queue.Empty:
            return


def builder_loop(rebuild: Rebuilder, changes: "queue.Queue[str]", notify,
                 stop: threading.Event) -> None:
    tidy = getattr(rebuild, "tidy", None)
    if tidy is not None:
        tidy()  # after the first build, while the server starts answering
    while not stop.is_set():
        coalesce(changes)
        if stop.is_set():
            return
        if rebuild():
            notify()
        if tidy is not None:
            # Collecting holds the interpreter for a moment: let the server send the
            # reload and answer the browser first.
            stop.wait(TIDY_DELAY)
            tidy()


# --------------------------------------------------------------------- HTTP

def error_page(lines: tuple[str, ...]) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    return (f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head><meta charset="utf-8"><title>Build error · Sahifa preview</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1b1b1f}}
h1{{color:#8a1c1c}}code{{white-space:pre-wrap;unicode-bidi:plaintext}}li{{margin:.5rem 0}}</style>
</head>
<body><main><h1>The site could not be built</h1><ul class="sahifa-errors">
{items}
</ul><p>Fix the file and save: this page reloads by itself.</p></main></body>
</html>
""").encode("utf-8")


def error_banner(lines: tuple[str, ...]) -> bytes:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    return (f'<aside class="sahifa-preview-errors" role="alert" dir="ltr" lang="en" '
            f'style="background:#8a1c1c;color:#fff;padding:.75rem 1rem;font:15px/1.5 '
            f'system-ui,sans-serif"><strong>Preview: some seeds were not built</strong>'
            f'<ul style="margin:.25rem 0">{items}</ul></aside>').encode("utf-8")


def make_handlers(root: Path, state: PreviewState):
    import tornado.web

    root = root.resolve() if root.exists() else Path(os.path.abspath(root))

    class PreviewHandler(tornado.web.RequestHandler):
        """Static files from the output folder, never from outside it."""

        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")

        def head(self, path: str) -> None:
            self.get(path, include_body=False)

        def get(self, path: str, include_body: bool = True) -> None:
            status, lines = state.snapshot()
            base = state.base_path
            request_path = urlsplit(self.request.uri).path
            if base != "/" and request_path in ("/", base.rstrip("/")):
                self.redirect(base)
                return
            if status == 2 or status is None:
                self.set_status(500 if status == 2 else 503)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.write(error_page(lines or ("The first build is still running…",)))
                return
            rel = None
            if request_path.startswith(base):
                rel = path[len(base) - 1:] if base != "/" else path
            target = self._resolve(rel) if rel is not None else None
            if target is not None and target.is_dir():
                if not request_path.endswith("/"):
                    self.redirect(request_path + "/")
                    return
                target = target / "index.html"
            if target is None or not target.is_file():
                self.set_status(404)
                target = root / "404.html"
                if not target.is_file():
                    self.write("Not found")
                    return
            data = target.read_bytes()
            ctype = _content_type(target)
            self.set_header("Content-Type", ctype)
            if ctype.startswith("text/html") and lines:
                data = _after_body_open(data, error_banner(lines))
            if include_body:
                self.write(data)

        def _resolve(self, rel: str) -> Path | None:
            if "\x00" in rel:
                return None
            candidate = Path(os.path.normpath(root / rel.lstrip("/")))
            try:
                real = candidate.resolve()
            except (OSError, RuntimeError):
                return None
            if real != root and not real.is_relative_to(root):
                return None
            return real

    return PreviewHandler


def _content_type(path: Path) -> str:
    if path.suffix in (".html", ".htm"):
        return "text/html; charset=utf-8"
    if path.name == "feed.xml":
        return "application/rss+xml; charset=utf-8"
    if path.suffix == ".xml":
        return "application/xml; charset=utf-8"
    ctype, _ = mimetypes.guess_type(path.name)
    if ctype and ctype.startswith("text/"):
        return ctype + "; charset=utf-8"
    return ctype or "application/octet-stream"


def _after_body_open(data: bytes, insert: bytes) -> bytes:
    at = data.find(b"<body")
    if at < 0:
        return insert + data
    end = data.find(b">", at)
    return data[: end + 1] + insert + data[end + 1:]


def serve(args: argparse.Namespace) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher as LRWatcher
    from tornado.ioloop import IOLoop

    from .cli import request_from

    out = args.out if args.out is not None else DEFAULT_PREVIEW_DIR
    request = request_from(args, drafts=True, future=True, out=out, search_index=False)
    state = PreviewState()
    rebuild = Rebuilder(request, state)
    rebuild()

    class ExternalWatcher(LRWatcher):
        """Changes come from our own watcher thread, not livereload's polling."""

        def start(self, callback) -> bool:
            return True

        def examine(self):
            return None, None

    class PreviewServer(Server):
        def get_web_handlers(self, script):
            return [(r"/(.*)", make_handlers(Path(out), state))]

    loop = IOLoop.current()
    changes: "queue.Queue[str]" = queue.Queue()
    watcher = Watcher(request, changes)
    watcher.start()
    for event in watcher.ready:
        event.wait(5)
    stop = threading.Event()

    def notify() -> None:
        loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    threading.Thread(target=builder_loop, args=(rebuild, changes, notify, stop),
                     daemon=True).start()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        say(f"warning: listening on {args.host}: other machines can reach the preview")
    say(f"Preview of {request.source} on http://{args.host}:{args.port}{state.base_path} "
        f"(built in {out}; Ctrl-C to stop)")
    server = PreviewServer(watcher=ExternalWatcher())
    try:
        server.serve(host=args.host, port=args.port, root=str(out), open_url_delay=None,
                     restart_delay=0)
    finally:
        stop.set()
        watcher.stop.set()
        changes.put("stop")
    return 0
