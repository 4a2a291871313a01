"""Accessibility in a real headless Chromium: axe-core (the npm package, pinned in the
Makefile) on the pages readers land on, and the keyboard: focus order, visible focus,
the skip link, and the language of every fragment of text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ..conftest import REPO
from .conftest import page_url

AXE = Path(os.environ.get("SAHIFA_AXE",
                          REPO / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"))
PAGES = ["ar-home", "fr-home", "ar-article", "fr-article", "ar-tag", "fr-tag",
         "ar-archive", "fr-archive", "zgh-home", "not-found"]
# Landmarks, skip links and headings: none of these may fail at any impact.
STRUCTURE_RULES = {"landmark-one-main", "region", "bypass", "landmark-unique",
                   "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
                   "landmark-main-is-top-level", "landmark-banner-is-top-level",
                   "landmark-contentinfo-is-top-level", "landmark-complementary-is-top-level",
                   "page-has-heading-one", "heading-order", "html-has-lang", "html-lang-valid",
                   "valid-lang", "html-xml-lang-mismatch", "tabindex", "color-contrast"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        raise RuntimeError(f"axe-core is not installed at {AXE}: `make test` installs it "
                           "(npm install axe-core into .cache/node)")
    return AXE.read_text(encoding="utf-8")


def run_axe(tab, axe_source) -> list[dict]:
    if not tab.evaluate("typeof window.axe === 'object'"):
        tab.evaluate(axe_source)
    return tab.evaluate("""
      axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ' | ' + n.failureSummary)})))""")


def report(violations) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_serious_violation(hosted, tab, axe_source, name, width):
    tab.set_viewport(width, 900)
    tab.goto(page_url(hosted, name))
    violations = run_axe(tab, axe_source)
    bad = [v for v in violations
           if v["impact"] in ("serious", "critical") or v["id"] in STRUCTURE_RULES]
    assert bad == [], report(bad)


def test_axe_catches_what_it_should(hosted, tab, axe_source):
    # The same run on a real page spoiled in three ways: the check is not blind.
    tab.set_viewport(1280, 900)
    tab.goto(page_url(hosted, "fr-home"))
    tab.evaluate("""(() => {
      document.documentElement.setAttribute('lang', 'xx-nowhere');
      document.querySelector('.card-title a').style.color = '#c8c6c0';
      document.querySelector('main').outerHTML = document.querySelector('main').innerHTML;
    })()""")
    found = {v["id"] for v in run_axe(tab, axe_source)}
    assert {"html-lang-valid", "color-contrast", "landmark-one-main"} <= found, found


# Every text node's letters must be in the script of the language declared for it
# (the nearest `lang`): Arabic for ar, Tifinagh for zgh, Latin for fr and en.
LANGUAGE_OF_PARTS = """(() => {
  const scripts = {Arab: /[\\u0600-\\u06FF\\u0750-\\u077F\\u08A0-\\u08FF\\uFB50-\\uFDFF\\uFE70-\\uFEFF]/,
                   Tfng: /[\\u2D30-\\u2D7F]/, Latn: /[A-Za-z\\u00C0-\\u024F]/};
  const want = {ar: 'Arab', zgh: 'Tfng', fr: 'Latn', en: 'Latn'};
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template')) continue;
    const lang = (el.closest('[lang]') || document.documentElement).getAttribute('lang')
                 .split('-')[0];
    for (const [script, re] of Object.entries(scripts)) {
      if (script !== want[lang] && re.test(node.data)) {
        bad.push(`lang=${lang} <${el.localName}>: ${node.data.trim().slice(0, 60)} (${script})`);
      }
    }
  }
  return bad;
})()"""


@pytest.mark.parametrize("name", PAGES)
def test_every_fragment_declares_its_language(hosted, tab, name):
    tab.set_viewport(1280, 900)
    tab.goto(page_url(hosted, name))
    assert tab.evaluate(LANGUAGE_OF_PARTS) == []


def test_the_language_check_sees_an_undeclared_fragment(hosted, tab):
    tab.set_viewport(1280, 900)
    tab.goto(page_url(hosted, "ar-home"))
    tab.evaluate("document.querySelector('.credit bdi').removeAttribute('lang')")
    assert tab.evaluate(LANGUAGE_OF_PARTS) == ["lang=ar <bdi>: Sahifa (Latn)"]


def press(tab, key: str, code: int) -> None:
    for kind in ("rawKeyDown", "keyUp"):
        tab.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                 windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)
    if key == "Enter":
        tab.send("Input.dispatchKeyEvent", type="char", text="\r")


# What the focused element looks like: where it is, and its outline against the page.
FOCUSED = """(() => {
  const el = document.activeElement;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = 'rgb(255, 255, 255)';
  for (let n = el.parentElement; n; n = n.parentElement) {  // the outline is drawn outside
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
  }
  const [l1, l2] = [lum(rgb(cs.outlineColor)), lum(rgb(bg))].sort((a, b) => b - a);
  return {tag: el.localName, cls: el.className, text: (el.textContent || '').trim().slice(0, 40),
          index: window.__focusables.indexOf(el),
          outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth),
          contrast: (l1 + 0.05) / (l2 + 0.05),
          inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight
                  && r.right > 0 && r.left < innerWidth};
})()"""

FOCUSABLES = """window.__focusables = Array.from(document.querySelectorAll(
  'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))
  .filter(e => !e.disabled && e.getClientRects().length > 0); window.__focusables.length"""


@pytest.mark.parametrize("name", ["ar-home", "fr-article", "ar-article"])
@pytest.mark.parametrize("width", [1280, 375])
def test_keyboard_focus_follows_the_page_and_is_always_visible(hosted, tab, name, width):
    tab.set_viewport(width, 800)
    tab.goto(page_url(hosted, name))
    count = tab.evaluate(FOCUSABLES)
    assert count > 10
    seen = []
    for _ in range(count):
        press(tab, "Tab", 9)
        seen.append(tab.evaluate(FOCUSED))
    # first the skip link, shown when focused; then every link in document order
    assert "skip-link" in seen[0]["cls"]
    assert [s["index"] for s in seen] == list(range(count)), [s["text"] for s in seen]
    for s in seen:
        assert s["inView"], s
        assert s["outline"] != "none" and s["width"] >= 2, s
        assert s["contrast"] >= 3, s  # non-text contrast of the focus indicator


@pytest.mark.parametrize("name", ["ar-article", "fr-home"])
def test_the_skip_link_moves_focus_to_the_main_content(hosted, tab, name):
    tab.set_viewport(375, 800)
    tab.goto(page_url(hosted, name))
    tab.evaluate(FOCUSABLES)
    press(tab, "Tab", 9)
    assert tab.evaluate("document.activeElement.className") == "skip-link"
    press(tab, "Enter", 13)
    tab.wait_for("document.activeElement.id === 'main'")
    press(tab, "Tab", 9)
    # the next stop is the first link inside main, past the header's navigation
    assert tab.evaluate("document.querySelector('main').contains(document.activeElement) "
                        "&& document.activeElement.localName === 'a'")
