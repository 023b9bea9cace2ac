"""`arner view`: the HTML page again, from saved `-f json` output, without running a model.

Each document's text is read back from its source file when that is still a
readable file (decoded with the recorded encoding); otherwise the page lists
the document's entities alone. Marks are placed only where the text still
matches, so an edited source shows its stale entities in a list, not misplaced.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TextIO

from ..errors import NotArnerOutput
from .html import TITLE, document_section, page_end, page_start

_EXPECTED = "expected the output of `arner extract -f json`: an array of {source, encoding, entities}"


def parse(data: bytes, name: str) -> list[dict]:
    """The documents of saved `-f json` output; NotArnerOutput if it is something else."""
    try:
        documents = json.loads(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise NotArnerOutput(f"{name}: not JSON ({error})", _EXPECTED) from None
    if not isinstance(documents, list) or not all(_is_document(document) for document in documents):
        raise NotArnerOutput(f"{name}: not arner's JSON output", _EXPECTED)
    return documents


def _is_document(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("source"), str)
        and isinstance(value.get("encoding"), str)
        and isinstance(value.get("entities"), list)
        and all(isinstance(entity, dict) and isinstance(entity.get("type"), str) for entity in value["entities"])
    )


def source_text(source: str, encoding: str) -> str | None:
    """The source's text as `extract` decoded it, or None when it cannot be read now."""
    path = Path(source)
    # Only regular files: stdin ("-") is gone, and reading a FIFO would wait forever.
    if source == "-" or not path.is_file():
        return None
    try:
        text = path.read_bytes().decode(encoding)
    except (OSError, LookupError, UnicodeDecodeError):
        return None
    # Offsets count from after a byte-order mark; codecs such as utf-16-le keep it.
    return text.removeprefix("\ufeff")


def write_page(documents: list[dict], out: TextIO) -> None:
    """The same page as `extract -f html` (without `--summary`), one document at a time."""
    out.write(page_start(TITLE))
    counts: Counter[str] = Counter()
    for document in documents:
        entities = document["entities"]
        counts.update(entity["type"] for entity in entities)
        out.write(document_section(document["source"], source_text(document["source"], document["encoding"]), entities))
    out.write(page_end(dict(counts), None))
    out.flush()
