"""Serving a built site the way a host does: nginx (Debian's package) under a sub-path,
or Python's static file server for a quick look."""

from __future__ import annotations

import functools
import grp
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# The configuration README.md (Deployment) describes: the site's folder named after
# the sub-path under a root, feeds as RSS, sitemaps as XML, UTF-8 declared, dot-files
# (the build manifest) kept private, and the site's own 404 page.
NGINX_CONF = """\
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/css text/plain text/xml application/xml application/rss+xml;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        location {prefix} {{
            index index.html;
            error_page 404 {prefix}404.html;
        }}
        location ~ /\\. {{ return 404; }}
        location ~ /feed\\.xml$ {{ types {{ }} default_type application/rss+xml; }}
        location ~ \\.xml$ {{ types {{ }} default_type application/xml; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_path() -> str:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("nginx is not installed (Debian package 'nginx'); .ci/run installs it")


class Nginx:
    """A real nginx in the foreground, serving `root` on 127.0.0.1:port, with its
    configuration, pid file and logs in `tmp`."""

    def __init__(self, root: Path, prefix: str, port: int, tmp: Path) -> None:
        self.tmp = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        user = ""
        if os.geteuid() == 0:  # workers would otherwise switch to 'nobody'
            user = (f"user {pwd.getpwuid(os.geteuid()).pw_name} "
                    f"{grp.getgrgid(os.getegid()).gr_name};")
        self.conf = tmp / "nginx.conf"
        self.conf.write_text(NGINX_CONF.format(
            user=user, tmp=tmp, port=port, root=root, prefix=prefix,
            mime_types="/etc/nginx/mime.types"), encoding="utf-8")
        self.base = f"http://127.0.0.1:{port}"
        binary = nginx_path()
        check = subprocess.run([binary, "-t", "-q", "-p", str(tmp), "-e",
                                str(tmp / "error.log"), "-c", str(self.conf)],
                               capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx rejected its configuration: {check.stderr}")
        self.proc = subprocess.Popen(
            [binary, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(self.conf),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Ready once it has bound its port and written its pid (a port taken by another
        # program makes it retry for a few seconds, then exit).
        pid_file = tmp / "nginx.pid"
        deadline = time.monotonic() + 15
        while True:
            try:
                if pid_file.read_text().strip() == str(self.proc.pid):
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("nginx did not start: " + self.error_log())
            time.sleep(0.05)

    def error_log(self) -> str:
        log = self.tmp / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # fast shutdown; the workers go with the master
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard signature
        pass


class StaticServer:
    """Python's static file server for `folder` on a loopback port, in a thread."""

    def __init__(self, folder: Path, port: int = 0) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
