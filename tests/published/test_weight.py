"""The default theme stays light: CSS under 20 KB, no JavaScript on article pages, an
article page under 50 KB before compression (bench/weight.py, `make weight`)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest

from ..conftest import REPO

_spec = importlib.util.spec_from_file_location("sahifa_bench_weight",
                                               REPO / "bench" / "weight.py")
weight = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = weight  # dataclasses look their module up
_spec.loader.exec_module(weight)


@pytest.mark.parametrize("which", ["demo_out", "hosted"])
def test_the_demo_stays_light(which, request):
    fixture = request.getfixturevalue(which)
    out = fixture if which == "demo_out" else fixture.out  # also under a sub-path
    w = weight.measure(out)
    assert len(w.articles) >= 20
    assert w.problems() == []
    assert 0 < w.css < 20 * 1024
    assert w.heaviest.total < 50 * 1024
    assert all(p.assets >= w.css for p in w.articles)  # the stylesheet is counted
    assert w.with_scripts == ()
    # the structured data is there, and is not counted as a script
    page = (out / w.heaviest.path).read_text(encoding="utf-8")
    assert '<script type="application/ld+json">' in page


def test_a_script_or_a_heavy_page_is_reported(demo_out, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(demo_out, out)
    w = weight.measure(out)
    page = out / w.articles[0].path
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", '<script src="/static/x.js"></script>'
                                 + "<p>" + "ا" * 30000 + "</p></body>"), encoding="utf-8")
    (out / "static" / "x.js").write_text("console.log(1)")
    problems = weight.measure(out).problems()
    assert any("runs JavaScript: /static/x.js" in p for p in problems), problems
    assert any("the limit is 50.0 KB" in p for p in problems), problems


def test_make_weight_prints_the_figures():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "weight.py")],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("CSS: ") and "(limit 20.0 KB)" in lines[0]
    assert lines[1].startswith("Article pages: ") and "before compression" in lines[1]
    assert lines[2] == "JavaScript on article pages: none"
