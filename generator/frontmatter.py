"""Split YAML (---) or TOML (+++) front matter from a seed, keeping line numbers."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from typing import Any

import yaml

from .errors import SahifaError, toml_problem

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # compiled when PyYAML has it


class _Loader(_Base):
    """Safe YAML, with dates left as text: resolve.py parses them with file and line."""


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

FENCES = {"---": "yaml", "+++": "toml"}
_KEY = re.compile(r"^\s*[\"']?([A-Za-z_][A-Za-z0-9_-]*)[\"']?\s*[:=]")


def normalise_text(data: bytes, file=None) -> str:
    """Decode UTF-8 (BOM accepted), turn CRLF and CR into LF."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SahifaError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file "
                          "as UTF-8", file=file, line=line)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SahifaError("contains NUL bytes: not a text file", file=file, line=line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """Return (metadata, key → line number, body, line number where the body starts).

    Line numbers are 1-based lines of the whole file.  A file without front
    matter gives empty metadata and the whole text as its body.
    """
    lines = text.split("\n")
    fence = lines[0].rstrip() if lines else ""
    if fence not in FENCES:
        return {}, {}, text, 1
    for end in range(1, len(lines)):
        if lines[end].rstrip() == fence:
            break
    else:
        raise SahifaError(f"front matter opened with '{fence}' is never closed", line=1)
    block = "\n".join(lines[1:end])
    kind = FENCES[fence]
    meta = _parse_yaml(block) if kind == "yaml" else _parse_toml(block)
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines[1:end], 2):
        m = _KEY.match(line)
        if m and not line.startswith((" ", "\t")):
            key_lines.setdefault(m.group(1), number)
    body = "\n".join(lines[end + 1:])
    return meta, key_lines, body, end + 2


def _parse_yaml(block: str) -> dict[str, Any]:
    try:
        data = yaml.load(block, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        what = exc.problem or "syntax error"
        raise SahifaError(f"invalid YAML front matter: {what}", line=line)
    except yaml.YAMLError as exc:
        raise SahifaError(f"invalid YAML front matter: {exc}", line=1)
    except (ValueError, TypeError, RecursionError) as exc:
        raise SahifaError(f"invalid YAML front matter: {exc}", line=1)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SahifaError(f"front matter must be a mapping of keys to values, not a "
                          f"{_kind(data)}", line=2)
    return {str(k): v for k, v in data.items()}


def _parse_toml(block: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(block + "\n")
    except tomllib.TOMLDecodeError as exc:
        msg, line = toml_problem(exc)
        raise SahifaError(f"invalid TOML front matter: {msg}",
                          line=line + 1 if line is not None else 1)
    return data


def _kind(value) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, (datetime, date, time)):
        return "date"
    return "scalar"
