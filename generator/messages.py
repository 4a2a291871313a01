"""Maintain the theme's gettext catalogs with Babel: `python -m generator.messages [THEME]`.

Extracts every translatable string from the theme's templates, then adds new
ones to (and marks obsolete the old ones in) each language's messages.po.
The build compiles the catalogs itself; nothing compiled is kept in the tree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .config import THEMES_DIR
from .i18n import DOMAIN

METHODS = [("**.html", "jinja2.ext:babel_extract"), ("**.xml", "jinja2.ext:babel_extract")]
# Section keys editors use in front matter; translated with the "section" context.
SECTION_NAMES = ("politics", "economy", "culture", "sport", "society", "technology",
                 "environment", "health", "education", "world", "opinion")
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "yes",
                       "lstrip_blocks": "yes"}}


def extract(theme_dir: Path) -> Catalog:
    template = Catalog(project="Sahifa theme", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            theme_dir / "templates", METHODS, options_map=OPTIONS):
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    for name in SECTION_NAMES:
        template.add(name, None, [("section names", 0)], context="section")
    return template


def update(theme_dir: Path) -> list[Path]:
    template = extract(theme_dir)
    changed = []
    for po in sorted((theme_dir / "locales").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=po.parent.parent.name)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        with po.open("wb") as fp:
            write_po(fp, catalog, width=100, omit_header=False, ignore_obsolete=True,
                     include_previous=False, sort_output=True)
        changed.append(po)
    return changed


def missing(theme_dir: Path) -> dict[str, list[str]]:
    """Language → msgids of the templates that its catalog does not translate."""
    template = extract(theme_dir)
    out = {}
    for po in sorted((theme_dir / "locales").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp)
        gaps = []
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, context=message.context)
            strings = found.string if found else None
            if isinstance(strings, (list, tuple)):
                ok = found is not None and all(strings) and not found.fuzzy
            else:
                ok = found is not None and bool(strings) and not found.fuzzy
            if not ok:
                gaps.append(message.id if isinstance(message.id, str) else message.id[0])
        out[po.parent.parent.name] = gaps
    return out


def main(argv: list[str]) -> int:
    theme_dir = Path(argv[0]) if argv else THEMES_DIR / "default"
    for po in update(theme_dir):
        print(f"updated {po}")
    gaps = {lang: ids for lang, ids in missing(theme_dir).items() if ids}
    for lang, ids in gaps.items():
        for msgid in ids:
            print(f"{lang}: untranslated: {msgid!r}")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
