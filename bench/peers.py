"""`make bench-peers`: Sahifa, Hugo and Pelican on the same generated corpus.

For each N (BENCH_N, default "1000", a comma list allowed) the seeds of bench/corpus.py
are laid out as they are for Sahifa, as a multilingual Hugo site and as a Pelican site,
in a temporary folder; each tool gets BENCH_RUNS cold builds (default 3).  Prints time,
pages, pages/s, peak tree RSS and the ratio peer time / Sahifa time; writes
bench/peers-results.json.  Hugo comes from apt if missing, Pelican from pip into
bench/.peers-venv.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from corpus import CONFIG, generate  # noqa: E402
from run import (PeakMemory, compile_bytecode, empty_bins, settle, summarise,  # noqa: E402
                 work_folder)

VENV = HERE / ".peers-venv"
TIMEOUT = 30 * 60  # seconds allowed for one build
LANGS = {"ar": "rtl", "fr": "ltr", "en": "ltr"}  # the corpus languages, default first


# ---------------------------------------------------------------- installing peers

def steps(*cmds: list[str]) -> bool:
    """Run install commands in turn, saying each; False (and why) at the first failure."""
    for cmd in cmds:
        print("+", " ".join(cmd), flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True,
                              env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if done.returncode != 0:
            print(f"failed ({done.returncode}):\n{tail(done.stderr)}")
            return False
    return True


def ensure_hugo() -> str | None:
    """Path of `hugo`, installing the Debian package if it is missing."""
    if not shutil.which("hugo"):
        print("hugo is not on PATH: installing the Debian package")
        if os.geteuid() != 0:
            print("not root: skipping Hugo")
            return None
        steps(["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "hugo"])
    return shutil.which("hugo")


def ensure_pelican() -> Path | None:
    """Path of `pelican` in bench/.peers-venv, creating the venv if needed."""
    exe = VENV / "bin" / "pelican"
    if not exe.exists() and not steps([sys.executable, "-m", "venv", str(VENV)],
                                      [str(VENV / "bin" / "pip"), "install", "-q",
                                       "pelican[markdown]"]):
        return None
    return exe if exe.exists() else None


def version(cmd: list[str]) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    return out.splitlines()[0] if out else "?"


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# ---------------------------------------------------------------- reading seeds

FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
SENTENCE_END = tuple(".!?؟…:;")


def md_escape(text: str) -> str:
    """Wire copy is text only: keep Markdown and HTML from reading anything into it."""
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", html.escape(text, quote=False))


def read_seed(path: Path, root: Path) -> dict:
    """Front matter, title and Markdown body of one seed, following Sahifa's rules."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    meta, body = {}, text
    if m := FRONT.match(text):
        meta, body = yaml.safe_load(m.group(1)) or {}, text[m.end():]
    title, source = meta.get("title"), meta.get("source")
    if path.suffix == ".txt":
        # First line: the title; a single short line without sentence punctuation
        # next: the source; the other blank-line-separated blocks: paragraphs.
        first, _, rest = body.strip().partition("\n")
        blocks = [b.strip() for b in re.split(r"\n\s*\n", rest) if b.strip()]
        if blocks and "\n" not in blocks[0] and len(blocks[0]) <= 80 \
                and not blocks[0].endswith(SENTENCE_END):
            source = source or blocks.pop(0)
        title = title or first.strip()
        body = "\n\n".join(md_escape(" ".join(b.split())) for b in blocks)
    elif not title and (h := re.match(r"\s*# (.+)\n", body)):
        title, body = h.group(1).strip(), body[h.end():]
    when = meta.get("date") or path.name[:10]  # else the YYYY-MM-DD- file-name prefix
    if not isinstance(when, datetime):  # a date, or a string YAML left alone
        when = datetime.fromisoformat(str(when))
    tags = meta.get("tags") or []
    tags = [t.strip() for t in tags.split(",") if t.strip()] if isinstance(tags, str) else tags
    lang = meta.get("lang") or ("ar" if re.search(r"[\u0600-\u06ff]", body) else "en")
    return {"rel": path.relative_to(root), "title": str(title or path.stem), "date": when,
            "tags": [str(t) for t in tags], "lang": lang, "source": source,
            "key": meta.get("translation_key"), "body": body.strip() + "\n"}


# ---------------------------------------------------------------- laying sites out

HUGO_CONFIG = """\
baseURL = "https://bench.example/"
title = "Bench"
defaultContentLanguage = "ar"
defaultContentLanguageInSubdir = true
timeZone = "Africa/Casablanca"
enableRobotsTXT = true
{limits}
[outputs]  # RSS for the home page and each tag, as Sahifa
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML", "RSS"]
[taxonomies]
tag = "tags"
[related]  # Sahifa's related articles: most shared tags, then nearest date
includeNewer = true
threshold = 0
indices = [{name = "tags", weight = 100}, {name = "date", weight = 10}]
"""

