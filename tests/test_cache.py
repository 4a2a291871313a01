"""The persistent cache: it saves time and never changes a result."""

from __future__ import annotations

import os
import shutil

import pytest

from generator import build as build_mod


@pytest.fixture
def reads(monkeypatch):
    """Count the seeds actually parsed."""
    count = {"n": 0}
    real = build_mod._Reader.__call__

    def counting(self, seed, data=None):
        count["n"] += 1
        return real(self, seed, data)

    monkeypatch.setattr(build_mod._Reader, "__call__", counting)
    return count


def seeds(site, n=4):
    for i in range(n):
        site.write(f"s{i}.md", f"---\ntitle: Item {i}\nlang: en\ndate: 2025-05-0{i + 1}\n"
                               f"tags: [t{i % 2}]\n---\nBody {i}.\n")


def cold_build(site, out):
    """The files a build from nothing gives (no state, no cache), with the live
    site's manifest taken out of the comparison."""
    from generator.build import BuildRequest, build
    from .conftest import NOW
    build(BuildRequest(source=site.seeds, config=site.config, out=out, now=NOW, jobs=1,
                       cache_dir=out.parent / f"{out.name}-cache"))
    files = {p.relative_to(out).as_posix(): p.read_bytes()
             for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".sahifa"}
    return files


def test_second_build_reads_nothing_again(site, reads):
    seeds(site)
    assert site.build().status == 0 and reads["n"] == 4
    assert (site.root / ".cache" / "sahifa-seeds.pickle").is_file()
    again = site.build()
    assert reads["n"] == 4 and again.written == 0


def test_edited_seed_is_read_again_and_only_it(site, reads):
    seeds(site)
    site.build()
    site.write("s1.md", "---\ntitle: Item one, edited\nlang: en\ndate: 2025-05-02\n---\nNew.\n")
    result = site.build()
    assert reads["n"] == 5
    assert "Item one, edited" in site.page("en/")
    assert result.written < len(site.files()) // 2


def test_touched_but_unchanged_seed_is_not_parsed_again(site, reads):
    seeds(site)
    site.build()
    path = site.seeds / "s2.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    site.build()
    assert reads["n"] == 4


def test_date_from_modification_time_follows_a_touch(site, reads):
    path = site.write("undated.md", "---\ntitle: Undated\nlang: en\n---\nText.\n")
    os.utime(path, (1746000000, 1746000000))  # 2025-04-30
    site.build()
    assert (site.out / "en/2025/04/30/undated/index.html").is_file()
    os.utime(path, (1748000000, 1748000000))  # 2025-05-23
    site.build()
    assert reads["n"] == 2
    assert (site.out / "en/2025/05/23/undated/index.html").is_file()
    assert not (site.out / "en/2025/04/30/undated/index.html").exists()


def test_configuration_change_reads_everything_again(site, reads):
    seeds(site)
    site.build()
    site.set_config(site.config.read_text().replace("paginate = 3", "paginate = 2"))
    site.build()
    assert reads["n"] == 8


def test_cache_never_changes_the_output(site, tmp_path):
    seeds(site, 6)
    site.build()
    site.write("s3.md", "---\ntitle: Changed\nlang: en\ndate: 2025-05-04\n---\nChanged.\n")
    site.build()
    cached = site.files()
    shutil.rmtree(site.root / ".cache")
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".site.sahifa-back")
    site.build()
    assert site.files() == cached


def test_a_corrupt_cache_only_costs_time(site, reads):
    seeds(site)
    site.build()
    (site.root / ".cache" / "sahifa-seeds.pickle").write_bytes(b"not a pickle")
    assert site.build().status == 0
    assert reads["n"] == 8


def test_clean_reads_renders_and_writes_everything(site, reads):
    seeds(site)
    first = site.build()
    again = site.build(clean=True)
    assert reads["n"] == 8 and again.written == first.written


