"""The pipeline, in order:

    config → discover → read → assemble → plan → fingerprint → render → publish

Each stage is timed; errors are collected, never raised past here except the
ones that make the whole build impossible (configuration, templates, output).
A BuildState carried from one build to the next (the preview server keeps one)
lets a rebuild skip seeds that did not change; fingerprints let it skip pages
that did not change.  Neither is ever needed for a correct result.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from . import assets as assets_mod
from . import bodies, feeds, search, sitemap
from .assemble import assemble
from .config import SiteConfig, load_config
from .discover import discover, git_dates
from .errors import (DEEP, ERROR, NOTE, BuildError, ConfigError, Diagnostic, Diagnostics,
                     SahifaError, display_path)
from .fingerprint import Fingerprinter, base_digest, code_digest, environment_digest
from .incremental import RouteTable, Snapshot, articles_in
from .cache import (SEEDS_FILE, BuildState, RecordMaker, content_digest, from_record,
                    recordable, stat_key, trusted)
from .model import Article, Seed, Site
from .plan import plan
from .render import Renderer
from .resolve import resolve
from .seedfile import prefetch, read_seed_bytes
from .urls import UrlBuilder
from .progress import Silent
from .writer import Publisher, Standby, forked_map, write_file

EXIT_OK, EXIT_SEED_ERRORS, EXIT_USAGE = 0, 1, 2
PARALLEL_THRESHOLD = 48  # below this, starting workers costs more than it saves


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildRequest:
    source: Path = Path("seeds")
    config: Path = Path("site.toml")
    out: Path = Path("site")
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    strict: bool = False
    jobs: int = 0                     # 0: one per core
    now: datetime | None = None       # build time; defaults to the clock, once
    cache_dir: Path | None = None     # default: .cache/ beside the configuration
    clean: bool = False               # ignore the cache and the previous output
    search_index: bool = True         # run the search indexer (the preview does not)
    progress: Silent = field(default_factory=Silent, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildResult:
    status: int
    diagnostics: tuple[Diagnostic, ...]
    lines: tuple[str, ...] = ()
    note_lines: object = ()             # a tuple, or a function giving one (made on demand)
    articles: int = 0
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    published: bool = False
    base_url: str | None = None
    timings: tuple[tuple[str, float], ...] = field(default=())

    @property
    def notes(self) -> tuple[str, ...]:
        """Every line, with the verbose notes on how missing keys were inferred."""
        return self.note_lines() if callable(self.note_lines) else self.note_lines

    def summary(self) -> str:
        errors = sum(1 for d in self.diagnostics if d.severity == "error")
        total = sum(t for _, t in self.timings)
        state = "published" if self.published else "nothing published"
        return (f"{self.articles} articles, {self.pages} pages, {self.written} files written, "
                f"{self.unchanged} unchanged, {errors} error{'s' if errors != 1 else ''}, "
                f"{state}, in {total:.2f} s")


def _failed(status: int, diagnostics) -> BuildResult:
    diagnostics = tuple(diagnostics)
    lines = tuple(str(d) for d in diagnostics)
    return BuildResult(status=status, diagnostics=diagnostics, lines=lines, note_lines=lines)


# ----------------------------------------------------------------- read stage

class _Reader:
    """Per-process state of the read stage: readers hold a reusable Markdown."""

    def __init__(self, config: SiteConfig, file_dates: dict) -> None:
        self.config = config
        self.file_dates = file_dates
        # Markdown and YAML are imported only when a seed is read.
        from .frontmatter import normalise_text
        from .readers import make_readers
        self.normalise = normalise_text
        self.readers = make_readers(raw_html=config.raw_html)

    def __call__(self, seed: Seed, data: bytes | None = None
                 ) -> tuple[Article | Diagnostic, str | None]:
        """The seed read, and the digest of its bytes (None when it could not be read)."""
        digest = None
        try:
            reader = self.readers[os.path.splitext(seed.path)[1].lower()]
            data = read_seed_bytes(seed.path, self.config.max_seed_bytes, data)
            digest = content_digest(data)
            doc = reader.read(self.normalise(data))
            return resolve(seed, doc, self.config, file_dates=self.file_dates), digest
        except SahifaError as exc:
            if exc.severity != ERROR:
                digest = None  # the seed vanished under the build: never remembered
            return exc.with_file(seed.shown).diagnostic(), digest
        except RecursionError:
            return Diagnostic(file=seed.shown, message=DEEP), digest


_worker: _Reader | None = None  # a read worker's own, made at its first chunk
_records: RecordMaker | None = None


def _read_chunk(job: tuple, seeds: list[Seed]) -> list[tuple[Article | Diagnostic | tuple,
                                                             str | None]]:
    """Each seed read.  With `records` (a build that saves its state), an article
    comes as its record and its body's text: the parent makes the article from the
    record, and saves the record as it is."""
    global _worker, _records
    config, file_dates, records = job
    if _worker is None:  # Markdown and YAML are imported on every core, not first here
        _worker = _Reader(config, file_dates)
    prefetch(seed.path for seed in seeds)
    found = [_worker(seed) for seed in seeds]
    if not records:
        return found
    if _records is None:
        _records = RecordMaker()
    return [((_records(item), item.body.text), digest) if recordable(item) else (item, digest)
            for item, digest in found]


def _standby_reader(config: SiteConfig):
    """A standby worker's reader: the work it answers is a few seeds read."""
    reader = _Reader(config, {})

    def work(payload: tuple) -> list[tuple[Article | Diagnostic, str | None]]:
        todo, reader.file_dates = payload
        return [reader(seed, data) for seed, data in todo]
    return work


