"""Read the YAML subset our deployment files use, with the standard library only (PyYAML is no dependency).

Supported: `---` documents, comments, block mappings and sequences (including `- key: value` items), literal
blocks (`|`), flow lists of scalars (`[a, "b"]`), `{}`, and plain, quoted, integer and boolean scalars. Anything
else raises ValueError, so a file outside the subset fails its test rather than being half-read.
"""

from __future__ import annotations

import json
import re
from typing import Any

_KEY = re.compile(r"^([A-Za-z0-9_.\-/]+):(?: (.*))?$")


def load_all(text: str) -> list[Any]:
    """Parse every document of `text`."""
    documents, current = [], []
    for raw in text.splitlines():
        if raw.strip() == "---":
            documents.append(current)
            current = []
        else:
            current.append(raw)
    documents.append(current)
    return [_Parser(lines).parse() for lines in documents if any(_content(line) for line in lines)]


def _content(line: str) -> str:
    """The line without a trailing comment (outside quotes) and trailing spaces."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
    return line.rstrip()


def scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text == "{}":
        return {}
    if text.startswith("["):
        inner = text[1:-1].strip()
        return [scalar(part) for part in _split(inner)] if inner else []
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text[:1] in "{&*!|>":
        raise ValueError(f"outside the supported subset: {text}")
    return text


def _split(inner: str) -> list[str]:
    parts, quote, start = [], "", 0
    for i, char in enumerate(inner):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == ",":
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.raw = lines
        self.lines = [(len(line) - len(line.lstrip(" ")), _content(line).strip(), n) for n, line in enumerate(lines)]
        self.lines = [entry for entry in self.lines if entry[1]]
        self.pos = 0

    def parse(self) -> Any:
        return self.block(self.lines[0][0])

    def block(self, indent: int) -> Any:
        if self.lines[self.pos][1].startswith("- ") or self.lines[self.pos][1] == "-":
            return self.sequence(indent)
        return self.mapping(indent)

    def sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while self.pos < len(self.lines) and self.lines[self.pos][0] == indent and self.lines[self.pos][1][:1] == "-":
            _, text, _ = self.lines[self.pos]
            rest = text[2:].strip()
            if _KEY.match(rest):  # "- key: value": a mapping whose keys sit two columns further in
                self.lines[self.pos] = (indent + 2, rest, self.lines[self.pos][2])
                items.append(self.mapping(indent + 2))
            else:
                self.pos += 1
                items.append(scalar(rest))
        return items

    def mapping(self, indent: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.pos < len(self.lines) and self.lines[self.pos][0] == indent:
            _, text, number = self.lines[self.pos]
            match = _KEY.match(text)
            if not match:
                raise ValueError(f"line {number + 1}: not a 'key: value' line: {text}")
            key, value = match.group(1), (match.group(2) or "").strip()
            self.pos += 1
            if value == "|":
                out[key] = self.literal(indent, number)
            elif value:
                out[key] = scalar(value)
            elif self.pos < len(self.lines) and self.lines[self.pos][0] > indent:
                out[key] = self.block(self.lines[self.pos][0])
            elif (
                self.pos < len(self.lines) and self.lines[self.pos][0] == indent and self.lines[self.pos][1][:1] == "-"
            ):
                out[key] = self.sequence(indent)
            else:
                out[key] = None
        if self.pos < len(self.lines) and self.lines[self.pos][0] > indent:
            raise ValueError(f"line {self.lines[self.pos][2] + 1}: unexpected indentation")
        return out

    def literal(self, indent: int, number: int) -> str:
        """Read a `|` block from the raw lines (comments and blank lines inside it are text)."""
        body: list[str] = []
        n = number + 1
        while n < len(self.raw) and (
            not self.raw[n].strip() or len(self.raw[n]) - len(self.raw[n].lstrip(" ")) > indent
        ):
            body.append(self.raw[n])
            n += 1
        while self.pos < len(self.lines) and self.lines[self.pos][2] < n:
            self.pos += 1
        while body and not body[-1].strip():
            body.pop()
        cut = min(len(line) - len(line.lstrip(" ")) for line in body if line.strip())
        return "\n".join(line[cut:] for line in body) + "\n"
