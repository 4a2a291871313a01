"""Split YAML (---) or TOML (+++) front matter from a seed, keeping line numbers."""

from __future__ import annotations

import re
import tomllib
from collections import deque
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
    """Decode UTF-8 (BOM accepted), turn CRLF and CR into LF.

    UTF-16, binary data, invalid UTF-8 and files with nothing but white space
    are refused with a message that says what to do.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SahifaError(f"UTF-16 text (byte-order mark {data[0]:02X} {data[1]:02X}), not "
                          "UTF-8; save the file as UTF-8", file=file, line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        if _looks_utf16(data):
            raise SahifaError("UTF-16 text without a byte-order mark, not UTF-8; save the "
                              "file as UTF-8", file=file, line=1)
        raise SahifaError("binary data (a NUL byte), not text: a seed must be a UTF-8 "
                          "text file", file=file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SahifaError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file "
                          "as UTF-8", file=file, line=line)
    if not text.strip():
        what = "empty file" if not text else "only white space"
        raise SahifaError(f"{what}: write the article or delete the file", file=file)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_utf16(data: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: NUL bytes on one side of the pairs
    (the high bytes of ASCII spaces, digits and line ends), and it decodes."""
    head = data[:4096]
    pairs = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    high, low = max(even, odd), min(even, odd)
    if len(data) % 2 or high < 2 or high < pairs * 0.1 or low > pairs * 0.01:
        return False
    try:
        text = data.decode("utf-16-be" if even > odd else "utf-16-le")
    except UnicodeDecodeError:
        return False
    return "\n" in text or " " in text


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
        raise SahifaError(f"front matter opened with '{fence}' is never closed; end it "
                          f"with a '{fence}' line", line=1)
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


# The front matter nearly every seed has: one `key: value` line per key, each value
# text, quoted text or a flow list of words.  Read directly, such a block gives what
# YAML gives, in a quarter of the time; anything else (and anything YAML would read as
# other than text: numbers, true, null…) goes to YAML (the tests compare the two).
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): +(.*?) *")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SINGLE = re.compile(r"'([^']*)'")
# A plain scalar that starts with no indicator and holds no flow indicator or comment.
_PLAIN = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s][^,\[\]{}#]*")
_FLOW_WORD = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@`\s][^?:,\[\]{}#]*")
# Characters YAML refuses, or reads as line breaks or marks of its own, anywhere.
_NOT_SIMPLE = re.compile("[^\x0A\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE"
                         "\uFF00-\uFFFD\U00010000-\U0010FFFF]")


def _plain_text(value: str) -> bool:
    """Whether YAML reads this plain scalar as text (no implicit resolver takes it)."""
    resolvers = _Loader.yaml_implicit_resolvers
    for _tag, regexp in resolvers.get(value[0], []) + resolvers.get(None, []):
        if regexp.match(value):
            return False
    return True


def _simple_yaml(block: str) -> dict[str, Any] | None:
    """The block read as YAML reads it, when it is of the simple kind; else None."""
    if _NOT_SIMPLE.search(block):
        return None
    data: dict[str, Any] = {}
    for line in block.split("\n"):
        if not line or line.startswith("#"):  # a blank line, a comment
            continue
        m = _SIMPLE_LINE.fullmatch(line)
        if m is None:
            return None
        key, value = m.groups()
        if not _plain_text(key):
            return None
        if value.startswith('"'):
            m = _DOUBLE.fullmatch(value)
            if m is None:
                return None
            data[key] = m.group(1)
        elif value.startswith("'"):
            m = _SINGLE.fullmatch(value)
            if m is None:
                return None
            data[key] = m.group(1)
        elif value.startswith("["):
            if not value.endswith("]"):
                return None
            inner = value[1:-1].strip(" ")
            words = [word.strip(" ") for word in inner.split(",")] if inner else []
            for word in words:
                if not _FLOW_WORD.fullmatch(word) or not _plain_text(word):
                    return None
            data[key] = words
        else:
            if (not _PLAIN.fullmatch(value) or ": " in value or value.endswith(":")
                    or not _plain_text(value)):
                return None
            data[key] = value
    return data


def _parse_yaml(block: str) -> dict[str, Any]:
    simple = _simple_yaml(block)
    if simple is not None:
        return simple
    try:
        data = yaml.load(block, Loader=_Loader)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        tag = _TAG.search(exc.problem or "")
        if tag:
            raise SahifaError(f"invalid YAML front matter: the tag {_short_tag(tag.group(1))!r} "
                              "is not allowed; write plain text, numbers, lists and "
                              "mappings", line=line)
        raise SahifaError(f"invalid YAML front matter: {exc.problem or 'bad value'}",
                          line=line)
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
    _check_plain(data, block)
    return {str(k): v for k, v in data.items()}


_TAG = re.compile(r"tag '([^']+)'")


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


MAX_DEPTH = 16


def _check_plain(data: dict, block: str, kind: str = "YAML") -> None:
    """Only plain values, nested at most MAX_DEPTH deep: no binary or set values, and
    no alias that repeats a list or mapping (a few lines of aliases can expand to
    billions of items, or to a loop).  Errors name the line of the top-level key."""
    lines = block.split("\n")
    containers = "lists or mappings" if kind == "YAML" else "arrays or tables"

    def line_of(key: str | None) -> int:
        for number, text in enumerate(lines, 2):
            m = _KEY.match(text)
            if m and m.group(1) == key and not text.startswith((" ", "\t")):
                return number
        return 1

    seen: set[int] = {id(data)}
    queue = deque((value, 1, str(key)) for key, value in data.items())
    while queue:  # breadth first, keys in order: the first repeat is the first alias
        value, depth, key = queue.popleft()
        if isinstance(value, (list, dict)):
            if id(value) in seen:
                raise SahifaError(f"invalid {kind} front matter: {key}: an alias (*name) "
                                  "repeats a list or mapping; write the value out instead",
                                  line=line_of(key))
            if depth >= MAX_DEPTH:
                raise SahifaError(f"invalid {kind} front matter: {key}: {containers} nested "
                                  f"more than {MAX_DEPTH} deep; flatten them",
                                  line=line_of(key))
            seen.add(id(value))
            queue.extend((v, depth + 1, key)
                         for v in (value.values() if isinstance(value, dict) else value))
        elif not isinstance(value, (str, int, float, bool, type(None), date, datetime, time)):
            what = "binary data" if isinstance(value, bytes) else f"a {type(value).__name__}"
            raise SahifaError(f"invalid {kind} front matter: {key}: {what} is not a plain "
                              "value; write text, numbers, lists and mappings",
                              line=line_of(key))


def _parse_toml(block: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(block + "\n")
    except tomllib.TOMLDecodeError as exc:
        msg, line = toml_problem(exc)
        raise SahifaError(f"invalid TOML front matter: {msg}",
                          line=line + 1 if line is not None else 1)
    except RecursionError:
        raise SahifaError(f"invalid TOML front matter: arrays or tables nested more than "
                          f"{MAX_DEPTH} deep; flatten them", line=1) from None
    _check_plain(data, block, "TOML")
    return data


def _kind(value) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, (datetime, date, time)):
        return "date"
    return "scalar"
