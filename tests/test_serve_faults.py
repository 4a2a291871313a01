"""The preview server under faults: seeds deleted while a rebuild reads them."""

from __future__ import annotations

import os
import random
import threading
import time
from urllib.parse import quote

from .test_serve import Preview, fetch, seed

COUNT = 120


def article(i: int) -> str:
    """Every tenth seed has no date: it comes from the file's modification time, which
    the build reads too."""
    paragraphs = "\n\n".join(f"فقرة رقم {n} من الخبر {i} في الرباط والدار البيضاء."
                             for n in range(40))
    if i % 10 == 5:
        return f"---\ntitle: \"خبر رقم {i}\"\n---\n{paragraphs}\n"
    return seed(f"خبر رقم {i}", date=f"2025-05-{i % 28 + 1:02d}T10:00:00+01:00") + \
        "\n" + paragraphs + "\n"


def path_of(i: int) -> str:
    return f"/ar/2025/05/{i % 28 + 1:02d}/خبر-رقم-{i}/"


def test_the_preview_survives_seeds_deleted_while_being_read(site):
    for i in range(COUNT):
        site.write(f"sub{i % 4}/{i:03d}.md", article(i))
    preview = Preview(site)
    try:
        preview.wait_page(path_of(0), "خبر رقم 0", timeout=60)
        stop = threading.Event()
        errors: list[BaseException] = []
        rng = random.Random(6)

        def churn() -> None:
            """Delete seeds and whole folders, and put them back, again and again."""
            try:
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline and not stop.is_set():
                    if rng.random() < 0.3:  # a whole folder goes away for a moment
                        folder = site.seeds / f"sub{rng.randrange(4)}"
                        away = site.root / "away"
                        os.rename(folder, away)
                        time.sleep(rng.uniform(0, 0.05))
                        os.rename(away, folder)
                    chosen = rng.sample(range(COUNT), 25)
                    for i in chosen:
                        (site.seeds / f"sub{i % 4}/{i:03d}.md").unlink(missing_ok=True)
                    time.sleep(rng.uniform(0, 0.05))
                    for i in chosen:  # put back whole (a half-written file is another case)
                        folder = site.seeds / f"sub{i % 4}"
                        (folder / f".{i:03d}.md.tmp").write_text(article(i), encoding="utf-8")
                        os.replace(folder / f".{i:03d}.md.tmp", folder / f"{i:03d}.md")
                    time.sleep(rng.uniform(0, 0.05))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        worker = threading.Thread(target=churn, daemon=True)
        worker.start()
        statuses = set()
        while worker.is_alive():
            for path in ("/ar/", path_of(rng.randrange(COUNT))):
                status, _, _ = fetch(preview.base + quote(path))
                statuses.add(status)
            time.sleep(0.02)
        worker.join()
        assert not errors, errors
        # The server answered all along: pages, or 404 for an article deleted just then.
        assert statuses <= {200, 404}, statuses
        assert preview.proc.poll() is None, "\n".join(preview.log[-20:])
        # Everything is back: the next rebuild brings every article back.
        site.write("sub0/000.md", article(0) + "\nفقرة أخيرة بعد التوقف.\n")
        preview.wait_page(path_of(0), "فقرة أخيرة بعد التوقف", timeout=60)
        preview.settle()
        for i in range(COUNT):
            if i % 10 == 5:
                continue  # dated by modification time
            status, body, _ = preview.get(path_of(i))
            assert status == 200 and f"خبر رقم {i}" in body, (i, status)
        # Each rebuild during the churn published; a seed that vanished mid-read was
        # a warning, never an error, and nothing else went wrong.
        summaries = [line for line in preview.log if " articles, " in line]
        assert len(summaries) > 3
        failed = [line for line in summaries if ", 0 errors, published" not in line]
        assert not failed, (failed, preview.log)
        assert summaries[-1].startswith(f"{COUNT} articles, ")
        others = [line for line in preview.log if line not in summaries
                  and not line.startswith(("Preview of ", "Serving on ", "Browser Connected",
                                           "Start watching", "[", "Start detecting",
                                           "Stop detecting"))]
        unexpected = [line for line in others if not line.endswith(
            ": warning: deleted while the build was reading it; skipped")]
        assert not unexpected, (unexpected, preview.log)
        # A seed that vanished mid-read is only a warning: pages never show an error
        # banner for it once it is back.
        assert "sahifa-preview-errors" not in preview.get("/ar/")[1]
    finally:
        preview.stop()