def test_a_kept_state_follows_a_settings_change(site):
    """The preview's in-memory state: planned routes depend on pagination too."""
    from generator.cache import BuildState
    seeds(site, 6)
    state = BuildState()
    site.build(state=state)
    assert (site.out / "en/page/2/index.html").is_file()
    assert not (site.out / "en/page/3/index.html").exists()
    site.set_config(site.config.read_text().replace("paginate = 3", "paginate = 2"))
    site.build(state=state)
    assert (site.out / "en/page/3/index.html").is_file()
    fresh = site.files()
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".site.sahifa-back")
    site.build()  # no state: the same bytes
    assert site.files() == fresh


def test_incremental_builds_match_cold_builds_byte_for_byte(site, tmp_path):
    """After every kind of change, a build that reuses a kept state gives the same
    files as a build from nothing."""
    from generator.build import BuildRequest, build
    from generator.cache import BuildState
    from .conftest import NOW

    seeds(site, 8)
    state = BuildState()
    steps = [
        lambda: site.write("s1.md", "---\ntitle: Item 1\nlang: en\ndate: 2025-05-02\ntags: [t1]\n---\nNew body.\n"),
        lambda: site.write("s2.md", "---\ntitle: Renamed two\nlang: en\ndate: 2025-05-03\ntags: [t0]\n---\nBody 2.\n"),
        lambda: site.write("s9.md", "---\ntitle: Added\nlang: en\ndate: 2025-05-09\ntags: [t0, new]\n---\nAdded.\n"),
        lambda: (site.seeds / "s3.md").unlink(),
        lambda: (site.seeds / "s4.md").rename(site.seeds / "moved.md"),
        lambda: site.write("s5.md", "---\ntitle: Item 5\nlang: en\ndate: 2024-01-01\ntags: [t9]\nsection: economy\n---\nBody 5.\n"),
        lambda: site.write("ar.md", "---\ntitle: خبر\ndate: 2025-05-09\ntranslation_key: tk\n---\nنص.\n"),
        lambda: site.write("s9.md", "---\ntitle: Added\nlang: en\ndate: 2025-05-09\ntranslation_key: tk\n---\nAdded.\n"),
    ]
    # The search index too: rebuilt incrementally, it matches a cold one byte for byte.
    site.build(state=state, search_index=True)
    for number, step in enumerate(steps):
        step()
        site.build(state=state, search_index=True)
        got = {rel: data for rel, data in site.files().items() if rel != ".sahifa"}
        assert got == cold_build(site, tmp_path / f"cold{number}"), f"step {number}"