# Hugo layouts, about what Sahifa's default theme shows: lang/dir, canonical and
# hreflang links, feeds, tags, related and previous/next articles, paginated listings.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}" dir="{{ or site.Language.LanguageDirection "ltr" }}">
<head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head><body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<a href="{{ "tags/" | relLangURL }}">#</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date | time.Format ":date_long" }}</time>
{{ with .Params.source }}<p>{{ . }}</p>{{ end }}
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<ul>{{ range first 5 (site.RegularPages.Related .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ with .Next }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .Prev }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ range .Translations }}<a hreflang="{{ .Language.Lang }}" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ else if .IsSection }}{{ $pages = .RegularPagesRecursive }}{{ end }}
{{ range (.Paginate $pages).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date | time.Format ":date_medium" }}</time><p>{{ .Summary }}</p></article>
{{ end }}{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>
{{ end }}</ul>{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>404</h1>{{ end }}
""",
}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def layout_hugo(site: Path, seeds: list[dict], hugo_version: tuple[int, int]) -> None:
    # Hugo 0.128 moved `paginate`/`rssLimit` into [pagination] and [services.rss].
    limits = ("[pagination]\npagerSize = 10\n[services.rss]\nlimit = 50\n"
              if hugo_version >= (0, 128) else "paginate = 10\nrssLimit = 50\n")
    config = HUGO_CONFIG.replace("{limits}", limits)
    for weight, (lang, direction) in enumerate(LANGS.items(), 1):
        config += (f'[languages.{lang}]\ncontentDir = "content/{lang}"\nweight = {weight}\n'
                   f'languageCode = "{lang}"\nlanguageDirection = "{direction}"\n')
    write(site / "hugo.toml", config)
    for name, text in HUGO_LAYOUTS.items():
        write(site / "layouts" / name, text)
    sections = set()
    for s in seeds:
        lang = s["lang"] if s["lang"] in LANGS else "ar"
        day = Path(lang, *s["date"].strftime("%Y %m %d").split())
        # Year, month and day folders become nested sections (Sahifa's date archives).
        for depth in (2, 3, 4):
            sections.add(Path(*day.parts[:depth]))
        front = {"title": s["title"], "date": s["date"].isoformat(), "tags": s["tags"]}
        if s["key"]:
            front["translationKey"] = s["key"]
        if s["source"]:
            front["source"] = s["source"]
        # JSON front matter: no YAML quoting pitfalls with arbitrary titles.
        write(site / "content" / day / s["rel"].with_suffix(".md").name,
              json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + s["body"])
    for sec in sections:
        write(site / "content" / sec / "_index.md",
              json.dumps({"title": "-".join(sec.parts[1:])}) + "\n")


PELICAN_CONFIG = """\
AUTHOR = "Bench"
SITENAME = "Bench"
SITEURL = "https://bench.example"
PATH = "content"
TIMEZONE = "Africa/Casablanca"
DEFAULT_LANG = "ar"
DEFAULT_PAGINATION = 10
DEFAULT_CATEGORY = "news"
USE_FOLDER_AS_CATEGORY = False
SLUGIFY_USE_UNICODE = True  # Arabic tags keep their letters, as in Sahifa and Hugo
LOAD_CONTENT_CACHE = False
FEED_DOMAIN = SITEURL
FEED_MAX_ITEMS = 50
FEED_ALL_RSS = "feeds/all.rss.xml"
TAG_FEED_RSS = "feeds/{slug}.tag.rss.xml"
TRANSLATION_FEED_RSS = "feeds/all-{lang}.rss.xml"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None  # RSS only, as Sahifa
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
ARTICLE_URL = ARTICLE_LANG_URL = "{lang}/{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_LANG_SAVE_AS = ARTICLE_URL + "index.html"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
DAY_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/{date:%d}/index.html"
"""


def layout_pelican(site: Path, seeds: list[dict]) -> None:
    write(site / "pelicanconf.py", PELICAN_CONFIG)
    for s in seeds:
        # Translations share a slug (their translation key) and differ in Lang.
        meta = {"Title": s["title"], "Date": s["date"].isoformat(sep=" "),
                "Tags": ", ".join(s["tags"]), "Lang": s["lang"],
                "Slug": s["key"] or s["rel"].stem, "Source": s["source"]}
        head = "".join(f"{k}: {' '.join(str(v).split())}\n" for k, v in meta.items() if v)
        write(site / "content" / s["rel"].with_suffix(".md"), head + "\n" + s["body"])


# ---------------------------------------------------------------- measuring

class BuildFailed(Exception):
    pass


def measure(cmd: list[str], cwd: Path, out: Path, env: dict | None = None,
            memory: bool = False) -> tuple[float, int, int]:
    """(seconds, .html pages under out, peak tree RSS or 0 without `memory`) of one
    build process."""
    settle()  # the files the tool before wrote are on disk, as for the first build
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: no deadlock on chatter
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, **(env or {})}, start_new_session=True)
        sampler = PeakMemory(proc.pid) if memory else None
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise BuildFailed(f"killed after {TIMEOUT} s")
        finally:
            peak = sampler.stop() if sampler else 0
        elapsed = time.perf_counter() - start
        err.seek(0)
        if proc.returncode != 0:
            raise BuildFailed(f"exit {proc.returncode}:\n"
                              + tail(err.read().decode("utf-8", "replace")))
    # Hugo writes every listing's page/1/ as a redirect stub to the listing itself
    # (even with disableAliases); the others write no such file: it is no page.
    pages = sum(1 for f in out.rglob("*.html") if f.parent.parts[-2:] != ("page", "1"))
    return elapsed, pages, peak


def bench(n: int, runs: int, hugo: str | None, hugo_version: tuple[int, int],
          pelican: Path | None) -> dict:
    work, bin_ = work_folder(f"sahifa-peers-{n}-")  # nothing deleted between builds
    # name -> (folder, paths to move away before a cold build, command, output, env)
    tools = {"sahifa": (work, [work / "site", work / ".site.sahifa-back", work / ".cache"],
                        [sys.executable, "-m", "generator", "build", "--source", "seeds",
                         "--config", "site.toml", "--out", "site"], work / "site",
                        {"PYTHONPATH": str(REPO)})}
    if hugo:
        h = work / "hugo"  # its module cache too, so that nothing is left warm
        tools["hugo"] = (h, [h / "public", h / "resources", h / ".hugo-cache"],
                         [hugo, "--quiet", "--destination", "public"], h / "public",
                         {"HUGO_CACHEDIR": str(h / ".hugo-cache")})
    if pelican:
        p = work / "pelican"
        tools["pelican"] = (p, [p / "output", p / "__pycache__", p / "cache"],
                            [str(pelican), "content", "-o", "output", "-s", "pelicanconf.py",
                             "-q"], p / "output", None)
    (work / "site.toml").write_text(CONFIG, encoding="utf-8")
    seeds = [read_seed(f, work / "seeds") for f in generate(work / "seeds", n)]
    if hugo:
        layout_hugo(work / "hugo", seeds, hugo_version)
    if pelican:
        layout_pelican(work / "pelican", seeds)
    # Round by round, each tool once a round, so that a machine that slows down
    # for a while slows every tool alike; the last round samples memory only
    # (run.series says why).
    samples: dict[str, list] = {name: [] for name in tools}
    failed: dict[str, str] = {}
    for k in range(runs + 1):
        for name, (cwd, stale, cmd, out, env) in tools.items():
            if name in failed:
                continue
            for path in stale:
                bin_.put(path)
            what = f"cold run {k + 1}/{runs}" if k < runs else "memory run"
            print(f"  N={n} {name} {what}", flush=True)
            try:
                samples[name].append(measure(cmd, cwd, out, env, memory=k == runs))
            except BuildFailed as e:
                print(f"  {name} failed: {e}", flush=True)
                failed[name] = str(e)
    results = {}
    for name, got in samples.items():
        if name in failed:
            results[name] = {"error": failed[name]}
        else:
            peak = got[-1][2]
            results[name] = summarise([(t, pages, peak) for t, pages, _ in got[:-1]])
    base = results["sahifa"].get("median_s")
    for name, r in results.items():
        if base and "median_s" in r:
            r["ratio_to_sahifa"] = round(r["median_s"] / base, 2)
    return results


def main() -> int:
    sizes = [int(x) for x in os.environ.get("BENCH_N", "1000").split(",") if x.strip()]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    hugo, pelican = ensure_hugo(), ensure_pelican()
    compile_bytecode()
    versions = {"python": sys.version.split()[0]}
    hugo_version = (0, 0)
    if hugo:
        versions["hugo"] = version([hugo, "version"])
        if m := re.search(r"v(\d+)\.(\d+)", versions["hugo"]):
            hugo_version = (int(m.group(1)), int(m.group(2)))
    if pelican:
        versions["pelican"] = version([str(pelican), "--version"])
    print("versions:", ", ".join(f"{k} {v}" for k, v in versions.items()), flush=True)
    report = {"cpus": os.cpu_count(), "runs": runs, "versions": versions, "sizes": {}}
    try:
        for n in sizes:
            report["sizes"][str(n)] = bench(n, runs, hugo, hugo_version, pelican)
    finally:
        empty_bins()

    print(f"\n{'N':>7}  {'tool':<8} {'median s':>9}  {'[min–max]':<17} {'pages':>6} "
          f"{'pages/s':>8} {'peak MiB':>9} {'peer/Sahifa':>12}")
    for n, res in report["sizes"].items():
        for name, r in res.items():
            if "error" in r:
                print(f"{n:>7}  {name:<8} failed: {r['error'].splitlines()[0]}")
                continue
            ratio = f"{r['ratio_to_sahifa']:.2f}×" if "ratio_to_sahifa" in r else "–"
            print(f"{n:>7}  {name:<8} {r['median_s']:>9.3f}  "
                  f"{'[%.3f–%.3f]' % (r['min_s'], r['max_s']):<17} {r['pages']:>6} "
                  f"{r['pages_per_s']:>8} {r['peak_mib']:>9} {ratio:>12}")
    out = HERE / "peers-results.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
