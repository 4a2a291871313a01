"""The preview server, for real: a `sahifa serve` process on a loopback port,
driven over HTTP while the test edits seeds, templates and the configuration."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from generator import serve as serve_mod

from .conftest import SiteBuilder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), dict(e.headers)


class Preview:
    def __init__(self, site: SiteBuilder) -> None:
        self.site = site
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(self.port)],
            cwd=site.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(lambda: self._up(), what="server start", timeout=60)

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line.rstrip("\n"))

    def _up(self) -> bool:
        try:
            return fetch(self.base + "/")[0] in (200, 500)
        except OSError:
            return False

    def builds(self) -> int:
        return sum(1 for line in self.log if re.match(r"\d+ articles, ", line))

    def settle(self, quiet: float = 0.6) -> None:
        """Wait until no build has finished for `quiet` seconds."""
        count, since = self.builds(), time.monotonic()
        while time.monotonic() - since < quiet:
            time.sleep(0.05)
            if self.builds() != count:
                count, since = self.builds(), time.monotonic()

    def get(self, path: str):
        return fetch(self.base + quote(path))

    def wait(self, predicate, what: str, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; server said:\n" +
                             "\n".join(self.log[-20:]))

    def wait_page(self, path: str, text: str, present: bool = True, timeout: float = 15):
        def check():
            status, body, _ = self.get(path)
            return (text in body) == present and (status == 200 or not present)
        return self.wait(check, f"{path} {'to show' if present else 'to lose'} {text!r}",
                         timeout)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def seed(title: str, date: str = "2025-05-03T10:00:00+01:00", tags=("الرباط",), extra=""):
    tag_list = ", ".join(tags)
    return f"---\ntitle: \"{title}\"\ndate: {date}\ntags: [{tag_list}]\n{extra}---\nنص الخبر {title}.\n"


@pytest.fixture
def preview(site):
    site.write("a.md", seed("الخبر الأول"))
    site.write("b.md", seed("الخبر الثاني", date="2025-05-04T10:00:00+01:00"))
    p = Preview(site)
    yield p
    p.stop()


A_PATH = "/ar/2025/05/03/الخبر-الأول/"


def test_serves_pages_with_the_live_reload_client_only_when_served(preview):
    status, body, headers = preview.get(A_PATH)
    assert status == 200 and "<h1>الخبر الأول</h1>" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "livereload.js" in body
    built = preview.site.root / ".cache" / "preview"
    on_disk = (built / "ar/2025/05/03/الخبر-الأول/index.html").read_text(encoding="utf-8")
    assert "livereload" not in on_disk
    assert not (preview.site.root / "site").exists()  # the deployable folder is untouched


def test_edited_seed_shows_everywhere_it_belongs(preview):
    preview.site.write("a.md", seed("الخبر الأول", extra="summary: ملخص محدث\n"))
    preview.wait_page("/ar/", "ملخص محدث")
    for path in ("/ar/tags/الرباط/", "/ar/2025/05/03/", "/ar/2025/05/", "/ar/feed.xml",
                 "/ar/tags/الرباط/feed.xml", A_PATH):
        status, body, _ = preview.get(path)
        assert status == 200 and "ملخص محدث" in body, path


def test_new_seed_appears_everywhere_and_renamed_or_deleted_ones_disappear(preview):
    preview.site.write("c.md", seed("خبر جديد", date="2025-06-01T10:00:00+01:00", tags=("جديد",)))
    preview.wait_page("/ar/", "خبر جديد")
    for path in ("/ar/2025/06/01/خبر-جديد/", "/ar/tags/جديد/", "/ar/2025/06/", "/ar/feed.xml"):
        status, body, _ = preview.get(path)
        assert status == 200 and "خبر جديد" in body, path
    assert "<bdi>جديد</bdi>" in preview.get("/ar/tags/")[1]
    # rename: new file name and new title; the old URL must answer 404
    (preview.site.seeds / "c.md").rename(preview.site.seeds / "d.md")
    preview.site.write("d.md", seed("خبر معدل", date="2025-06-01T10:00:00+01:00", tags=("جديد",)))
    preview.wait_page("/ar/", "خبر معدل")
    assert preview.get("/ar/2025/06/01/خبر-جديد/")[0] == 404
    # delete: gone from every page
    (preview.site.seeds / "d.md").unlink()
    preview.wait_page("/ar/", "خبر معدل", present=False)
    assert preview.get("/ar/2025/06/01/خبر-معدل/")[0] == 404
    assert preview.get("/ar/tags/جديد/")[0] == 404
    assert preview.get("/ar/2025/06/")[0] == 404
    assert "خبر معدل" not in preview.get("/ar/feed.xml")[1]
    assert "خبر معدل" not in preview.get("/sitemap.xml")[1]


def test_template_and_config_changes_rebuild_what_depends_on_them(preview):
    (preview.site.root / "templates").mkdir()
    (preview.site.root / "templates" / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="custom">{{ article.title }}</p>'
        "{% endblock %}", encoding="utf-8")
    preview.wait_page(A_PATH, '<p class="custom">الخبر الأول</p>')
    config = preview.site.config.read_text(encoding="utf-8")
    preview.site.config.write_text(config.replace('title = "الجريدة"', 'title = "جريدة الغد"'),
                                   encoding="utf-8")
    preview.wait_page("/ar/", "جريدة الغد")
    assert "جريدة الغد" in preview.get(A_PATH)[1]


def test_drafts_and_future_articles_are_previewed_and_marked(preview):
    preview.site.write("draft.md", seed("مسودة", extra="draft: true\n"))
    preview.site.write("later.md", seed("لاحقا", date="2099-01-01T10:00:00+01:00"))
    preview.wait_page("/ar/", "لاحقا")
    assert '<span class="badge">مجدول</span>' in preview.get("/ar/")[1]
    draft = preview.get("/ar/2025/05/03/مسودة/")[1]
    assert '<span class="badge">مسودة</span>' in draft


def test_broken_seed_shows_on_pages_and_in_the_terminal_until_fixed(preview):
    preview.site.write("bad.md", "---\ntitle: x\ndate: 2025-02-30\n---\nنص\n")
    message = ("seeds/bad.md:3: date: '2025-02-30' is not an ISO 8601 date "
               "(like 2025-05-03 or 2025-05-03T09:30:00+01:00)")
    preview.wait_page("/ar/", "seeds/bad.md:3: date:")
    assert message in preview.log
    status, body, _ = preview.get(A_PATH)
    assert status == 200 and "<h1>الخبر الأول</h1>" in body and "sahifa-preview-errors" in body
    preview.site.write("bad.md", seed("صالح", date="2025-02-20T10:00:00+01:00"))
    preview.wait_page("/ar/", "sahifa-preview-errors", present=False)
    assert "صالح" in preview.get("/ar/")[1]


def test_broken_template_and_config_give_an_error_page_until_fixed(preview):
    (preview.site.root / "templates").mkdir()
    template = preview.site.root / "templates" / "list.html"
    template.write_text("line one\n{% for x in %}\n", encoding="utf-8")
    preview.wait(lambda: preview.get("/ar/")[0] == 500, "the error page")
    status, body, _ = preview.get(A_PATH)
    assert status == 500 and re.search(r"templates/list\.html:2: template error", body)
    assert any(re.search(r"templates/list\.html:2: template error", l) for l in preview.log)
    template.unlink()
    preview.wait(lambda: preview.get("/ar/")[0] == 200, "recovery after the template fix")
    good = preview.site.config.read_text(encoding="utf-8")
    preview.site.config.write_text("paginat = 3\n" + good, encoding="utf-8")
    preview.wait(lambda: preview.get("/ar/")[0] == 500, "the config error page")
    assert "unknown key &#x27;paginat&#x27; (did you mean &#x27;paginate&#x27;?)" in preview.get("/ar/")[1]
    preview.site.config.write_text(good, encoding="utf-8")
    preview.wait(lambda: preview.get("/ar/")[0] == 200, "recovery after the config fix")


def test_a_burst_of_changes_gives_one_rebuild(preview):
    # A burst is changes with no quiet spell between them.  A test process held up by
    # a loaded machine can leave one mid-burst (two rebuilds are then right), so such
    # a burst is written again; one written without a pause must give one rebuild.
    for attempt in range(5):
        preview.settle()
        before = preview.builds()
        texts = [seed(f"دفعة {attempt} {i}", date=f"2025-04-{i + 1:02d}") for i in range(25)]
        gaps, last = [], time.perf_counter()
        for i, text in enumerate(texts):
            preview.site.write(f"burst-{attempt}-{i:02d}.md", text)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        preview.wait_page(f"/ar/2025/04/25/دفعة-{attempt}-24/", f"دفعة {attempt} 24")
        time.sleep(1.0)
        if max(gaps) < serve_mod.QUIET_SECONDS / 2:
            assert preview.builds() - before == 1, preview.log[-5:]
            return
    pytest.fail("no burst could be written without a pause")


def test_missing_pages_answer_404_with_the_site_page(preview):
    status, body, _ = preview.get("/ar/2031/01/01/none/")
    assert status == 404 and "الصفحة غير موجودة" in body


def test_requests_cannot_leave_the_output_folder(preview, tmp_path):
    secret = preview.site.root / "secret.txt"
    secret.write_text("top secret")
    out = preview.site.root / ".cache" / "preview"
    os.symlink(secret, out / "leak.txt")
    for raw in ("/../secret.txt", "/%2e%2e/secret.txt", "/ar/..%2f..%2fsecret.txt",
                "/leak.txt", "/..%2f..%2f..%2fetc/passwd", "/%00"):
        with socket.create_connection(("127.0.0.1", preview.port), timeout=10) as s:
            s.sendall(f"GET {raw} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
            response = b""
            while chunk := s.recv(65536):
                response += chunk
        head = response.split(b"\r\n", 1)[0]
        assert b"top secret" not in response and b"root:" not in response, raw
        assert head.split()[1] in (b"400", b"403", b"404"), (raw, head)


def test_listens_on_loopback_only(preview):
    port_hex = f"{preview.port:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and local.endswith(":" + port_hex):
                listening.append(local.split(":")[0])
    assert listening == ["0100007F"]


def test_base_path_is_served_under_its_path(site):
    site.set_config(site.config.read_text().replace('base_url = "https://example.test/"',
                                                    'base_url = "https://example.test/news/"'))
    site.write("a.md", seed("الخبر الأول"))
    p = Preview(site)
    try:
        status, body, _ = p.get("/news" + A_PATH)
        assert status == 200 and 'href="/news/ar/"' in body
        with urllib.request.urlopen(p.base + "/", timeout=10) as r:  # follows the redirect
            assert r.url == p.base + "/news/"
            assert '<meta http-equiv="refresh" content="0; url=/news/ar/">' in r.read().decode()
        with urllib.request.urlopen(p.base + "/news", timeout=10) as r:
            assert r.url == p.base + "/news/"
        assert p.get(A_PATH)[0] == 404
    finally:
        p.stop()


# ------------------------------------------------------------ the rebuild loop itself

def test_change_during_a_rebuild_gives_exactly_one_more():
    changes: queue.Queue = queue.Queue()
    calls = []
    started, release = threading.Event(), threading.Event()

    def rebuild():
        calls.append(time.monotonic())
        if len(calls) == 1:
            started.set()
            release.wait(5)
        return True

    stop = threading.Event()
    notified = []
    t = threading.Thread(target=serve_mod.builder_loop,
                         args=(rebuild, changes, lambda: notified.append(1), stop), daemon=True)
    t.start()
    changes.put("tree")
    assert started.wait(5)
    for _ in range(10):  # several changes land while the first rebuild runs
        changes.put("tree")
    release.set()
    deadline = time.monotonic() + 5
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert len(calls) == 2 and len(notified) == 2
    stop.set()
    changes.put("stop")
