"""Golden output of the small fixture site: `python -m tests.golden regenerate`.

The test compares a fresh build with tests/golden/expected byte for byte.
After an intended change, regenerate, then review `git diff tests/golden`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from generator.build import BuildRequest, build

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "small"
EXPECTED = HERE / "golden" / "expected"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def build_fixture(out: Path, jobs: int = 1):
    return build(BuildRequest(source=FIXTURE / "seeds", config=FIXTURE / "site.toml",
                              out=out, now=NOW, jobs=jobs,
                              cache_dir=out.parent / f".{out.name}-cache"))


def tree(root: Path) -> dict[str, bytes]:
    """Every published file; the build manifest (fingerprints, which change with the
    code) and Pagefind's search bundle (its own bytes, checked in test_search) are
    left out."""
    return {rel: p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".sahifa"
            and not (rel := p.relative_to(root).as_posix()).startswith("pagefind/")}


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        result = build_fixture(out)
        if result.status != 0:
            sys.exit("\n".join(result.lines))
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        for name, data in tree(out).items():
            target = EXPECTED / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    print(f"wrote {len(tree(EXPECTED))} files to {EXPECTED}; review with git diff")


if __name__ == "__main__":
    if sys.argv[1:] != ["regenerate"]:
        sys.exit("usage: python -m tests.golden regenerate")
    regenerate()
