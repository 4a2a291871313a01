"""Faults: a build killed at any moment, a full disk, a read-only output folder.

Each leaves the previous site complete and unchanged, and the next build recovers
without any cleanup by hand.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from corpus import CONFIG, generate  # noqa: E402

KILLS = 20          # builds killed while still running, at least
KILLS_SOUGHT = 26   # rounds go on until this many were (or MAX_ROUNDS)
MAX_ROUNDS = 60     # a build may finish before its kill on a busy machine: try again
SEEDS = 2000


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder (path → digest of its bytes)."""
    return {p.relative_to(folder).as_posix(): hashlib.blake2b(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def command(work: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--source", str(work / "seeds"),
            "--config", str(work / "site.toml"), "--out", str(work / "site"), "-q", *extra]


def run(work: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(work, *extra), cwd=work, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("faults")
    generate(work / "seeds", SEEDS)
    (work / "site.toml").write_text(CONFIG, encoding="utf-8")
    return work


def test_a_build_killed_at_any_moment_leaves_the_previous_site_whole(work):
    """SIGKILL at random moments of builds that change every page (a new site title)
    or a few (edited seeds): after each kill the site is byte for byte the last good
    build, and the next build succeeds and gives what a build from nothing gives."""
    rng = random.Random(20251129)
    config = work / "site.toml"
    seeds = sorted((work / "seeds").rglob("*.md"))
    assert run(work).returncode == 0

    def change(round_: int, everything: bool) -> None:
        if everything:
            config.write_text(CONFIG.replace('title = "Bench"', f'title = "Bench {round_}"'),
                              encoding="utf-8")
        else:
            for path in rng.sample(seeds, 5):
                path.write_text(path.read_text(encoding="utf-8") + f"\nRound {round_}.\n",
                                encoding="utf-8")

    # How long each kind of build takes here, to spread the kills over it.
    took = {}
    for everything in (True, False):
        change(0, everything)
        start = time.monotonic()
        assert run(work).returncode == 0
        took[everything] = time.monotonic() - start
    good = snapshot(work / "site")
    moments: list[float] = []
    published_before_kill: list[bool] = []
    round_ = 0
    while len(moments) < KILLS_SOUGHT and round_ < MAX_ROUNDS:
        round_ += 1
        everything = round_ % 3 == 1
        change(round_, everything)
        proc = subprocess.Popen(command(work), cwd=work, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        moment = rng.uniform(0.02, 0.9) * took[everything]
        time.sleep(moment)
        killed = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after_kill = snapshot(work / "site")
        result = run(work)
        assert result.returncode == 0, f"round {round_}: {result.stderr}"
        new = snapshot(work / "site")
        if killed:
            moments.append(moment)
            # The previous site, whole; or, when the kill came after the swap (while the
            # cache was being saved), the new site, whole.  Never anything between.
            assert after_kill == good or after_kill == new, \
                f"round {round_}: killed at {moment:.2f} s"
            published_before_kill.append(after_kill == new != good)
        good = new
    assert len(moments) >= KILLS, f"only {len(moments)} builds were still running when killed"
    assert published_before_kill.count(False) >= 15  # most kills hit a build in progress
    # The site after all that is the one a build from nothing makes.
    fresh = work / "fresh"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--source", str(work / "seeds"),
         "--config", str(config), "--out", str(fresh), "--cache-dir", str(work / "fresh-cache"),
         "-q"], cwd=work, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert result.returncode == 0, result.stderr
    got, want = snapshot(work / "site"), snapshot(fresh)
    got.pop(".sahifa"), want.pop(".sahifa")
    assert got == want


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB file system of its own (tmpfs), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def small_site(root: Path, n: int, words: int) -> None:
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / "seeds" / f"s{i}.md").write_text(
            f"---\ntitle: Item {i}\nlang: en\ndate: 2025-05-0{i % 9 + 1}\n---\n"
            + ("word " * words) + "\n", encoding="utf-8")
    (root / "site.toml").write_text(CONFIG, encoding="utf-8")


def build_into(root: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--source", str(root / "seeds"),
         "--config", str(root / "site.toml"), "--out", str(out),
         "--cache-dir", str(root / "cache")],
        cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300)


def published_small_site(tmp_path: Path, disk: Path) -> tuple[Path, Path, dict[str, str]]:
    """A small site built onto the small disk: (project, output, its files)."""
    root = tmp_path / "project"
    small_site(root, 4, 20)
    out = disk / "site"
    assert build_into(root, out).returncode == 0
    return root, out, snapshot(out)


def test_a_full_disk_gives_one_clear_line_and_keeps_the_previous_site(small_disk, tmp_path):
    root, out, before = published_small_site(tmp_path, small_disk)
    # Enough new text that the second copy of the site cannot fit on the disk.
    small_site(root, 60, 4000)
    result = build_into(root, out)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "No space" in line]
    assert len(errors) == 1 and errors[0].endswith(
        ": cannot write the site: No space left on device; the previous site is unchanged"
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    # Room again (fewer words): the next build succeeds without any cleanup.
    small_site(root, 60, 20)
    result = build_into(root, out)
    assert result.returncode == 0, result.stderr
    assert (out / "en" / "2025" / "05" / "01" / "item-9" / "index.html").is_file()


def test_a_read_only_output_folder_gives_one_clear_line(small_disk, tmp_path):
    root, out, before = published_small_site(tmp_path, small_disk)
    small_site(root, 5, 20)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)]).returncode == 0
    try:
        result = build_into(root, out)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "Read-only" in line]
    assert errors == [f"{out}: cannot write the site: Read-only file system; the previous "
                      f"site is unchanged"], result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert build_into(root, out).returncode == 0
