"""Shared fixtures: whole sites built from a few inline strings."""

from __future__ import annotations

import os
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings

from generator.build import BuildRequest, build

# Property tests check behaviour, not speed: no per-example deadline on a busy machine.
# `make fuzz` (SAHIFA_FUZZ=1) runs them with many more examples.
settings.register_profile("sahifa", deadline=None)
settings.register_profile("sahifa-fuzz", deadline=None, max_examples=5000)
settings.load_profile("sahifa-fuzz" if os.environ.get("SAHIFA_FUZZ") == "1" else "sahifa")

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)

CONFIG = """\
title = "Test Times"
base_url = "https://example.test/"
default_language = "ar"
timezone = "Africa/Casablanca"
paginate = 3

[languages.ar]
locale = "ar_MA"
title = "الجريدة"

[languages.fr]
locale = "fr_MA"

[languages.en]
locale = "en"

[languages.zgh]
locale = "zgh"
"""


class SiteBuilder:
    """Writes seeds and a config into a temporary folder and builds them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.seeds = root / "seeds"
        self.out = root / "site"
        self.config = root / "site.toml"
        self.seeds.mkdir(parents=True, exist_ok=True)
        self.config.write_text(CONFIG, encoding="utf-8")

    def write(self, name: str, content: str | bytes, *, dedent: bool = True) -> Path:
        path = self.seeds / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n") if dedent else content,
                            encoding="utf-8")
        return path

    def set_config(self, text: str) -> None:
        self.config.write_text(textwrap.dedent(text), encoding="utf-8")

    def build(self, state=None, **kwargs):
        kwargs.setdefault("now", NOW)
        kwargs.setdefault("jobs", 1)
        # Search pages are built, Pagefind is run only where a test asks (test_search).
        kwargs.setdefault("search_index", False)
        request = BuildRequest(source=self.seeds, config=self.config, out=self.out, **kwargs)
        return build(request, state)

    def page(self, rel: str) -> str:
        path = self.out / rel
        if path.is_dir() or rel.endswith("/") or rel == "":
            path = path / "index.html"
        return path.read_text(encoding="utf-8")

    def pages(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.out).as_posix(): p.read_bytes()
                for p in sorted(self.out.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path, monkeypatch) -> SiteBuilder:
    """A fresh site folder, made the working folder so messages say seeds/x.md."""
    monkeypatch.chdir(tmp_path)
    return SiteBuilder(tmp_path)
