"""`sahifa new`: write a new seed with front matter, never over an existing file."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import yaml

from .config import SiteConfig
from .errors import SahifaError, display_path
from .slugs import fallback_slug, slugify


def new_seed(config: SiteConfig, source: Path, title: str, *, lang: str | None = None,
             tags: tuple[str, ...] = (), section: str | None = None,
             now: datetime | None = None) -> Path:
    title = " ".join(title.split())
    if not title:
        raise SahifaError("the title is empty")
    lang = lang or config.default_language
    if lang not in config.language_codes:
        raise SahifaError(f"--lang: {lang!r} is not a configured language "
                          f"({', '.join(config.language_codes)})")
    when = (now or datetime.now(timezone.utc)).astimezone(config.tz).replace(microsecond=0)
    meta = {"title": title, "date": when.isoformat(), "lang": lang}
    if tags:
        meta["tags"] = list(tags)
    if section:
        meta["section"] = section
    meta["draft"] = True
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    slug = slugify(title) or fallback_slug(title)
    path = source / f"{when:%Y-%m-%d}-{slug}.md"
    source.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fp:
            fp.write(f"---\n{front}---\n\n")
    except FileExistsError:
        raise SahifaError("already exists; not overwritten (choose another title)",
                          file=display_path(path)) from None
    return path
