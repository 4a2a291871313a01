"""A real headless Chromium on the preview server: the page reloads itself."""

from __future__ import annotations

import pytest

from .browser import Browser
from .test_serve import A_PATH, Preview, seed


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.quit()


def test_open_article_reloads_itself_when_its_seed_is_saved(site, browser):
    site.write("a.md", seed("الخبر الأول"))
    preview = Preview(site)
    try:
        page = browser.new_page()
        from urllib.parse import quote
        url = preview.base + quote(A_PATH)
        page.goto(url)
        assert page.evaluate("document.querySelector('h1').textContent") == "الخبر الأول"
        assert page.evaluate("document.documentElement.dir") == "rtl"
        # the live-reload client has connected to the server
        page.wait_for("window.LiveReload && window.LiveReload.connector && "
                      "window.LiveReload.connector._isSocketConnected() && "
                      "window.LiveReload.connector.protocol > 0")
        preview.wait(lambda: any("Browser Connected" in line for line in preview.log),
                     "the browser to register with the server")
        page.evaluate("window.__beforeEdit = true")
        preview.site.write("a.md", seed("الخبر الأول") + "\nنص معدل يظهر وحده.\n")
        try:
            page.wait_for("document.querySelector('.article-body') && "
                          "document.querySelector('.article-body').textContent"
                          ".includes('نص معدل')", timeout=20)
        except TimeoutError:
            raise AssertionError("no reload; server said:\n" + "\n".join(preview.log[-15:]))
        # the browser reloaded the page by itself: the marker set before the edit is gone
        assert page.evaluate("typeof window.__beforeEdit") == "undefined"
        page.close()
    finally:
        preview.stop()
