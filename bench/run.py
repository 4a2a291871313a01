"""`make bench`: build generated corpora and report time, pages and peak memory.

For each N (BENCH_N, default "1000,10000"): a cold build, a rebuild with no change,
and rebuilds after editing, adding and deleting one article; each the median
[min–max] of BENCH_RUNS runs (default 3), with pages written, pages per second and the
peak resident memory of the whole process tree.  Prints a table and writes
bench/results.json.
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import CONFIG, generate  # noqa: E402
from weight import measure as page_weight  # noqa: E402


def _memory(pid: int) -> int:
    """A process's proportional set size (its share of pages it shares with others,
    such as forked workers), falling back to its resident size."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fp:
            for line in fp:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as fp:
        return int(fp.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the sum of their
    proportional set sizes, so pages shared after a fork are counted once."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += _memory(p)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fp:
                    stack.extend(int(c) for c in fp.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


class PeakMemory:
    """The peak tree memory of a running process, sampled every 20 ms on a thread of
    its own, so that the caller can wait for the process and time it exactly."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(0.02)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


class Bin:
    """Where the benchmark puts what it would delete between builds, until the end.

    Deleting tens of thousands of files just before a build makes every file that
    build creates slower on some file systems (ext4 without a journal, as on this
    machine, passes over the inodes freed in the last minutes when it allocates new
    ones), which would charge the benchmark's own cleanup to the tool it measures.
    A user's cold build deletes nothing, so nothing is deleted until every
    measurement is done: leftovers are renamed into the bin of the corpus folder
    (work_folder()), and empty_bins() deletes those folders at the end.
    """

    made: list[Path] = []  # the corpus folders, each holding its bin

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def put(self, path: Path) -> None:
        if path.exists() or path.is_symlink():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            os.rename(path, self.folder / str(self.count))


def work_folder(prefix: str) -> tuple[Path, Bin]:
    """A temporary folder for one corpus, and its bin: deleted by empty_bins()."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    Bin.made.append(work)
    return work, Bin(work / ".bench-bin")


def empty_bins() -> None:
    for folder in Bin.made:
        shutil.rmtree(folder, ignore_errors=True)
    Bin.made.clear()


def compile_bytecode() -> None:
    """Byte-compile Sahifa as installing a package does, so that no build measured
    compiles its modules (an environment may forbid writing bytecode on import)."""
    compileall.compile_dir(str(HERE.parent / "generator"), quiet=1)


def settle() -> None:
    """Before a timed build: the files earlier builds wrote go to the disk now.  The
    kernel writes them back some thirty seconds after they were written, which would
    fall in the middle of the next build, and writing back tens of thousands of small
    files took this machine about a second of CPU (ext4 allocates their blocks only
    then): each build would pay for the one before it, which a user's build, started
    on a quiet machine, does not."""
    os.sync()


def run_build(workdir: Path, memory: bool = False) -> tuple[float, int, int]:
    """(seconds, pages, peak tree RSS, or 0 without `memory`) of one `sahifa build`
    process."""
    cmd = [sys.executable, "-m", "generator", "build", "--source", "seeds", "--config",
           "site.toml", "--out", "site"]
    settle()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    sampler = PeakMemory(proc.pid) if memory else None
    err = proc.stderr.read().decode()  # to the end: the process has closed it
    proc.wait()
    elapsed = time.perf_counter() - start
    peak = sampler.stop() if sampler else 0
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{err}")
    pages = sum(1 for _ in (workdir / "site").rglob("*.html"))
    return elapsed, pages, peak


def series(step, runs: int) -> dict:
    """`runs` timed builds, step(k, memory=False), then one more, step(runs,
    memory=True), for the peak memory alone: reading the proportional set sizes of
    every process every 20 ms takes CPU from the build and slowed it by about a
    tenth, so no timed build is sampled."""
    samples = [step(k, False) for k in range(runs)]
    peak = step(runs, True)[2]
    return summarise([(t, pages, peak) for t, pages, _ in samples])


def summarise(samples: list[tuple[float, int, int]]) -> dict:
    times = [s[0] for s in samples]
    med = statistics.median(times)
    pages = samples[-1][1]
    return {"median_s": round(med, 3), "min_s": round(min(times), 3),
            "max_s": round(max(times), 3), "pages": pages,
            "pages_per_s": round(pages / med, 1) if med else None,
            "peak_mib": round(max(s[2] for s in samples) / 2**20, 1)}


def bench(n: int, runs: int) -> dict:
    work, bin_ = work_folder(f"sahifa-bench-{n}-")
    (work / "site.toml").write_text(CONFIG, encoding="utf-8")
    paths = generate(work / "seeds", n)
    results = {}

    def cold(k: int, memory: bool):
        # Nothing from an earlier build: no output, no back tree, no cache.
        for leftover in (work / "site", work / ".site.sahifa-back", work / ".cache"):
            bin_.put(leftover)
        return run_build(work, memory)

    results["cold"] = series(cold, runs)
    results["cold"]["page weight"] = page_weight(work / "site").lines()
    results["no change"] = series(lambda k, memory: run_build(work, memory), runs)
    target = paths[len(paths) // 2]
    original = target.read_text(encoding="utf-8")

    def edit(k: int, memory: bool):
        target.write_text(original + f"\nEdited paragraph {k}.\n", encoding="utf-8")
        return run_build(work, memory)

    results["edit one"] = series(edit, runs)
    extra = work / "seeds" / "2025" / "added.md"

    # An addition and a deletion are each undone, and the site built again, before
    # the next is timed: each timed build then really adds or deletes an article
    # (rebuilding the site already built would take the no-change path).
    def add(k: int, memory: bool):
        extra.write_text(f"---\ntitle: Added {k}\nlang: en\ndate: 2025-06-01\n---\nNew.\n")
        try:
            return run_build(work, memory)
        finally:
            extra.unlink()
            run_build(work)

    results["add one"] = series(add, runs)

    def delete(k: int, memory: bool):
        saved = target.read_bytes()
        target.unlink()
        try:
            return run_build(work, memory)
        finally:
            target.write_bytes(saved)
            run_build(work)

    results["delete one"] = series(delete, runs)
    results["preview save→served"] = preview_latency(work, int(os.environ.get(
        "BENCH_EDITS", "7")))
    return results


PROBE = "---\ntitle: Bench probe\nlang: en\ndate: 2025-06-01T10:00:00+01:00\ntags: [economy]\n---\n"
PROBE_PATH = "/en/2025/06/01/bench-probe/"


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def preview_latency(work: Path, edits: int) -> dict:
    """Seconds from saving a seed to the preview serving the rebuilt page, measured
    the way a browser sees it: connected to the live-reload socket, it fetches the
    page when the server says "reload" (polling the page instead would compete with
    the rebuild for the server's time)."""
    import asyncio
    import json as _json
    import urllib.request

    from tornado.websocket import websocket_connect

    probe = work / "seeds" / "bench-probe.md"
    probe.write_text(PROBE + "First version.\n", encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port)],
                            cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    url = f"http://127.0.0.1:{port}{PROBE_PATH}"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.read().decode("utf-8")
        except OSError:
            return ""

    async def measure() -> list[float]:
        ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
        await ws.write_message(_json.dumps(
            {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        await ws.read_message()
        await ws.write_message(_json.dumps({"command": "info", "url": url, "plugins": {}}))
        await asyncio.sleep(1.0)
        samples = []
        for k in range(edits):
            marker = f"Edit number {k} of the probe."
            start = time.perf_counter()
            probe.write_text(PROBE + marker + "\n", encoding="utf-8")
            while True:
                message = await asyncio.wait_for(ws.read_message(), timeout=120)
                if message is None:
                    raise SystemExit("the live-reload socket closed")
                if _json.loads(message).get("command") == "reload" and marker in page():
                    break
            samples.append(time.perf_counter() - start)
            await asyncio.sleep(0.5)
        ws.close()
        return samples

    try:
        deadline = time.monotonic() + 600
        while "First version." not in page():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("preview server did not start")
            time.sleep(0.2)
        time.sleep(2.0)  # let the start-up rescan settle
        samples = asyncio.run(measure())
        return {"median_s": round(statistics.median(samples), 3),
                "min_s": round(min(samples), 3), "max_s": round(max(samples), 3),
                "edits": edits}
    finally:
        proc.terminate()
        proc.wait(10)
        probe.unlink()


def demo_latency(edits: int) -> dict:
    """The preview's save-to-served time on the demo site (a copy of seeds/)."""
    work = Path(tempfile.mkdtemp(prefix="sahifa-bench-demo-"))
    try:
        shutil.copytree(HERE.parent / "seeds", work / "seeds")
        shutil.copy2(HERE.parent / "site.toml", work / "site.toml")
        return preview_latency(work, edits)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def row(label: str, name: str, r: dict) -> str:
    return (f"{label:>7}  {name:<11} {r['median_s']:>9.3f}  "
            f"[{r['min_s']:.3f}–{r['max_s']:.3f}]{'':<2} {r.get('pages', ''):>7} "
            f"{r.get('pages_per_s', ''):>8} {r.get('peak_mib', ''):>9}")


def main() -> int:
    sizes = [int(x) for x in os.environ.get("BENCH_N", "1000,10000").split(",") if x]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    edits = int(os.environ.get("BENCH_EDITS", "7"))
    compile_bytecode()
    report = {"cpus": os.cpu_count(), "runs": runs, "sizes": {}}
    print(f"{'N':>7}  {'scenario':<11} {'median s':>9}  {'[min–max]':<17} {'pages':>7} "
          f"{'pages/s':>8} {'peak MiB':>9}")
    try:
        report["demo"] = {"preview save→served": demo_latency(edits)}
        print(row("demo", "preview save→served", report["demo"]["preview save→served"]))
        for n in sizes:
            res = bench(n, runs)
            report["sizes"][str(n)] = res
            for name, r in res.items():
                print(row(str(n), name, r))
            for line in res["cold"]["page weight"]:
                print(f"{n:>7}  page weight: {line}")
    finally:
        empty_bins()
    (HERE / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
