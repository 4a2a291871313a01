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
