"""Error types and the diagnostics collector.

Errors are data: every problem becomes a :class:`Diagnostic` naming the file
and, where known, the line.  They are collected during the build and printed
one per line at the end, repeated warnings collapsed with a count.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

from .model import quick_pickle
from pathlib import Path

ERROR = "error"
WARNING = "warning"
NOTE = "note"


def display_path(path: str | os.PathLike | None) -> str:
    """A path as the user typed it: relative to the working folder when inside it."""
    if path is None:
        return ""
    if isinstance(path, str) and not path.startswith("/") and "\\" not in path \
            and "/./" not in path and not path.startswith("./"):
        return path  # already as shown (the usual case: seeds/x.md)
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()


_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column \d+\)")


def toml_problem(exc: Exception) -> tuple[str, int | None]:
    """tomllib's message without its "(at line L, column C)", and L."""
    text = str(exc)
    m = _TOML_WHERE.search(text)
    return _TOML_WHERE.sub("", text), int(m.group(1)) if m else None


@quick_pickle
@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    file: str
    message: str
    line: int | None = None
    severity: str = ERROR

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = "" if self.severity == ERROR else f"{self.severity}: "
        text = f"{where}: {prefix}{self.message}" if where else f"{prefix}{self.message}"
        return printable(text)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")


def printable(text: str) -> str:
    """One line a terminal shows as it is: control, line-breaking and bidi-override
    characters (from file names or seed text) written as escapes."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(m: re.Match) -> str:
    code = ord(m.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class SahifaError(Exception):
    """A problem in one input, carrying the file and line it comes from."""

    def __init__(self, message: str, *, file: str | os.PathLike | None = None,
                 line: int | None = None, severity: str = ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.file = display_path(file) if file is not None else ""
        self.line = line
        self.severity = severity  # WARNING: the input is skipped, the build is not failed

    def with_file(self, file: str | os.PathLike, line_offset: int = 0) -> "SahifaError":
        line = None if self.line is None else self.line + line_offset
        return SahifaError(self.message, file=file, line=line, severity=self.severity)

    def diagnostic(self, severity: str | None = None) -> Diagnostic:
        return Diagnostic(file=self.file, line=self.line, message=self.message,
                          severity=severity or self.severity)

    def __str__(self) -> str:
        return str(self.diagnostic())


DEEP = ("nested too deeply to read (quotes or lists inside one another); flatten the "
        "text")


def seed_gone() -> SahifaError:
    """A seed deleted between being found and being read: skipped, not an error (the
    next build, or the preview's next rebuild, no longer finds it)."""
    return SahifaError("deleted while the build was reading it; skipped", severity=WARNING)


class ConfigError(Exception):
    """The configuration is unusable; nothing is built.  Carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class BuildError(Exception):
    """The build cannot be published (output collision, write failure...)."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class Diagnostics:
    """Collects diagnostics; prints them sorted, identical ones collapsed."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []
        self._deferred: list = []   # functions giving notes, called only when shown

    def add(self, diagnostic: Diagnostic) -> None:
        self._items.append(diagnostic)

    def extend(self, diagnostics) -> None:
        self._items.extend(diagnostics)

    def error(self, file, message: str, line: int | None = None) -> None:
        self.add(Diagnostic(file=display_path(file), line=line, message=message))

    def warning(self, file, message: str, line: int | None = None) -> None:
        self.add(Diagnostic(file=display_path(file), line=line, message=message,
                            severity=WARNING))

    def note(self, file, message: str, line: int | None = None) -> None:
        self.add(Diagnostic(file=display_path(file), line=line, message=message,
                            severity=NOTE))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self._items if d.severity == ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self._items if d.severity == WARNING)

    def mark(self) -> int:
        return len(self._items)

    def since(self, mark: int) -> tuple[Diagnostic, ...]:
        """What was reported after mark()."""
        return tuple(self._items[mark:])

    def defer_notes(self, make) -> None:
        """Notes made only if someone asks for them (they are many and rarely shown)."""
        self._deferred.append(make)

    def _expand(self) -> None:
        while self._deferred:
            self._items.extend(self._deferred.pop(0)())

    @property
    def notes(self) -> tuple[Diagnostic, ...]:
        self._expand()
        return tuple(d for d in self._items if d.severity == NOTE)

    def lines(self, *, verbose: bool = False) -> list[str]:
        """One line per distinct diagnostic, in a stable order, repeats counted."""
        if verbose:
            self._expand()
        wanted = [d for d in self._items if verbose or d.severity != NOTE]
        counts = Counter(wanted)
        order = {ERROR: 0, WARNING: 1, NOTE: 2}
        unique = sorted(counts, key=lambda d: (order[d.severity], d.file, d.line or 0, d.message))
        out = []
        for d in unique:
            n = counts[d]
            out.append(str(d) if n == 1 else f"{d} ({n} times)")
        return out
