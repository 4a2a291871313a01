"""What a build prints while it runs."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time

from generator.progress import Bar, Lines, Silent, reporter


def run(site, *args):
    return subprocess.run([sys.executable, "-m", "generator", "build", *args], cwd=site.root,
                          capture_output=True, text=True, timeout=120)


def test_plain_lines_when_not_on_a_terminal(site):
    for i in range(3):
        site.write(f"{i}.md", f"---\ntitle: T{i}\nlang: en\ndate: 2025-05-0{i + 1}\n---\nText.\n")
    result = run(site)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    stages = [re.sub(r" \(\d+\.\d\d s\)$", "", line) for line in lines[:-1]]
    assert stages[:3] == ["discover", "read 3", "assemble 3"]
    assert stages[3] == "plan" and stages[4].startswith("render ")
    assert stages[5] == "search" and stages[6].startswith("publish ")
    assert re.fullmatch(r"3 articles, \d+ pages, \d+ files written, 0 unchanged, 0 errors, "
                        r"published, in \d+\.\d\d s", lines[-1])


def test_quiet_prints_nothing(site):
    site.write("a.md", "---\ntitle: T\nlang: en\ndate: 2025-05-01\n---\nText.\n")
    result = run(site, "--quiet")
    assert result.returncode == 0 and result.stderr == "" and result.stdout == ""


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_reporter_picks_bar_lines_or_silence():
    assert isinstance(reporter(True, Terminal()), Silent) and type(reporter(True, Terminal())) is Silent
    assert isinstance(reporter(False, Terminal()), Bar)
    assert isinstance(reporter(False, io.StringIO()), Lines)


def test_bar_shows_progress_on_a_terminal():
    out = Terminal()
    bar = Bar(out, after=0.0)
    bar.stage("render", 4)
    for _ in range(4):
        time.sleep(0.12)  # past tqdm's refresh interval, so each step is drawn
        bar.advance()
    bar.done()
    assert "render" in out.getvalue() and "4/4" in out.getvalue()


def test_bar_stays_hidden_for_a_quick_build():
    out = Terminal()
    bar = Bar(out, after=60.0)
    bar.stage("render", 4)
    bar.advance(4)
    bar.done()
    assert "render" not in out.getvalue()
