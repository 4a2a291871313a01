"""`sahifa new`: a draft seed with front matter, never over an existing file."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml


def run(site, *args):
    return subprocess.run([sys.executable, "-m", "generator", "new", *args], cwd=site.root,
                          capture_output=True, text=True, timeout=60)


def test_new_writes_a_draft_seed_that_builds(site):
    result = run(site, "تامسنا: خبر عاجل", "--tags", "أمن, تامسنا", "--section", "politics")
    assert result.returncode == 0, result.stderr
    path = result.stdout.strip()
    assert re.fullmatch(r"seeds/\d{4}-\d{2}-\d{2}-تامسنا-خبر-عاجل\.md", path)
    text = (site.root / path).read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "تامسنا: خبر عاجل" and front["lang"] == "ar"
    assert front["tags"] == ["أمن", "تامسنا"] and front["section"] == "politics"
    assert front["draft"] is True
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", front["date"])
    drafts = site.build(drafts=True, now=None)
    assert drafts.status == 0 and drafts.articles == 1
    assert site.build(now=None).articles == 0  # a draft stays out of the real build


def test_new_never_overwrites(site):
    first = run(site, "Titre", "--lang", "fr")
    path = site.root / first.stdout.strip()
    path.write_text(path.read_text(encoding="utf-8") + "Texte écrit par l'éditeur.\n",
                    encoding="utf-8")
    again = run(site, "Titre", "--lang", "fr")
    assert again.returncode == 1
    assert again.stderr.strip() == f"{first.stdout.strip()}: already exists; not overwritten (choose another title)"
    assert "Texte écrit par l'éditeur." in path.read_text(encoding="utf-8")


def test_new_rejects_an_unknown_language(site):
    result = run(site, "Title", "--lang", "de")
    assert result.returncode == 2
    assert result.stderr.strip() == ("sahifa new: --lang: 'de' is not a configured language "
                                     "(ar, fr, en, zgh)")
    assert list(site.seeds.iterdir()) == []
