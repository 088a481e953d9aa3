"""File paths in a request: the data file, the schema and the output, told apart by the words before each.

A path is a quoted string or a bare word ending with a data extension (``data/x.csv``, ``'my data.csv'``,
``./a b/data.csv``, ``source=data/x.csv``). The words before a path say its role:
``schema`` / ``data dictionary`` make it the schema, ``save to`` / ``write into`` / ``out=`` the output; the
rest are data files. Found paths are blanked out of the text so that no later reader sees them again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DATA_EXTENSIONS = ("csv", "parquet", "jsonl", "ndjson", "json", "txt", "tsv")

_I = re.IGNORECASE
_EXT = "|".join(DATA_EXTENSIONS)
HAS_EXT = re.compile(rf"\.(?:{_EXT})$", _I)
_QUOTED = re.compile(r"\"([^\"]+)\"|(?<![\w])'([^']+)'(?![\w])|“([^”]+)”|‘([^’]+)’|`([^`]+)`")
_ROOT = re.compile(r"^(?:/|\./|\.\./|~|[A-Za-z]:[\\/])")
_SCHEMA_CTX = re.compile(r"(?:\bschema(?:[_ ]path)?|\bdata\s+dictionary|\bdictionary|\bmetadata|\bcodebook)"
                         r"(?:\s+(?:file|path|from|at|in|is|of))*\s*[=:]?\s*$", _I)
_OUT_CTX = re.compile(r"(?:\b(?:save|write|export|store|put|dump|send)\s+(?:(?:it|them|(?:the\s+)?(?:results?|"
                      r"output|synthetic\s+(?:data|rows|table|texts?|version|copy)|scrubbed\s+(?:file|data|table|"
                      r"copy|version)|clean\s+(?:file|copy|version)|data|rows|table|file|copy|version))\s+)?"
                      r"(?:(?:to|as|into|in|at|under)\s*)?"
                      r"|\bout(?:put)?(?:[_ ](?:path|file))?\s*(?:=|:|to|is)?\s*|\binto\s+|(?:->|→|=>)\s*)$", _I)
_TO_CTX = re.compile(r"(?:\b(?:to|as|into)|->|→|=>)\s*$", _I)


@dataclass
class Paths:
    """The paths of a request by role."""

    data: list[str] = field(default_factory=list)
    schema: str | None = None
    out: str | None = None


class Blankable:
    """The request with the parts already understood blanked out, so later rules cannot re-read them."""

    def __init__(self, sentence: str) -> None:
        self.original = sentence
        self.text = sentence

    def blank(self, start: int, end: int) -> None:
        """Replace ``text[start:end]`` with spaces (offsets stay valid)."""
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


def _candidates(state: Blankable) -> list[tuple[int, int, str]]:
    """Find quoted or bare paths ending with a data extension, as ``(start, end, path)``."""
    found: list[tuple[int, int, str]] = []
    for match in _QUOTED.finditer(state.text):
        inner = next(g for g in match.groups() if g is not None).strip()
        if HAS_EXT.search(inner):
            found.append((match.start(), match.end(), inner))
            state.blank(match.start(), match.end())
    tokens = list(re.finditer(r"\S+", state.text))
    for i, token in enumerate(tokens):
        raw, start = token.group(), token.start()
        if "=" in raw:
            start += raw.rindex("=") + 1
            raw = raw[raw.rindex("=") + 1:]
        stripped = raw.lstrip("(<[")
        start += len(raw) - len(stripped)
        stripped = re.sub(r"[,;:!?)\]>]+$", "", stripped)
        if stripped.endswith(".") and HAS_EXT.search(stripped[:-1]):
            stripped = stripped[:-1]
        stripped = re.sub(r"'s$", "", stripped)
        if not HAS_EXT.search(stripped):
            continue
        path, first = stripped, start
        j = i - 1  # an unquoted path with spaces ("./a b/data.csv"): extend left over path-like words
        while j >= 0 and not _ROOT.match(path):
            prev = tokens[j].group()
            if not re.search(r"[/\\]", prev) or re.search(r"[,;:]$", prev) or HAS_EXT.search(prev):
                break
            path, first = f"{prev} {path}", tokens[j].start()
            j -= 1
        if path != stripped and not Path(path).expanduser().exists() and Path(stripped).expanduser().exists():
            path, first = stripped, start
        found.append((first, start + len(stripped), path))
    for start, end, _ in found:
        state.blank(start, end)
    return sorted(found)


def read_paths(state: Blankable) -> Paths:
    """Split the request's paths into data files, the schema and the output, and blank them out.

    A second data file right after ``to`` / ``as`` / ``into`` / ``->`` is the output
    (``scrub a.csv into b.csv``).

    Args:
        state: The request; its found paths are blanked.

    Returns:
        The paths by role.
    """
    paths = Paths()
    previous_end = 0
    for start, end, path in _candidates(state):
        context = state.original[previous_end:start][-60:]
        if _SCHEMA_CTX.search(context) and paths.schema is None:
            paths.schema = path
        elif paths.out is None and (_OUT_CTX.search(context) or (paths.data and _TO_CTX.search(context))):
            paths.out = path
        elif path not in paths.data:
            paths.data.append(path)
        previous_end = end
    return paths


def out_folder(text: str) -> str | None:
    """An output path without a data extension (``save to results/``, ``out=runs/x``), if path-like."""
    for match in re.finditer(r"(?<!\w)(?:out(?:put)?(?:\s+(?:path|file|dir(?:ectory)?|folder))?\s*(?:=|:|to|in)?|"
                             r"(?:save|write|export|store)\s+(?:it\s+|them\s+)?(?:to|as|into|in|at))\s*"
                             r"(?:\"(?P<q1>[^\"]+)\"|'(?P<q2>[^']+)'|"
                             r"(?P<bare>(?=[^\s,;\"']*\w)[^\s,;\"']*[/\\.][^\s,;\"']*))", text, _I):
        value = match.group("q1") or match.group("q2") or match.group("bare")
        return value[:-1] if value.endswith(".") and not value.endswith("..") and "/" not in value[-2:] else value
    return None
