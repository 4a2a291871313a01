"""Preview server: build, serve with livereload, rebuild on change.

Preview builds include drafts and future-dated articles (they are marked as
such in the pages).  The live-reload script is injected by the server into
the pages it serves, never written into the output folder.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from .build import BuildRequest, build
from .config import load_config
from .errors import ConfigError


class Rebuilder:
    """Runs builds one at a time; changes that arrive during a build give one more."""

    def __init__(self, request: BuildRequest) -> None:
        self.request = request
        self._lock = threading.Lock()
        self.last_status: int | None = None

    def __call__(self) -> None:
        with self._lock:
            result = build(self.request)
            self.last_status = result.status
            for line in result.lines:
                print(line, file=sys.stderr)
            print(result.summary(), file=sys.stderr)


def watched_paths(request: BuildRequest) -> list[Path]:
    paths = [request.source, request.config]
    try:
        config = load_config(request.config, base_url=request.base_url)
        paths += [config.theme_dir, config.root / "templates", config.root / "static"]
    except ConfigError:
        pass
    return [p for p in paths if p.exists()]


def serve(args: argparse.Namespace) -> int:
    from livereload import Server

    from .cli import request_from

    request = request_from(args, drafts=True, future=True)
    rebuild = Rebuilder(request)
    rebuild()
    server = Server()
    for path in watched_paths(request):
        server.watch(str(path), rebuild, delay=0.2)
    print(f"Serving {request.out} on http://{args.host}:{args.port}/ (Ctrl-C to stop)",
          file=sys.stderr)
    server.serve(root=str(request.out), host=args.host, port=args.port, open_url_delay=None,
                 restart_delay=0)
    return 0
