"""`arner view`: the HTML page again, from saved `-f json` output, without running a model.

What it reads is checked first: anything but what `extract -f json` writes
(a type outside PERS/LOC/ORG/MISC, offsets that are not its text's) is refused
with one line naming the document and entity. Each document's text is read
back from its source file when that is still a readable file (decoded with the
recorded encoding); otherwise the page lists the document's entities alone.
Marks are placed only where the text still matches, so an edited source shows
its stale entities in a list, not misplaced. Either way stderr says so.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeGuard

from ..errors import NotArnerOutput
from ..types import TYPES
from . import entity_count, source_name
from .html import TITLE, document_parts, page_end, page_start, placeable

_EXPECTED = "expected the output of `arner extract -f json`: an array of {source, encoding, entities}"


def parse(data: bytes, name: str) -> list[dict]:
    """The documents of saved `-f json` output; NotArnerOutput, naming the first fault, if it is something else."""
    try:
        documents = json.loads(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise NotArnerOutput(f"{name}: not JSON ({error})", _EXPECTED) from None
    if not isinstance(documents, list):
        raise NotArnerOutput(f"{name}: not arner's JSON output (not an array)", _EXPECTED)
    for number, document in enumerate(documents, 1):
        fault = _document_fault(document)
        if fault:
            raise NotArnerOutput(f"{name}: not arner's JSON output (document {number}: {fault})", _EXPECTED)
    return documents


def _document_fault(value: object) -> str | None:
    """What makes `value` not a document `extract -f json` writes, or None."""
    if not isinstance(value, dict):
        return "not an object"
    for key in ("source", "encoding"):
        if not isinstance(value.get(key), str):
            return f"no {key}"
    if not isinstance(value.get("entities"), list):
        return "no entities"
    for number, entity in enumerate(value["entities"], 1):
        fault = _entity_fault(entity)
        if fault:
            return f"entity {number}: {fault}"
    return None


def _integer(value: object) -> TypeGuard[int]:
    return type(value) is int  # not a bool


def _number(value: object) -> TypeGuard[int | float]:
    return type(value) in (int, float)  # not a bool


def _entity_fault(entity: object) -> str | None:
    if not isinstance(entity, dict):
        return "not an object"
    kind, text, start, end, score = (entity.get(k) for k in ("type", "text", "start", "end", "score"))
    if kind not in TYPES:
        return f"type {json.dumps(kind, ensure_ascii=False)[:40]} is not one of {', '.join(TYPES)}"
    if not isinstance(text, str) or not text:
        return "no text"
    if not (_integer(start) and _integer(end) and 0 <= start < end and end - start == len(text)):
        return "start and end are not the offsets of its text"
    if not _integer(entity.get("line")) or entity["line"] < 1:
        return "no line"
    if not _number(score) or not 0 <= score <= 1:
        return "score is not a probability"
    return None


def source_text(source: str, encoding: str) -> tuple[str | None, str]:
    """The source's text as `extract` decoded it, or (None, why it cannot be read now)."""
    path = Path(source)
    # Only regular files: stdin ("-") is gone, and reading a FIFO would wait forever.
    if source == "-":
        return None, "it was read from stdin"
    if not path.exists():
        return None, "the source file is missing"
    if not path.is_file():
        return None, "the source is not a regular file"
    try:
        text = path.read_bytes().decode(encoding)
    except OSError as error:
        return None, f"the source file cannot be read ({error.strerror or error})"
    except (LookupError, UnicodeDecodeError):
        return None, f"the source file no longer decodes as {encoding}"
    # Offsets count from after a byte-order mark; codecs such as utf-16-le keep it.
    return text.removeprefix("\ufeff"), ""


def write_page(
    documents: list[dict], out: TextIO, warn: Callable[[str], None] = lambda note: None, title: str = TITLE
) -> None:
    """The same page as `extract -f html` (without `--summary`), one document at a time.

    `warn` hears, for each document whose text is not there or has changed,
    what the page shows instead.
    """
    out.write(page_start(title))
    counts: Counter[str] = Counter()
    listed: list[tuple[str, dict[str, int]]] = []
    for number, document in enumerate(documents, 1):
        entities = document["entities"]
        kinds = Counter(entity["type"] for entity in entities)
        counts.update(kinds)
        listed.append((document["source"], dict(kinds)))
        source = document["source"]
        text, why = source_text(source, document["encoding"])
        name = source_name(source)
        if text is None:
            warn(f"{name}: {why}; the page lists its {entity_count(len(entities))} without the text")
        else:
            stale = len(placeable(entities, text)[1])
            if stale:
                warn(
                    f"{name}: changed since extraction: {stale} of {entity_count(len(entities))} no longer match "
                    "its text; the page lists them under the text, unmarked"
                )
        for piece in document_parts(source, text, entities, number):
            out.write(piece)
    out.write(page_end(dict(counts), None, listed))
    out.flush()