@pytest.mark.parametrize("kept", ["in memory", "on disk"])
def test_content_edits_take_the_quick_path_and_match_cold_builds(site, tmp_path, monkeypatch,
                                                                 kept):
    """An edit that keeps an article's place (title, summary, body, image, author)
    swaps it into the previous plan instead of planning again; the files are the
    same as a build from nothing, including the pages that only show the article
    (listings, feeds, related articles, translations, neighbours)."""
    from generator.build import BuildRequest, build
    from generator.cache import BuildState
    from .conftest import NOW

    plans = {"n": 0}
    real_plan = build_mod.plan

    def counting_plan(*args, **kwargs):
        plans["n"] += 1
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(build_mod, "plan", counting_plan)

    def seed(name, title, date, tags, body, extra=""):
        site.write(name, f"---\ntitle: {title}\nslug: {name[:-3]}\nlang: en\ndate: {date}\n"
                         f"tags: [{tags}]\n{extra}---\n{body}\n")

    for i in range(7):
        seed(f"s{i}.md", f"Item {i}", f"2025-05-0{i + 1}", "t0, t1" if i % 2 else "t0",
             f"Body {i}.", "translation_key: k1\n" if i == 3 else "")
    site.write("ar.md", "---\ntitle: خبر\nslug: ar\ndate: 2025-05-04\ntranslation_key: k1\n---\n"
                        "نص.\n")
    site.write("draft.md", "---\ntitle: Draft\nslug: draft\nlang: en\ndate: 2025-05-05\ndraft: true\n---\nX.\n")
    # The preview keeps its state in memory; a new process finds it in the cache.
    state = BuildState() if kept == "in memory" else None
    site.build(state=state, search_index=True)
    content_steps = [
        lambda: seed("s3.md", "A <new> title & more", "2025-05-04", "t0, t1", "Body 3.",
                     "translation_key: k1\n"),
        lambda: seed("s4.md", "Item 4", "2025-05-05", "t0", "A whole new body.\n\nTwo paragraphs."),
        lambda: seed("s5.md", "Item 5", "2025-05-06", "t0, t1", "Body 5.",
                     "summary: Hand-written summary\nauthor: Someone\nimage: /img/x.jpg\n"),
        lambda: site.write("ar.md", "---\ntitle: خبر جديد\nslug: ar\ndate: 2025-05-04\n"
                                    "translation_key: k1\n---\nنص آخر.\n"),
        lambda: seed("s6.md", "Item 6 retitled", "2025-05-07", "t0", "Body 6."),
        lambda: site.write("draft.md", "---\ntitle: Draft 2\nslug: draft\nlang: en\ndate: 2025-05-05\n"
                                       "draft: true\n---\nY.\n"),
        lambda: (seed("s1.md", "One", "2025-05-02", "t0, t1", "B1."),
                 seed("s2.md", "Two", "2025-05-03", "t0", "B2.")),
    ]
    structure_steps = [
        lambda: seed("s6.md", "Item 6", "2025-04-01", "t0", "Body 6."),  # a new date
        lambda: seed("s0.md", "Item 0", "2025-05-01", "t2", "Body 0."),  # a new tag
    ]
    for number, (step, quick) in enumerate([(s, True) for s in content_steps]
                                           + [(s, False) for s in structure_steps]):
        step()
        before = plans["n"]
        site.build(state=state, search_index=True)  # the search index follows edits too
        assert (plans["n"] == before) is quick, f"step {number}"
        got = {rel: data for rel, data in site.files().items() if rel != ".sahifa"}
        assert got == cold_build(site, tmp_path / f"cold{number}"), f"step {number}"
    assert "A &lt;new&gt; title &amp; more" in site.page("en/2025/05/02/s1/")


def test_bodies_are_kept_in_the_pack_and_a_damaged_pack_only_costs_time(site, reads):
    """Bodies are stored once in the cache's pack, not in the cache file; a pack that
    no longer holds what the cache says is dropped and the site is built right."""
    from generator.bodies import PACK_PREFIX
    seeds(site)
    site.write("long.md", "---\ntitle: Long\nlang: en\ndate: 2025-05-09\n---\n"
                          + "Some words of a long body. " * 400 + "Its very end.\n")
    assert site.build().status == 0
    want = site.files()
    cache = site.root / ".cache"
    pickle_bytes = (cache / "sahifa-seeds.pickle").read_bytes()
    assert b"Its very end." not in pickle_bytes
    packs = list(cache.glob(f"{PACK_PREFIX}*.pack"))
    assert len(packs) == 1 and b"Its very end." in packs[0].read_bytes()
    # a new process renders pages whose bodies come from the pack
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".site.sahifa-back", ignore_errors=True)
    n = reads["n"]
    assert site.build().status == 0 and reads["n"] == n  # nothing parsed again
    assert site.files() == want
    # damage the pack: same length, other bytes
    data = bytearray(packs[0].read_bytes())
    data[:20] = b"X" * 20
    packs[0].write_bytes(bytes(data))
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".site.sahifa-back", ignore_errors=True)
    assert site.build().status == 0
    assert site.files() == want
    # a truncated pack is noticed when the cache is loaded
    packs = list(cache.glob(f"{PACK_PREFIX}*.pack"))
    packs[0].write_bytes(b"")
    site.write("s0.md", "---\ntitle: Item 0\nlang: en\ndate: 2025-05-01\ntags: [t0]\n---\nNew.\n")
    assert site.build().status == 0
    assert "New." in site.page("en/2025/05/01/item-0/")


