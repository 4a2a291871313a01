"""The standby worker: a process forked before the cache loads, which sets up the
Markdown reader on another core, then reads the few seeds a rebuild needs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .test_cache import cold_build

ROOT = Path(__file__).resolve().parent.parent


def in_a_fresh_process(code: str) -> None:
    """Run `code` (asserts) in a new interpreter: a fork needs a process with one
    thread, and the test process may hold others (the servers other tests ran)."""
    prelude = textwrap.dedent("""
        import os, threading, time
        from generator.writer import Standby

        def gone(pid):
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return True  # reaped already: no zombie left behind
            return False

        assert threading.active_count() == 1
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_standby_worker_answers_from_another_process():
    in_a_fresh_process("""
        standby = Standby(lambda factor: (lambda payload: (os.getpid(), payload * factor)), 2)
        pid = standby.pid
        assert pid is not None and pid != os.getpid()
        assert standby.call(21) == (pid, 42)
        assert gone(pid)
    """)


@pytest.mark.parametrize("setup", [
    "lambda: 1 / 0",                            # the set-up fails
    "lambda: (lambda payload: os._exit(3))",    # the worker dies while working
    "lambda: (lambda payload: lambda: None)",   # an answer that cannot be pickled
])
def test_a_failed_worker_answers_none(setup):
    in_a_fresh_process(f"""
        standby = Standby({setup})
        pid = standby.pid
        assert pid is not None
        assert standby.call("payload") is None
        assert gone(pid)
    """)


def test_a_worker_never_asked_is_stopped_at_once():
    in_a_fresh_process("""
        standby = Standby(lambda: time.sleep(30))
        pid = standby.pid
        began = time.monotonic()
        standby.close()
        assert time.monotonic() - began < 10  # killed, not waited for
        assert gone(pid)
        standby.close()  # twice is harmless
    """)


def test_no_fork_beside_other_threads():
    in_a_fresh_process("""
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        standby = Standby(lambda: (lambda payload: payload))
        assert standby.pid is None and standby.call(1) is None
        stop.set()
        thread.join()
    """)


REBUILD = """
import sys, threading
from pathlib import Path
from generator.build import BuildRequest, build
from tests.conftest import NOW
if sys.argv[1] == "thread":  # no fork then: the process reads the seed itself
    threading.Thread(target=threading.Event().wait, daemon=True).start()
result = build(BuildRequest(source=Path("seeds"), config=Path("site.toml"), out=Path("site"),
                            now=NOW, jobs=2))
print(result.status, result.written, "markdown" in sys.modules)
"""


def rebuild(site, mode: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", REBUILD, mode], cwd=site.root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_rebuild_in_a_new_process_reads_edits_on_standby(site, tmp_path):
    for i in range(6):
        site.write(f"s{i}.md", f"---\ntitle: Item {i}\nlang: en\ndate: 2025-05-0{i + 1}\n"
                               f"tags: [t{i % 2}]\n---\nBody {i}.\n")
    assert site.build(search_index=True).status == 0
    site.write("s2.md", "---\ntitle: Item 2, edited\nlang: en\ndate: 2025-05-03\n---\n"
                        "An *edited* body.\n")
    status, written, parent_read = rebuild(site, "plain")
    assert status == "0" and int(written) > 0
    assert parent_read == "False"  # Markdown was never set up in the building process
    assert "An <em>edited</em> body." in site.page("en/2025/05/03/item-2-edited/")
    assert {r: d for r, d in site.files().items() if r != ".sahifa"} == cold_build(
        site, tmp_path / "cold-1")

    site.write("s4.md", "---\ntitle: Item 4\nlang: en\ndate: 2025-05-05\n---\nNew words.\n")
    status, written, parent_read = rebuild(site, "thread")
    assert status == "0" and int(written) > 0 and parent_read == "True"
    assert "New words." in site.page("en/2025/05/05/item-4/")
    assert {r: d for r, d in site.files().items() if r != ".sahifa"} == cold_build(
        site, tmp_path / "cold-2")
