"""What a build says while it runs: a progress bar on a terminal (tqdm, shown only
for builds that take more than a second), plain lines otherwise, nothing when
quiet.  The pipeline only calls `stage`, `advance` and `done`."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def done(self) -> None:
        pass


class Lines(Silent):
    """One line per stage with its count, for logs and pipes."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.name: str | None = None
        self.total: int | None = None
        self.started = 0.0

    def stage(self, name: str, total: int | None = None) -> None:
        self.done()
        self.name, self.total, self.started = name, total, time.perf_counter()

    def done(self) -> None:
        if self.name is not None:
            count = f" {self.total}" if self.total is not None else ""
            print(f"{self.name}{count} ({time.perf_counter() - self.started:.2f} s)",
                  file=self.stream, flush=True)
        self.name = None


class Bar(Silent):
    """A tqdm bar per stage; nothing appears for a build that ends within a second."""

    def __init__(self, stream: TextIO = sys.stderr, after: float = 1.0) -> None:
        self.stream = stream
        self.bar = None
        self.after = after
        self.begin = time.perf_counter()

    def stage(self, name: str, total: int | None = None) -> None:
        from tqdm import tqdm
        self.done()
        delay = max(0.0, self.after - (time.perf_counter() - self.begin))
        self.bar = tqdm(total=total, desc=f"{name:<9}", unit="", file=self.stream,
                        delay=delay, leave=False, dynamic_ncols=True)

    def advance(self, count: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def done(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def reporter(quiet: bool, stream: TextIO = sys.stderr) -> Silent:
    if quiet:
        return Silent()
    return Bar(stream) if stream.isatty() else Lines(stream)
