"""A deterministic generator of realistic seed folders for the benchmark.

Language mix 50% Arabic, 30% French, 20% English; Markdown with YAML front matter
and raw .txt wire copy; ~4 KB per article; three tags each; three years of dates;
one article in ten translated.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

WORDS = {
    "ar": ("المغرب الرباط الدار البيضاء الحكومة الاقتصاد الثقافة المهرجان الماء الفلاحة "
           "السياحة الطاقة الشمسية الميناء القطار التعليم الصحة الشباب المدينة القرية "
           "المشروع الوزارة الاستثمار السوق الأسعار الموسم الجمهور الفريق المباراة البحر "
           "الجبال الأطلس الصحراء التنمية البرلمان المجلس الجهة التعاونية الأركان").split(),
    "fr": ("le la les un une des du de et est en dans que qui pour sur avec Maroc Rabat "
           "Casablanca gouvernement économie culture festival eau agriculture tourisme "
           "énergie solaire port train éducation santé jeunesse ville village projet "
           "ministère investissement marché prix saison public équipe match mer").split(),
    "en": ("the a and of to in is for on that with Morocco Rabat Casablanca government "
           "economy culture festival water farming tourism solar energy port train school "
           "health youth city village project ministry investment market prices season "
           "crowd team match sea mountains desert council region cooperative").split(),
}
TAGS = {
    "ar": "اقتصاد ثقافة رياضة سياسة مجتمع بيئة تكنولوجيا صحة تعليم سياحة فلاحة طاقة".split(),
    "fr": "économie culture sport politique société environnement technologie santé".split(),
    "en": "economy culture sport politics society environment technology health".split(),
}
LANGS = ["ar"] * 5 + ["fr"] * 3 + ["en"] * 2
START = datetime(2023, 1, 1, 6, 0)


def sentence(rng: random.Random, lang: str) -> str:
    words = rng.choices(WORDS[lang], k=rng.randint(8, 18))
    return " ".join(words).capitalize() + ("." if lang != "ar" else ".")


def paragraph(rng: random.Random, lang: str) -> str:
    return " ".join(sentence(rng, lang) for _ in range(rng.randint(3, 6)))


def article_text(rng: random.Random, i: int, lang: str, fmt: str, when: datetime,
                 key: str | None) -> str:
    title = " ".join(rng.choices(WORDS[lang], k=rng.randint(5, 9))) + f" {i}"
    paragraphs = []
    while sum(len(p) for p in paragraphs) < 3600:
        paragraphs.append(paragraph(rng, lang))
    tags = rng.sample(TAGS[lang], 3)
    if fmt == "txt":
        source = {"ar": "وكالة الأنباء", "fr": "Agence de presse", "en": "Wire service"}[lang]
        head = f"---\ndate: {when:%Y-%m-%dT%H:%M:00}\nlang: {lang}\ntags: [{', '.join(tags)}]\n---\n"
        return head + f"{title}\n\n{source}\n\n" + "\n\n".join(paragraphs) + "\n"
    front = [f"title: \"{title}\"", f"date: {when:%Y-%m-%dT%H:%M:00}", f"lang: {lang}",
             f"tags: [{', '.join(tags)}]"]
    if key:
        front.append(f"translation_key: {key}")
    body = "\n\n".join(paragraphs[:2]) + "\n\n## " + title.split()[0] + "\n\n" + \
        "\n\n".join(paragraphs[2:])
    return "---\n" + "\n".join(front) + "\n---\n" + body + "\n"


def generate(root: Path, n: int, seed: int = 20250503) -> list[Path]:
    """Write n seeds under root (emptied first); return their paths in order."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for old in root.rglob("*"):
        if old.is_file():
            old.unlink()
    paths = []
    span = 3 * 365 * 24 * 60
    for i in range(n):
        lang = LANGS[i % len(LANGS)]
        when = START + timedelta(minutes=rng.randrange(span))
        fmt = "txt" if i % 7 == 0 else "md"
        key = f"story-{i // 10}" if i % 10 in (1, 2) else None
        if key and i % 10 == 2:
            lang = "fr" if lang == "ar" else "ar"
        folder = root / f"{when:%Y}" / f"{when:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{when:%Y-%m-%d}-{i:06d}.{fmt}"
        path.write_text(article_text(rng, i, lang, fmt, when, key), encoding="utf-8")
        paths.append(path)
    return paths


CONFIG = """\
title = "Bench"
base_url = "https://bench.example/"
default_language = "ar"
timezone = "Africa/Casablanca"
paginate = 10
search = false  # the peers index nothing

[languages.ar]
locale = "ar_MA"
[languages.fr]
locale = "fr_MA"
[languages.en]
locale = "en"
"""
