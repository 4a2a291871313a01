"""Screenshots of the demo for the README: `make screenshots` (`python -m tests.screenshots`).

Builds the demo into a temporary folder, serves it on a loopback port, and photographs
the Arabic and French home and article pages in headless Chromium at 1280 and 375 px
wide, into docs/screenshots/.  The PNGs are reduced to a 128-colour palette (Pillow)
to keep the repository small.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from generator.build import BuildRequest, build

from .browser import Browser
from .hosting import StaticServer, free_port

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "screenshots"
# name → (language, a fragment of the article's slug, or None for the home page)
SHOTS = {"ar-home": ("ar", None), "ar-article": ("ar", "تحلية"),
         "fr-home": ("fr", None), "fr-article": ("fr", "dessalement")}
SIZES = {1280: 900, 375: 760}


def article_rel(out: Path, lang: str, fragment: str) -> str:
    found = [p.parent for p in (out / lang).glob("*/*/*/*/index.html")
             if fragment in p.parent.name]
    assert len(found) == 1, (lang, fragment, found)
    return found[0].relative_to(out).as_posix() + "/"


def optimise(png: bytes) -> bytes:
    """A palette PNG: text and flat colours lose nothing a reader would see."""
    try:
        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue() if buffer.tell() < len(png) else png


def take(target: Path = DOCS) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        out = Path(tmp) / "site"
        result = build(BuildRequest(source=REPO / "seeds", config=REPO / "site.toml",
                                    out=out, base_url=f"http://127.0.0.1:{port}/",
                                    cache_dir=Path(tmp) / "cache"))
        if result.status != 0:
            raise SystemExit("\n".join(result.lines))
        server = StaticServer(out, port)
        browser = Browser()
        try:
            page = browser.new_page()
            for name, (lang, fragment) in SHOTS.items():
                rel = article_rel(out, lang, fragment) if fragment else f"{lang}/"
                for width, height in SIZES.items():
                    page.set_viewport(width, height)
                    page.goto(f"{server.base}/{quote(rel)}")
                    page.evaluate("document.fonts.ready.then(() => true)")
                    shot = Path(tmp) / "shot.png"
                    page.screenshot(shot, full_page=False)
                    path = target / f"{name}-{width}.png"
                    path.write_bytes(optimise(shot.read_bytes()))
                    written.append(path)
            page.close()
        finally:
            browser.quit()
            server.stop()
    return written


if __name__ == "__main__":
    for path in take(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS):
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
              f"{path.stat().st_size // 1024} KB")