def read_all(seeds: tuple[Seed, ...], config: SiteConfig, request: BuildRequest,
             file_dates: dict, jobs: int, state: BuildState, scope: str,
             standby: Standby | None = None) -> list[Article | Diagnostic]:
    """Every seed as an Article or a Diagnostic, reusing what the state holds.
    A few seeds to read go to `standby`, when there is one (it has set up its
    reader meanwhile); many go to a worker on each core."""
    progress = request.progress
    keys: dict[str, tuple] = {}
    digests: dict[str, str | None] = {}
    results: dict[str, Article | Diagnostic] = {}
    todo: list[tuple[Seed, bytes | None]] = []
    # A file whose identity (stat_key) did not change keeps its entry, the very tuple:
    # most seeds of a rebuild, with no call and no new tuple each.
    stored = state.seeds if scope == state.scope else {}
    kept: dict[str, tuple] = {}
    for seed in seeds:
        key = stat_key(seed, file_dates)
        found = stored.get(seed.rel)
        if found is not None and found[0] == key:
            kept[seed.rel] = found
            continue
        keys[seed.rel] = key
        data = None
        if scope == state.scope and seed.rel in state.seeds:
            # Touched, maybe not changed (a checkout): compare the bytes before parsing.
            try:
                with open(seed.path, "rb") as fp:
                    data = fp.read()
            except OSError:
                pass  # the reader reports it
            else:
                digest = content_digest(data)
                cached = state.by_content(scope, seed, key, digest)
                if cached is not None:
                    results[seed.rel] = cached
                    digests[seed.rel] = digest
                    continue
        todo.append((seed, data))
    progress.stage("read", len(todo))
    state.records = {}
    if standby is not None and (not todo or len(todo) >= PARALLEL_THRESHOLD):
        standby.close()
        standby = None
    if jobs <= 1 or len(todo) < PARALLEL_THRESHOLD:
        dates = {seed.rel: file_dates[seed.rel] for seed, _ in todo if seed.rel in file_dates}
        read = standby.call((todo, dates)) if standby is not None else None
        if read is not None:
            for (seed, _), (item, digest) in zip(todo, read):
                results[seed.rel], digests[seed.rel] = item, digest
            progress.advance(len(todo))
        else:
            reader = _Reader(config, file_dates)
            for seed, data in todo:
                results[seed.rel], digests[seed.rel] = reader(seed, data)
                progress.advance()
    else:  # workers read the files themselves: no bytes cross the pipes
        size = max(8, len(todo) // (jobs * 32))  # small: no worker waits long at the end
        chunks = [[seed for seed, _ in todo[i:i + size]] for i in range(0, len(todo), size)]
        records = {} if state.saves() else None
        for chunk, part in zip(chunks, forked_map(_read_chunk, (config, file_dates,
                                                                records is not None),
                                                  chunks, jobs)):
            for seed, (item, digest) in zip(chunk, part):
                if type(item) is tuple:
                    raw, text = item
                    item = from_record(raw, text)
                    records[id(item)] = (item, raw)
                results[seed.rel], digests[seed.rel] = item, digest
            progress.advance(len(chunk))
        state.records = records or {}  # for save(), which lets go of them
    now_ns = time.time_ns()
    entries: dict[str, tuple] = {}
    for seed in seeds:
        rel = seed.rel
        entry = kept.get(rel)
        if entry is None:
            digest = digests[rel]
            if digest is None:
                continue
            # (A kept entry's key is its own trusted() form: it was made at least
            # two seconds after the file last changed, as it was stored.)
            entry = (trusted(keys[rel], now_ns), digest, results[rel])
        entries[rel] = entry
    state.store(scope, entries)
    return [kept[seed.rel][2] if seed.rel in kept else results[seed.rel] for seed in seeds]


# ----------------------------------------------------------------- the pipeline

# What the last build held (the cache it loaded: hundreds of thousands of objects),
# freed when the next build starts instead of when it ends, so that a command that
# builds once and exits never spends time taking it apart.
_retired: list = []


def build(request: BuildRequest, state: BuildState | None = None) -> BuildResult:
    """Build the site.  With a `state` (the preview server keeps one), what it holds
    is reused and updated; without one, the on-disk cache is loaded and saved."""
    _retired.clear()
    # The pipeline allocates many small objects and makes no reference cycles worth
    # chasing mid-build: the cycle collector runs once, at the end.
    enabled = gc.isenabled()
    gc.disable()
    at_exit: list = []
    _retired.append(at_exit)  # its actions hold the state
    try:
        try:
            return _build(request, state, at_exit)
        except bodies.CacheError:
            if state is not None:
                raise
            # The cache does not hold what it claims (a damaged body pack): drop it
            # and build again without it.
            for action in at_exit:
                action(False)
            at_exit.clear()
            return _build(replace(request, clean=True), None, at_exit)
    finally:
        for action in at_exit:
            action(True)
        request.progress.done()
        if enabled:
            gc.enable()


def _build(request: BuildRequest, state: BuildState | None, at_exit: list) -> BuildResult:
    timings: list[tuple[str, float]] = []
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now_ = time.perf_counter()
        timings.append((stage, now_ - clock))
        clock = now_

    diags = Diagnostics()
    now = request.now or datetime.now(timezone.utc)
    jobs = request.jobs or os.cpu_count() or 1
    try:
        config = load_config(request.config, base_url=request.base_url)
    except ConfigError as exc:
        return _failed(EXIT_USAGE, exc.diagnostics)
    cache_dir = request.cache_dir or config.root / ".cache"
    standby = None
    if state is None and jobs > 1 and not request.clean and (cache_dir / SEEDS_FILE).is_file():
        # A rebuild in a new process: most likely a few seeds to read, after the cache
        # has loaded.  Importing Markdown and YAML and making the reader costs more
        # than that; a worker forked now does it on another core meanwhile.
        standby = Standby(_standby_reader, config)
        at_exit.append(lambda ok: standby.close())
    source = request.source if request.source.is_absolute() else Path.cwd() / request.source
    if not source.is_dir():
        return _failed(EXIT_USAGE, [Diagnostic(file=str(request.source),
                                               message="source folder not found")])
    urls = UrlBuilder(config.base_url)
    persist = state is None
    if state is None:
        state = BuildState.load(cache_dir, clean=request.clean)
        # Whatever happens from here on, the state is saved (or dropped, if it was wrong).
        at_exit.append(lambda ok: state.save(cache_dir) if ok else state.discard(cache_dir))
    bodies.current = state.bodies
    at_exit.append(lambda ok: setattr(bodies, "current", None))
    try:
        publisher = Publisher(request.out, protected=(source, config.path, config.theme_dir))
        asset_names, asset_data = assets_mod.collect(config.theme_dir / "static",
                                                     config.root / "static")
        state.code = state.code or code_digest()  # the code cannot change under a state
        renderer = Renderer(config, urls, asset_names, previous=state.renderer,
                            cache_dir=None if request.clean else cache_dir, code=state.code)
        renderer.check()
        state.renderer = renderer
    except (BuildError, ConfigError) as exc:
        return _failed(EXIT_USAGE, exc.diagnostics)
    except SahifaError as exc:
        return _failed(EXIT_USAGE, [exc.diagnostic()])
    scope = base_digest(__version__, state.code, config.digest,
                        environment_digest(config.timezone))
    lap("config")

    request.progress.stage("discover")
    seeds = discover(source, diags)
    file_dates = git_dates(source)
    lap("discover")

    articles: list[Article] = []
    for item in read_all(seeds, config, request, file_dates, jobs, state, scope, standby):
        if isinstance(item, Diagnostic):
            diags.add(item)
        else:
            articles.append(item)
    diags.defer_notes(lambda: [
        Diagnostic(file=display_path(a.shown), message="inferred " + "; ".join(a.inferred),
                   severity=NOTE)
        for a in articles if a.inferred])
    state.keep_bodies(articles)
    if config.auto_tags:
        from .tags import with_suggested_tags
        articles = with_suggested_tags(articles, state.tag_reuse)
        state.tag_reuse.rotate()
    lap("read")

    request.progress.stage("assemble", len(articles))
    # Everything the plan is made from besides the articles: static files by content
    # too (those published under their own name change without changing the names).
    key = (scope, request.drafts, request.future,
           base_digest(*(f"{name}\0{content_digest(data)}"
                         for name, data in sorted(asset_data.items()))))
    snapshot = state.snapshot
    changed = snapshot.changes(key, articles, now) if snapshot is not None else None
    if changed is not None:  # only content changed: swap it into the previous plan
        snapshot = snapshot.apply(articles, now, changed)
        diags.extend(snapshot.diagnostics)
        site = snapshot.site
    else:
        state.snapshot = None
        mark = diags.mark()
        site = assemble(articles, config, diags, now=now, drafts=request.drafts,
                        future=request.future, reuse=state.reuse)
    lap("assemble")

    failed = bool(diags.errors)
    status = EXIT_SEED_ERRORS if failed else EXIT_OK
    written = unchanged = 0
    try:
        request.progress.stage("plan")
        if changed is None:
            routes, navigation = plan(site, config, asset_data, state, jobs)
            snapshot = Snapshot(key=key, inputs=tuple(articles), now=now,
                                placed={a.source_path: a for a in site.articles}, site=site,
                                diagnostics=diags.since(mark), routes=RouteTable(routes),
                                navigation=navigation)
        routes, navigation = snapshot.routes, snapshot.navigation
        state.snapshot = snapshot
        renderer.add_globals(nav_sections=navigation)
        fingerprint_base = base_digest(scope, renderer.digest, sorted(asset_names.items()))
        fingerprints = Fingerprinter(fingerprint_base, per_lang=navigation,
                                     previous=state.fingerprints)
        known = (snapshot.fingerprints if snapshot.fingerprint_base == fingerprint_base
                 else None) or (None,) * len(routes)
        lap("plan")
        if failed and request.strict:
            diags.error(request.out, "not published: --strict and some seeds have errors")
            return _result(status, diags, site, routes, 0, 0, False, timings)
        publisher.open(clean=request.clean, known=state.published)
        try:
            searching = config.search and request.search_index
            # What the renderers (or, before rendering, forked workers) find for the
            # cache: the index when the plan is new, and the routes' pickles when the
            # cache will be saved.
            track = Tracking(fingerprints, known,
                             site.articles if snapshot.index is None else None,
                             pickles=persist and state.saves() and routes.unsaved())
            if publisher.holds_nothing():
                # Every output is new (a first build, --clean): nothing is compared, so
                # the processes rendering the pages make their fingerprints, and find
                # the articles each shows for the snapshot's index, on every core.
                same = False
                for path in routes.paths:
                    publisher.claim(path, None)
                found = render_all(routes[:], renderer, config, urls, publisher.back, jobs,
                                   request.progress, track)
                made = track.settle(found, routes, snapshot, remember=not persist)
                publisher.fingerprinted(zip(routes.paths, made))
                if searching:
                    pages = search.article_pages(routes, made)
            else:
                missing = sum(1 for fp in known if fp is None)
                if persist and jobs > 1 and missing >= TRACK_THRESHOLD:
                    # A new plan in a new process (an article added or deleted, a new
                    # tag): no fingerprint is known, so they are made on every core.
                    made = track.settle(track_all(routes[:], track, jobs), routes,
                                        snapshot, remember=False)
                else:
                    # Routes are taken out of the table only where a fingerprint must
                    # be made.
                    made = tuple(fp if fp is not None else fingerprints.route(routes[i])
                                 for i, fp in enumerate(known))
                pending = []
                outputs = dict(zip(routes.paths, made))
                if searching:
                    pages = search.article_pages(routes, made)
                    outputs.update(search.unchanged(pages, publisher.front_files))
                # When the live site already is this build, neither tree is touched.
                same = publisher.shows(outputs)
                current = {} if same else publisher.keep_current(dict(zip(routes.paths, made)))
                todo = [] if same else [(i, path, fp) for i, (path, fp)
                                        in enumerate(zip(routes.paths, made))
                                        if path not in current]
                linkable = [path for _, path, fp in todo if publisher.in_front(path, fp)]
                parallel = jobs > 1 and len(linkable) >= LINK_THRESHOLD
                if parallel:
                    # A back tree to fill (the first build after a cold one): on every core.
                    linked = {path for path, ok in
                              zip(linkable, publisher.link_all_from_front(linkable, jobs)) if ok}
                for i, path, fp in todo:
                    if parallel:
                        kept = path in linked
                        if kept:
                            publisher.keep(path, fp)
                    else:
                        kept = (publisher.in_front(path, fp)
                                and publisher.link_from_front(path, fp))
                    if not kept:
                        publisher.claim(path, fp)
                        pending.append(routes[i])
                render_all(pending, renderer, config, urls, publisher.back, jobs,
                           request.progress)
            lap("render")
            if searching and not same:
                request.progress.stage("search")
                search.index_site(pages, publisher)
                lap("search")
            request.progress.stage("publish", len(routes))
            state.published = publisher.close() if same else publisher.commit()
        except BaseException:
            publisher.abort()
            raise
        written = publisher.written
        unchanged = (len(outputs) if same else len(publisher.files)) - written
        state.fingerprints = fingerprints.current
        if snapshot.fingerprints != made or snapshot.fingerprint_base != fingerprint_base:
            snapshot.fingerprints, snapshot.fingerprint_base = made, fingerprint_base
        lap("publish")
    except BuildError as exc:
        diags.extend(exc.diagnostics)
        return _result(EXIT_USAGE, diags, site, (), 0, 0, False, timings)
    except SahifaError as exc:
        diags.add(exc.diagnostic())
        return _result(EXIT_USAGE, diags, site, (), 0, 0, False, timings)
    except OSError as exc:
        diags.error(request.out,  # the folder the user named, whichever file failed
                    f"cannot write the site: {exc.strerror}; the previous site is unchanged")
        return _result(EXIT_USAGE, diags, site, (), 0, 0, False, timings)
    return _result(status, diags, site, routes, written, unchanged, True, timings,
                   config.base_url)


RENDER_THRESHOLD = 64  # pages below which worker processes cost more than they save


class Tracking:
    """What the processes rendering a build with nothing to compare with find out
    about each page as they make it: its fingerprint (unless the snapshot knows it)
    and, when the snapshot has no index yet, the articles it shows, by number.

    In the parent a build would make 19,000 fingerprints and walk 19,000 contexts
    one after another; the renderers do it on every core, each for its share."""

    def __init__(self, fingerprints: Fingerprinter, known: tuple,
                 articles: tuple[Article, ...] | None, pickles: bool) -> None:
        self.fingerprints = fingerprints
        self.known = known
        self.articles = articles
        self.numbers = None if articles is None else {id(a): n for n, a in enumerate(articles)}
        self.pickles = pickles  # the routes' pickles for the cache too

    def share(self, routes, start: int, end: int) -> tuple[list, tuple | None]:
        """What is found for routes[start:end] (each one's fingerprint, and the
        articles it shows by number), and their pickles.  Each route is pickled once,
        for its fingerprint and its pickle alike (Fingerprinter.pickled)."""
        found = []
        pickles: list[bytes] = []
        numbers = self.numbers
        for i in range(start, end):
            route = routes[i]
            fingerprint = self.known[i]
            if fingerprint is not None and not self.pickles and numbers is None:
                found.append((fingerprint, None))
                continue
            made, data, articles = self.fingerprints.pickled(route)
            pickles.append(data)
            refs = None
            if numbers is not None:
                refs = [numbers.get(id(article), -1) for article in set(articles)]
                if -1 in refs:  # an article not among the site's (never so): the parent looks
                    refs = None
            found.append((fingerprint or made, refs))
        if not self.pickles:
            return found, None
        return found, (b"".join(pickles), [len(data) for data in pickles])

    def settle(self, shares: list, routes: RouteTable, snapshot: Snapshot,
               remember: bool) -> tuple:
        """The fingerprints, in route order; the snapshot's index, when it had none;
        the routes' pickles, which the table keeps for saving; and, with `remember`
        (a process that builds again), the fingerprints kept for the next build as
        Fingerprinter.route() keeps them."""
        found = [item for part, _ in shares for item in part]
        if self.pickles and all(pickles is not None for _, pickles in shares):
            routes.adopt(b"".join(pickles for _, (pickles, _) in shares),
                         [size for _, (_, sizes) in shares for size in sizes])
        made = tuple(fingerprint for fingerprint, _ in found)
        if remember:
            for i, fingerprint in enumerate(made):
                self.fingerprints.remember(routes[i], fingerprint)
        if self.articles is not None:
            index: dict[Article, list[int]] = {}
            articles = self.articles
            for i, (_, refs) in enumerate(found):
                if refs is None:
                    shown: set = set()
                    articles_in(routes[i].context, shown)
                else:
                    shown = [articles[n] for n in refs]
                for article in shown:
                    index.setdefault(article, []).append(i)
            snapshot.index = index
        return made


def _render_range(job: tuple, bounds: tuple[int, int]) -> int | tuple[int, tuple]:
    routes, renderer, config, urls, root, track = job
    part = routes[bounds[0]:bounds[1]]
    make_folders(root, part)
    for route in part:
        write_file(root, route.path, _produce(route, renderer, config, urls))
    if track is None:
        return bounds[1] - bounds[0]
    return bounds[1] - bounds[0], track.share(routes, *bounds)


TRACK_THRESHOLD = 2000  # fingerprints to make before forked workers are worth it
LINK_THRESHOLD = 2000   # unchanged files to link into the back tree, likewise


def _track_range(job: tuple, bounds: tuple[int, int]) -> tuple:
    routes, track = job
    return track.share(routes, *bounds)


def track_all(routes: list, track: Tracking, jobs: int) -> list:
    """What Tracking.share() finds for every route (all of them, in order), on every
    core, without rendering: for a build that compares each page with the live one
    before it renders the few that changed."""
    size = max(16, len(routes) // (jobs * 8))
    bounds = [(i, min(i + size, len(routes))) for i in range(0, len(routes), size)]
    return list(forked_map(_track_range, (routes, track), bounds, jobs))


def make_folders(root: Path, routes) -> None:
    """Create the folders the outputs go in, with the folders that hold them, parents
    first, one call each: writing then opens each file at once (a page is a folder
    of its own, so this halves the file system calls of a full build).  Workers make
    the folders of their own shares, those they share too (the date archives', the
    language folders): a folder another made first is simply there."""
    folders: set[str] = set()
    for folder in {os.path.dirname(route.path) for route in routes}:
        while folder and folder not in folders:
            folders.add(folder)
            folder = os.path.dirname(folder)
    _make(root, sorted(folders))  # a parent sorts before the folders inside it


def _make(root: Path, folders) -> None:
    for folder in folders:
        try:
            os.mkdir(os.path.join(root, folder))
        except FileExistsError:
            pass  # kept from an earlier build, or made by another worker
        except FileNotFoundError:  # a parent not in the list (an unchanged page's)
            try:
                os.makedirs(os.path.join(root, folder), exist_ok=True)
            except OSError:
                pass  # a file in the way: writing the page replaces it
        except OSError:
            pass  # writing the page reports it, or replaces what is in the way


def render_all(routes: list, renderer, config: SiteConfig, urls: UrlBuilder, root: Path,
               jobs: int, progress: Silent, track: Tracking | None = None) -> list | None:
    """Render and write the pages that changed, on every core when there are many.

    Workers are forked, so they share the planned routes and compiled templates
    without copying them; each makes the page folders of its share and writes its
    own files (pages are independent).  With `track` (routes then being every route,
    in order), what Tracking.share() finds for each share is returned, in order.
    """
    progress.stage("render", len(routes))
    if jobs <= 1 or len(routes) < RENDER_THRESHOLD:
        make_folders(root, routes)
        for route in routes:
            write_file(root, route.path, _produce(route, renderer, config, urls))
            progress.advance()
        return None if track is None else [track.share(routes, 0, len(routes))]
    renderer.prepare()  # once here, not in every worker
    size = max(16, len(routes) // (jobs * 32))
    bounds = [(i, min(i + size, len(routes))) for i in range(0, len(routes), size)]
    job = (routes, renderer, config, urls, root, track)
    found: list = []
    for done in forked_map(_render_range, job, bounds, jobs):
        if track is not None:
            done, share = done
            found.append(share)
        progress.advance(done)
    return None if track is None else found


def _produce(route, renderer: Renderer, config: SiteConfig, urls: UrlBuilder) -> bytes:
    """The bytes of one output: ready data, a template, or an XML builder."""
    if route.data is not None:
        return route.data
    if route.template:
        return renderer.render(route)
    if route.kind == "feed":
        return feeds.render_feed(config=config, lang=config.language(route.lang), urls=urls,
                                 **route.context)
    if route.kind == "sitemap":
        return sitemap.render_sitemap(route.context["entries"], urls)
    if route.kind == "news-sitemap":
        return sitemap.render_news_sitemap(route.context["articles"], config, urls)
    raise AssertionError(f"no producer for {route.kind}")  # pragma: no cover


def _result(status, diags: Diagnostics, site: Site, routes, written, unchanged, published,
            timings, base_url=None):
    return BuildResult(
        base_url=base_url,
        status=status,
        diagnostics=tuple(diags.errors + diags.warnings),
        lines=tuple(diags.lines()),
        note_lines=lambda: tuple(diags.lines(verbose=True)),
        articles=len(site.articles),
        pages=sum(1 for template in getattr(routes, "templates", ()) if template),
        written=written,
        unchanged=unchanged,
        published=published,
        timings=tuple(timings),
    )