def test_an_edit_that_keeps_size_and_modification_time_is_seen(site):
    """A file rewritten in place at the same size, its modification time put back (or
    within one timestamp tick): its change time and racy-entry handling catch it."""
    path = site.write("s0.md", "---\ntitle: Item 0\nlang: en\ndate: 2025-05-01\n---\nAAAA.\n")
    assert site.build().status == 0
    st = os.stat(path)
    path.write_bytes(path.read_bytes().replace(b"AAAA", b"BBBB"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size
    assert site.build().status == 0
    assert "BBBB" in site.page("en/2025/05/01/item-0/")


def test_a_cache_that_fails_while_saving_is_dropped(site, monkeypatch):
    """Whatever goes wrong while the cache is saved, the build's result stands and the
    next build starts from the seeds."""
    from generator import bodies
    seeds(site)
    assert site.build().status == 0

    def broken(self, digests):
        raise bodies.CacheError("body damaged in the cache")

    monkeypatch.setattr(bodies.BodyStore, "retain", broken)
    site.write("s9.md", "---\ntitle: Item 9\nlang: en\ndate: 2025-05-09\ntags: [t0]\n---\nX.\n")
    assert site.build().status == 0  # a new seed: the plan is made again and saved
    assert not (site.root / ".cache" / "sahifa-seeds.pickle").exists()
    monkeypatch.undo()
    assert site.build().status == 0
    assert "X." in site.page("en/2025/05/09/item-9/")


def test_bodies_appended_by_builds_that_did_not_save_are_compacted(tmp_path):
    """A build that does not save the cache may append bodies no saved index names:
    compaction counts the pack as it is on disk, so they do not pile up."""
    from generator.bodies import COMPACT_MIN_BYTES, Body, BodyStore
    store = BodyStore(tmp_path)
    live = Body("kept " * 10)
    store.keep([live])
    with open(store.path, "ab") as fp:  # what unsaved builds left behind
        fp.write(b"x" * (COMPACT_MIN_BYTES + 1))
    store.retain({live.digest})
    assert store.generation == 1
    assert store.path.stat().st_size == len(("kept " * 10).encode())
    assert store.read(live.digest) == "kept " * 10


def test_a_rebuild_after_an_edit_reads_only_the_articles_it_shows(site, tmp_path,
                                                                    monkeypatch):
    """The saved state keeps each article as a record of its own: a new process reads
    the records of the articles on the pages an edit changes, not all of them, and
    the files are those of a build from nothing."""
    from generator import cache
    from .conftest import CONFIG
    # Feeds of the newest five: the edited article, an old one, is in none of them.
    site.set_config(CONFIG.replace("paginate = 3", "paginate = 3\nfeed_limit = 5"))
    for i in range(40):
        site.write(f"s{i:02d}.md", f"---\ntitle: Item {i}\nlang: en\n"
                                   f"date: 2025-0{1 + i % 9}-{10 + i % 17}\n"
                                   f"tags: [t{i % 5}]\n---\nBody {i}.\n")
    # Trust files changed just now (no racy-entry byte comparison, which reads them).
    monkeypatch.setattr(cache, "RACY_NS", 0)
    assert site.build(search_index=True).status == 0
    loaded = []
    real = cache.ArticleRecords.load_into
    monkeypatch.setattr(cache.ArticleRecords, "load_into",
                        lambda self, article, n: (loaded.append(n), real(self, article, n)))
    site.write("s09.md", "---\ntitle: Item 9\nlang: en\ndate: 2025-01-19\ntags: [t4]\n"
                         "---\nAn edited body.\n")
    assert site.build(search_index=True).status == 0
    assert "An edited body." in site.page("en/2025/01/19/item-9/")
    assert 0 < len(loaded) < 20, loaded
    got = {rel: data for rel, data in site.files().items() if rel != ".sahifa"}
    assert got == cold_build(site, tmp_path / "cold")


def test_a_damaged_article_record_only_costs_time(site, tmp_path, reads):
    """A record whose bytes changed on disk is noticed when it is read: the build
    starts again from the seeds and gives the right site."""
    from generator import cache
    seeds(site, 6)
    assert site.build(search_index=True).status == 0
    path = site.root / ".cache" / cache.SEEDS_FILE
    data = bytearray(path.read_bytes())
    _, _, count, *_ = cache.HEADER.unpack_from(data)
    records = cache.HEADER.size + 8 * (count + 1) + 16 * count
    for offset in range(records + cache.RECORD_CHECK, records + 200):
        data[offset] ^= 0x5A  # every record's first bytes, the length kept
    path.write_bytes(bytes(data))
    site.write("s1.md", "---\ntitle: Item 1\nlang: en\ndate: 2025-05-02\ntags: [t1]\n"
                        "---\nNew body.\n")
    assert site.build(search_index=True).status == 0
    assert reads["n"] == 6 + 6  # the edited seed, then every seed again from nothing
    got = {rel: data for rel, data in site.files().items() if rel != ".sahifa"}
    assert got == cold_build(site, tmp_path / "cold")


def many_seeds(site, n=40):
    """Enough articles for several hundred pages: rendered by worker processes."""
    langs = ["ar", "fr", "en"]
    for i in range(n):
        site.write(f"m{i:03d}.md",
                   f"---\ntitle: Item {i}\nlang: {langs[i % 3]}\ndate: 2025-0{i % 9 + 1}-1{i % 10}\n"
                   f"tags: [t{i % 4}, u{i % 3}]\n---\nBody {i} with **bold**.\n")


@pytest.mark.parametrize("jobs", [1, 2])
def test_fingerprints_made_while_rendering_are_the_ones_a_rebuild_makes(site, jobs,
                                                                         monkeypatch):
    """A first build makes each fingerprint, and the pickle the cache keeps of each
    route, where it renders the page (in the workers with --jobs 2); a build without
    the cache makes them all again in one process, from the plan, and finds every
    one of them in the live manifest."""
    from generator.cache import BuildState
    from generator.incremental import RouteTable, route_pickles
    from generator.writer import read_manifest
    adopted = []
    real_adopt = RouteTable.adopt
    monkeypatch.setattr(RouteTable, "adopt",
                        lambda table, *args: adopted.append(1) or real_adopt(table, *args))
    many_seeds(site)
    first = site.build(jobs=jobs)
    assert adopted == [1]
    assert first.status == 0 and first.written > build_mod.RENDER_THRESHOLD
    manifest = read_manifest(site.out)
    assert manifest and None not in manifest.values()
    # The routes' pickles the renderers made, as saved, are the ones this process makes.
    routes = BuildState._read(site.root / ".cache").snapshot.routes
    saved = bytes(routes._data)
    assert saved == route_pickles(routes[:])[0]
    shutil.rmtree(site.root / ".cache")
    again = site.build(jobs=1)
    assert again.written == 0 and again.unchanged == first.written
    assert read_manifest(site.out) == manifest


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_index_found_while_rendering_is_the_one_the_plan_gives(site, jobs):
    """Which pages show which article (what an edit re-renders) is found by the
    processes rendering a first build; it is the index Snapshot.prepare() makes."""
    from generator.cache import BuildState
    many_seeds(site)
    state = BuildState()
    assert site.build(state, jobs=jobs).status == 0
    snapshot = state.snapshot
    found = {article.source_path: positions for article, positions in snapshot.index.items()}
    snapshot.index = None
    snapshot.prepare()
    assert found == {article.source_path: positions
                     for article, positions in snapshot.index.items()}
    assert len(found) == 40 and all(found.values())
    # A state kept in memory (the preview) also keeps the fingerprints for the next plan.
    assert len(state.fingerprints) == sum(1 for r in snapshot.routes if r.data is None)


def test_a_build_that_changes_nothing_leaves_no_back_tree_behind(site):
    """After a first build there is no back tree; a build that changes nothing does
    not make one (it looks at the back tree only when the front holds nothing)."""
    seeds(site)
    site.build()
    back = site.root / ".site.sahifa-back"
    assert not back.exists()
    again = site.build()
    assert again.written == 0 and not back.exists()


def test_route_pickles_are_made_only_for_a_cache_that_is_saved(site, monkeypatch):
    """With the cache folder locked by another build, nothing is saved: the renderers
    make no pickles of the routes for it."""
    from generator.cache import BuildState
    from generator.incremental import RouteTable
    adopted = []
    real_adopt = RouteTable.adopt
    monkeypatch.setattr(RouteTable, "adopt",
                        lambda table, *args: adopted.append(1) or real_adopt(table, *args))
    many_seeds(site)
    other = BuildState.load(site.root / ".cache")  # holds the folder's lock
    try:
        assert site.build(jobs=2).status == 0
    finally:
        other.release()
    assert adopted == []


def test_a_route_is_pickled_once_for_its_fingerprint_and_the_cache():
    """The pickle the cache keeps of a route is made without pickle's memo: equal
    routes give equal bytes however their values are shared, so the same pickle
    makes the fingerprint, in a worker that keeps it as in a process that does not."""
    from generator.fingerprint import Fingerprinter
    from generator.incremental import route_pickles
    from generator.model import FrozenDict, Route

    def route(title, again):
        return Route(path="en/x/index.html", kind="listing", lang="en",
                     template="list.html", context=FrozenDict(title=title, again=again))

    name = "A title long enough to be its own object"
    shared = route(name, name)  # one object twice
    apart = route(name, "".join([name[:5], name[5:]]))  # two equal objects
    assert apart.context["again"] is not apart.context["title"]
    fingerprints = Fingerprinter("base")
    made, data, articles = fingerprints.pickled(shared)
    assert (made, data, articles) == fingerprints.pickled(apart)
    assert made == Fingerprinter("base").made(apart) and articles == []
    assert data == route_pickles([apart])[0]
    assert made != fingerprints.made(route(name, name + "!"))
    assert made != Fingerprinter("other base").made(shared)


def test_a_new_plan_is_fingerprinted_on_every_core_and_matches_cold_builds(site, tmp_path,
                                                                           monkeypatch):
    """A build that plans again in a new process (an article added, then deleted)
    makes every fingerprint, the index and the routes' pickles in forked workers
    before it compares the pages with the live ones: it writes what changed, and
    the site is a cold build's."""
    from generator.cache import BuildState
    from generator.incremental import route_pickles
    calls = []
    real = build_mod.track_all
    monkeypatch.setattr(build_mod, "TRACK_THRESHOLD", 1)
    monkeypatch.setattr(build_mod, "track_all",
                        lambda *args: calls.append(1) or real(*args))
    many_seeds(site)
    first = site.build(jobs=2, search_index=True)
    assert first.status == 0 and calls == []  # a first build: the renderers do it
    site.write("added.md", "---\ntitle: Added\nlang: en\ndate: 2025-06-01\ntags: [t0]\n---\nNew.\n")
    added = site.build(jobs=2, search_index=True)
    assert calls == [1] and 0 < added.written < first.written // 2
    got = {rel: data for rel, data in site.files().items() if rel != ".sahifa"}
    assert got == cold_build(site, tmp_path / "cold-added")
    saved = BuildState._read(site.root / ".cache").snapshot
    found = {a.source_path: positions for a, positions in saved.index.items()}
    saved.index = None
    saved.prepare()
    assert found == {a.source_path: positions for a, positions in saved.index.items()}
    assert bytes(saved.routes._data) == route_pickles(saved.routes[:])[0]
    (site.seeds / "added.md").unlink()
    assert site.build(jobs=2, search_index=True).status == 0 and calls == [1, 1]
    got = {rel: data for rel, data in site.files().items() if rel != ".sahifa"}
    assert got == cold_build(site, tmp_path / "cold-deleted")


def test_the_first_edit_after_a_cold_build_links_unchanged_pages_on_every_core(
        site, tmp_path, monkeypatch):
    """The first build after a cold one fills a new back tree with links to every
    unchanged page; with --jobs 2 forked workers make them. The pages keep their
    inodes (and so their modification times), the edited one is new, and the site
    and its manifest are what one process gives."""
    from generator.writer import Publisher, read_manifest
    calls = []
    real = Publisher.link_all_from_front
    monkeypatch.setattr(build_mod, "LINK_THRESHOLD", 1)
    monkeypatch.setattr(Publisher, "link_all_from_front",
                        lambda self, *args: calls.append(1) or real(self, *args))
    many_seeds(site)
    first = site.build(jobs=2, search_index=True)
    assert first.status == 0
    unchanged = site.out / "en" / "tags" / "t1" / "index.html"
    edited = site.out / "en" / "2025" / "03" / "12" / "item-2" / "index.html"
    before = {p: p.stat().st_ino for p in (unchanged, edited)}
    site.write("m002.md", "---\ntitle: Item 2\nlang: en\ndate: 2025-03-12\n"
                          "tags: [t2, u2]\n---\nA new body.\n")
    again = site.build(jobs=2, search_index=True)
    assert calls == [1] and 0 < again.written < first.written // 4
    assert unchanged.stat().st_ino == before[unchanged]
    assert edited.stat().st_ino != before[edited] and "A new body." in edited.read_text()
    got = {rel: data for rel, data in site.files().items() if rel != ".sahifa"}
    assert got == cold_build(site, tmp_path / "cold")
    manifest = read_manifest(site.out)
    shutil.rmtree(site.root / ".cache")
    shutil.rmtree(site.root / ".site.sahifa-back")
    assert site.build(jobs=1, search_index=True).written == 0 and read_manifest(site.out) == manifest


def _article_records(cache_dir):
    """The part of a saved state that holds the articles: offsets, body digests and
    records."""
    import struct
    from generator.cache import HEADER, SEEDS_FILE
    data = (cache_dir / SEEDS_FILE).read_bytes()
    _, _, count, _, _ = HEADER.unpack_from(data)
    offsets = struct.unpack_from(f"<{count + 1}Q", data, HEADER.size)
    start = HEADER.size + 8 * (count + 1) + 16 * count
    return count, data[HEADER.size:start + offsets[-1]]


def test_records_the_read_workers_make_are_the_ones_the_cache_would_save(site, monkeypatch,
                                                                          reads):
    """Read on every core, each article comes to the build as the record the saved
    state keeps of it, which is saved as it came; it is, byte for byte, the record
    the build makes of the article itself, and the next build reads it back."""
    from generator.cache import ArticleRecords
    many_seeds(site, n=build_mod.PARALLEL_THRESHOLD + 12)
    made = []
    real_pack = ArticleRecords.pack
    monkeypatch.setattr(ArticleRecords, "pack", staticmethod(
        lambda articles, table, ready=None, stored=None:
        made.append(len(ready or {})) or real_pack(articles, table, ready, stored)))
    first = site.build(jobs=2)
    assert first.status == 0 and made == [build_mod.PARALLEL_THRESHOLD + 12]
    count, by_workers = _article_records(site.root / ".cache")
    assert count == build_mod.PARALLEL_THRESHOLD + 12
    files = site.files()
    # The same build, with the articles pickled again where the state is saved.
    shutil.rmtree(site.root / ".cache")
    recordable = build_mod.recordable
    monkeypatch.setattr(build_mod, "recordable", lambda article: False)
    assert site.build(jobs=2, clean=True).status == 0
    assert made[-1] == 0
    assert _article_records(site.root / ".cache") == (count, by_workers)
    # Read back: nothing is parsed again, and the site is the same.
    monkeypatch.setattr(build_mod, "recordable", recordable)
    reads["n"] = 0
    again = site.build(jobs=2)
    assert again.status == 0 and reads["n"] == 0 and again.written == 0
    assert site.files() == files
