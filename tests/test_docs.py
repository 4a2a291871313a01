"""The README tells the truth: its screenshots exist, its nginx configuration is the one
the deployment test runs."""

from __future__ import annotations

import re
import struct

from .conftest import REPO
from .hosting import NGINX_CONF

README = (REPO / "README.md").read_text(encoding="utf-8")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_readme_shows_arabic_and_french_home_and_article_screenshots():
    shown = re.findall(r'<img src="(docs/screenshots/[^"]+)"', README)
    linked = re.findall(r"\]\((docs/screenshots/[^)]+)\)", README)
    names = {path.rsplit("/", 1)[1] for path in shown + linked}
    for lang in ("ar", "fr"):
        for kind in ("home", "article"):
            for width in (1280, 375):
                assert f"{lang}-{kind}-{width}.png" in names
    assert len(shown) >= 4
    for path in shown + linked:
        data = (REPO / path).read_bytes()
        width = int(re.search(r"-(\d+)\.png$", path).group(1))
        assert png_size(data)[0] == width, path
        assert len(data) < 120_000, f"{path}: keep screenshots small (make screenshots)"


def test_readme_nginx_configuration_is_the_tested_one():
    block = re.search(r"```nginx\n(.*?)```", README, re.S).group(1)
    conf = NGINX_CONF.format(user="", tmp="/tmp/x", port=8080, root="/var/www",
                             prefix="/news/", mime_types="/etc/nginx/mime.types")
    tested = " ".join(conf.split())
    lines = [line.split("#")[0].strip() for line in block.splitlines()]
    checked = [line for line in lines if line and line not in ("server {", "}")
               and not line.startswith("root ")]
    assert len(checked) >= 8
    for line in checked:
        assert " ".join(line.split()) in tested, line
