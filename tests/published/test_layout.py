"""Layout in a real headless Chromium, at a phone's width and a desktop's: Arabic pages
run right to left, nothing overflows sideways, Arabic and Tifinagh render with real
fonts."""

from __future__ import annotations

import struct
import subprocess

import pytest

from .conftest import page_url

WIDTHS = [375, 1280]
PAGES = ["ar-home", "ar-article", "fr-home", "fr-article"]

# Where things sit: the main column and its text, the header's navigation rows.
MEASURE = """(() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {left: r.left, right: r.right, top: r.top, width: r.width}; };
  const main = document.querySelector('main');
  const cs = getComputedStyle(main);
  const inner = {left: main.getBoundingClientRect().left + parseFloat(cs.paddingLeft),
                 right: main.getBoundingClientRect().right - parseFloat(cs.paddingRight)};
  // the lines of text of an element: its fragments grouped by line, edge to edge
  const lines = el => {
    const range = document.createRange(); range.selectNodeContents(el);
    const rows = new Map();
    for (const r of range.getClientRects()) {
      if (r.width === 0) continue;
      const key = Math.round(r.bottom);
      const row = rows.get(key) || {left: r.left, right: r.right, width: 0};
      row.left = Math.min(row.left, r.left); row.right = Math.max(row.right, r.right);
      row.width = row.right - row.left;
      rows.set(key, row);
    }
    const all = Array.from(rows.entries()).sort((a, b) => a[0] - b[0]).map(e => e[1]);
    return {first: all[0], last: all[all.length - 1], count: all.length, box: box(el)};
  };
  const h1 = main.querySelector('h1');
  const para = main.querySelector('.article-body p, .card .summary');
  const row = sel => Array.from(document.querySelectorAll(sel)).map(box);
  return {
    direction: cs.direction, textAlign: getComputedStyle(para).textAlign,
    main: inner, h1: lines(h1), para: lines(para),
    block: box(main.querySelector('.article, .cards')),
    brand: box(document.querySelector('.brand')),
    header: box(document.querySelector('.site-header .wrap')),
    languages: row('.languages li'), sections: row('.sections li'),
  };
})()"""

# Everything that sticks out sideways, outside elements that scroll on their own.
OVERFLOW = """(() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    let scroller = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) scroller = true;
    }
    if (scroller) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < -0.5 || r.right > w + 0.5) {
      out.push(`${el.localName}.${el.className}: ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: w, out};
})()"""


def near(a: float, b: float, tolerance: float = 2) -> bool:
    return abs(a - b) <= tolerance


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_main_column_and_navigation_follow_the_writing_direction(hosted, tab, name, width,
                                                                  tmp_path):
    tab.set_viewport(width, 900)
    tab.goto(page_url(hosted, name))
    m = tab.evaluate(MEASURE)
    rtl = name.startswith("ar")
    assert m["direction"] == ("rtl" if rtl else "ltr")
    main, block = m["main"], m["block"]
    # the column (article or cards) starts at the inline-start edge of main
    edge = "right" if rtl else "left"
    assert near(block[edge], main[edge]), m
    for part in ("h1", "para"):
        lines = m[part]
        # every line of text starts at the block's start edge; the last (shortest) line
        # ends well before the other edge when it is short
        assert near(lines["first"][edge], lines["box"][edge]), (part, m)
        assert near(lines["last"][edge], lines["box"][edge]), (part, m)
    short = m["para"]["last"]
    if short["width"] < m["para"]["box"]["width"] - 40:
        other = "left" if rtl else "right"
        assert not near(short[other], m["para"]["box"][other], 20), m
    # the header: the name of the paper at the start, navigation read from the start edge
    assert near(m["brand"][edge], m["header"][edge]), m
    for row in ("languages", "sections"):
        items = m[row]
        assert len(items) >= 2, row
        first_row = [i for i in items if near(i["top"], items[0]["top"], 4)]
        assert len(first_row) >= 2
        xs = [i[edge] for i in first_row]
        assert xs == sorted(xs, reverse=rtl), (row, xs)  # the first item is at the start
    # the section navigation begins at the start edge of the page's column
    assert near(m["sections"][0][edge], m["header"][edge]), m
    # a picture of it, as the reader sees it
    shot = tmp_path / f"{name}-{width}.png"
    tab.screenshot(shot, full_page=False)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", data[16:20])[0] == width


@pytest.mark.parametrize("name", PAGES + ["ar-tag", "fr-archive", "zgh-home"])
def test_nothing_overflows_sideways_on_a_phone(hosted, tab, name):
    tab.set_viewport(375, 800)
    tab.goto(page_url(hosted, name))
    o = tab.evaluate(OVERFLOW)
    assert o["scrollWidth"] <= o["clientWidth"], o
    assert o["out"] == [], o


def test_the_overflow_check_sees_a_wide_element(hosted, tab):
    tab.set_viewport(375, 800)
    tab.goto(page_url(hosted, "ar-article"))
    tab.evaluate("document.querySelector('.article-body p').style.width = '600px'")
    o = tab.evaluate(OVERFLOW)
    assert o["scrollWidth"] > o["clientWidth"] and any(x.startswith("p.") for x in o["out"])


def platform_fonts(tab, selector: str) -> dict[str, int]:
    """The fonts Chromium really drew the text of `selector` with: family → glyphs."""
    tab.send("DOM.enable")
    tab.send("CSS.enable")
    root = tab.send("DOM.getDocument", depth=0)["root"]["nodeId"]
    node = tab.send("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    assert node, selector
    fonts = tab.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def installed_families(charset: str) -> set[str]:
    """Font families fontconfig knows that cover the given code point (hex)."""
    out = subprocess.run(["fc-list", f":charset={charset}", "family"], capture_output=True,
                         text=True, check=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


@pytest.mark.parametrize("name, selector, charset, letters", [
    ("ar-article", "main h1", "0628", "دخول"),           # Arabic: beh
    ("ar-home", ".brand", "0628", "صحيفة"),
    ("zgh-home", ".brand", "2D59", "ⵙⴰⵃⵉⴼⴰ"),            # Tifinagh: yas
    ("zgh-home", "main .card-title a", "2D59", ""),
])
def test_arabic_and_tifinagh_render_with_real_fonts(hosted, tab, name, selector, charset,
                                                     letters):
    tab.set_viewport(1280, 900)
    tab.goto(page_url(hosted, name))
    text = tab.evaluate(f"document.querySelector({selector!r}).textContent")
    assert letters in text
    fonts = platform_fonts(tab, selector)
    covering = installed_families(charset)
    assert covering, f"no installed font covers U+{charset}: fonts-noto-core is missing"
    # every glyph of the text came from a font that has the script (no fallback boxes)
    assert fonts and set(fonts) <= covering, (fonts, sorted(covering)[:10])
    family = "Noto Naskh Arabic" if charset == "0628" else "Noto Sans Tifinagh"
    assert family in fonts, fonts  # the theme's first choice, from fonts-noto-core
