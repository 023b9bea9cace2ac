"""`-f html`: one self-contained page for a run, each document's text with its entities marked.

The page streams: `page_start()` once, `document_parts()` for each document as
it finishes (in pieces of bounded size), `page_end()` once with the per-type counts (the legend, which also
toggles types on and off) and the `--summary` rows. Nothing is fetched: CSS and
one small script are inline, and a Content-Security-Policy lets only that script
run, so even markup that escaped escaping could not execute.

All user text (source names, document text, entities) is escaped. Bidi
embedding, override and isolate controls and marks (U+202A-U+202E,
U+2066-U+2069, U+200E, U+200F, U+061C) stay in the text but are shown as a
small label and isolated, so they cannot reorder
anything around them; every document, mark and name is its own bidi isolate.
"""

from __future__ import annotations

import html  # the standard library's: absolute imports never pick this module
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from typing import TextIO

from ..types import TYPES, DocumentDone, Entity, SentenceResult
from . import PerDocumentWriter, entity_count, source_name
from .bidi import CONTROL_NAMES, CONTROLS
from .formats import DirectoryWriter, Summary
from .page_assets import CSP, CSS, SCRIPT

TITLE = "arner: entities"


def title_for(names: list[str]) -> str:
    """The page's `<title>`: what was read (the first few inputs, `<stdin>` for -)."""
    if not names:
        return TITLE
    shown = ", ".join(source_name(name) for name in names[:3])
    return f"arner: {shown}" + (f" and {len(names) - 3} more" if len(names) > 3 else "")


TYPE_NAMES = {"PERS": "person", "LOC": "location", "ORG": "organization", "MISC": "miscellaneous"}

# Marks scored below this are drawn outlined, not filled; the legend says so.
LOW_SCORE = 0.5


def _attr(value: object) -> str:
    """An attribute value, escaped for double quotes."""
    return "" if value is None else html.escape(str(value), quote=True)


def escape_text(value: str) -> str:
    """User text as HTML: escaped; CR kept; each bidi control shown and isolated."""
    escaped = html.escape(value, quote=False).replace("\r", "&#13;")
    return CONTROLS.sub(
        lambda m: f'<span class="ctl" data-name="{CONTROL_NAMES[m.group()]}">{m.group()}</span>', escaped
    )


def _type_class(kind: str) -> str:
    return f"t-{kind}" if kind in TYPES else "t-other"


def _number(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "?"


def _mark(entity: dict, shown: str) -> str:
    kind = str(entity.get("type", ""))
    start, end, score = entity.get("start"), entity.get("end"), entity.get("score")
    details = f"{TYPE_NAMES.get(kind, kind)} ({kind}), score {_number(score)}, characters {start}-{end}"
    low = " low" if isinstance(score, (int, float)) and score < LOW_SCORE else ""
    return (
        f'<mark dir="auto" tabindex="0" class="{_type_class(kind)}{low}" data-type="{_attr(kind)}" '
        f'data-start="{_attr(start)}" data-end="{_attr(end)}" data-score="{_attr(score)}" '
        f'title="{_attr(f"{kind}, {_number(score)}, {start}-{end}")}" data-details="{_attr(details)}">'
        f"{escape_text(shown)}</mark>"
    )


def placeable(entities: list[dict], document: str) -> tuple[list[dict], list[dict]]:
    """Entities that can be marked (in range, matching the text, not overlapping) and the rest."""
    placed: list[dict] = []
    skipped = [e for e in entities if not _fits(e, document)]
    cursor = 0
    for entity in sorted((e for e in entities if _fits(e, document)), key=lambda e: (e["start"], e["end"])):
        if entity["start"] < cursor:
            skipped.append(entity)
        else:
            placed.append(entity)
            cursor = entity["end"]
    return placed, skipped


def _fits(entity: dict, document: str) -> bool:
    """In range, and (when the entity says its text) `text == document[start:end]`."""
    start, end, mention = entity.get("start"), entity.get("end"), entity.get("text")
    if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(document):
        return False
    return mention is None or document[start:end] == mention


def _entity_table(entities: list[dict]) -> str:
    rows = "".join(
        f"<tr><td>{_mark(e, str(e.get('text', '')))}</td><td>{_attr(e.get('type', ''))}</td>"
        f"<td class=n>{_attr(e.get('line', ''))}</td>"
        f"<td class=n>{_attr(e.get('start', ''))}-{_attr(e.get('end', ''))}</td>"
        f"<td class=n>{_number(e.get('score'))}</td></tr>"
        for e in entities
    )
    return (
        '<table class="entities"><thead><tr><th>Entity</th><th>Type</th><th class=n>Line</th><th class=n>Offsets</th><th class=n>Score</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def page_start(title: str) -> str:
    """The page up to its first document: head, inline CSS, heading."""
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<h1><bdi class="name">{escape_text(title)}</bdi></h1>\n'
    )


def document_section(source: str, text: str | None, entities: list[dict], number: int = 1) -> str:
    """One document as one string (see `document_parts`)."""
    return "".join(document_parts(source, text, entities, number))


# The most characters of text escaped into one string: a 50 MB line goes out in pieces.
PIECE = 1 << 16


def document_parts(source: str, text: str | None, entities: list[dict], number: int = 1) -> Iterator[str]:
    """One document, in pieces of bounded size: its name, then its text with every entity a `<mark>`.

    Entities that cannot be placed (offsets out of range, text not matching the
    document, overlapping an earlier one) are listed under the text rather than
    dropped. Without the text (source not readable), the entity list alone.
    The section's id is `doc-NUMBER`, for the list of documents.
    """
    yield f'<section class="doc" id="doc-{int(number)}">\n<h2><bdi>{escape_text(source_name(source))}</bdi></h2>\n'
    if text is None:
        if not entities:
            yield '<p class="none" dir="ltr">No entities found; the source text is not available.</p>\n</section>\n'
            return
        yield '<p class="none" dir="ltr">The source text is not available; its entities:</p>\n'
        yield _entity_table(entities) + "\n</section>\n"
        return
    placed, skipped = placeable(entities, text)
    yield '<div class="text">'
    cursor = 0
    for entity in placed:
        yield from _escaped_pieces(text, cursor, entity["start"])
        yield _mark(entity, text[entity["start"] : entity["end"]])
        cursor = entity["end"]
    yield from _escaped_pieces(text, cursor, len(text))
    yield "</div>\n"
    if not entities:
        yield '<p class="none" dir="ltr">No entities found.</p>\n'
    if skipped:
        yield (
            f'<details class="skipped"><summary class="none" dir="ltr">{entity_count(len(skipped))} '
            "not matching this text</summary>\n" + _entity_table(skipped) + "\n</details>\n"
        )
    yield "</section>\n"


def _escaped_pieces(text: str, start: int, end: int) -> Iterator[str]:
    # A CR LF pair split between two pieces is still two escaped characters: pieces are escaped alone safely.
    for first in range(start, end, PIECE):
        yield escape_text(text[first : min(end, first + PIECE)])


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {int(counts[kind])}" for kind in _kinds(counts))


def _kinds(counts: dict[str, int]) -> list[str]:
    return [k for k in TYPES if k in counts] + sorted(k for k in counts if k not in TYPES)


def page_end(
    counts: dict[str, int],
    summary: list[dict] | None,
    documents: list[tuple[str, dict[str, int]]] | None = None,
    model: str | None = None,
) -> str:
    """The run's facts, the list of documents, the legend (per-type counts, click a type to hide or
    show it; a score filter), the summary, the end.

    They come last because only now are the counts known; the page's CSS shows the facts, the list
    and the legend at the top. `documents` is (source, counts by type) for each section, in order.
    """
    total = sum(int(count) for count in counts.values())
    table = _summary_table(summary) if summary is not None else ""
    facts = _facts(len(documents), total, model) if documents is not None else ""
    toc = _contents(documents) if documents is not None and len(documents) > 1 else ""
    detail = '<div class="detail" role="status" aria-live="polite" dir="ltr"></div>\n'
    return table + facts + toc + _legend(counts, total) + detail + f"<script>{SCRIPT}</script>\n</body>\n</html>\n"


def _legend(counts: dict[str, int], total: int) -> str:
    """Per-type counts as buttons that hide or show the type, the outline's key, the score slider."""
    buttons = "".join(
        f'<button type="button" class="{_type_class(kind)}" data-type="{_attr(kind)}" aria-pressed="true" '
        f'title="{_attr(TYPE_NAMES.get(kind, kind))}: click to hide or show">{escape_text(kind)} '
        f"<b>{int(counts[kind])}</b></button>"
        for kind in _kinds(counts)
    )
    return (
        f'<nav class="legend" aria-label="entity types"><span class="label" dir="ltr">{entity_count(total)}</span>{buttons}'
        f'<span dir="ltr"><span class="low-key">outlined</span>: score below {LOW_SCORE:.2f}</span>'
        '<label dir="ltr">hide scores below <input type="range" min="0" max="1" step="0.05" value="0">'
        "<output>0.00</output></label></nav>\n"
    )


def _facts(documents: int, total: int, model: str | None) -> str:
    """The run in a line: how many documents and entities, and which model."""
    return (
        f'<p class="facts" dir="ltr">{documents} document{"" if documents == 1 else "s"}, '
        f"{entity_count(total)}{f', model {escape_text(model)}' if model else ''}</p>\n"
    )


def _contents(documents: list[tuple[str, dict[str, int]]]) -> str:
    """The list of documents, each a link to its section with its counts by type."""
    items = "".join(
        f'<li><a href="#doc-{number}"><bdi>{escape_text(source_name(source))}</bdi></a>'
        f'<span class="counts" dir="ltr">{_counts(kinds) or "no entities"}</span></li>'
        for number, (source, kinds) in enumerate(documents, 1)
    )
    return f'<nav class="toc" aria-label="documents"><ol>{items}</ol></nav>\n'


def _summary_table(summary: list[dict]) -> str:
    """`--summary`: each distinct entity with its mentions and documents."""
    rows = "".join(
        f'<tr><td><mark dir="auto" class="{_type_class(str(row["type"]))}" data-type="{_attr(row["type"])}">'
        f"{escape_text(str(row['text']))}</mark></td><td>{_attr(row['type'])}</td>"
        f"<td class=n>{int(row['count'])}</td><td class=n>{int(row['documents'])}</td></tr>"
        for row in summary
    )
    return (
        '<section class="summary"><h2 dir="ltr">Entities across documents</h2>\n<table><thead><tr>'
        "<th>Entity</th><th>Type</th><th class=n>Mentions</th><th class=n>Documents</th></tr></thead>\n"
        f"<tbody>{rows}</tbody></table></section>\n"
    )


class HtmlWriter(PerDocumentWriter):
    """The page on stdout: its head at once, each document as it ends, the legend at the close."""

    needs_text = True

    def __init__(self, out: TextIO, summary: Summary | None = None, title: str = TITLE) -> None:
        super().__init__()
        self.out = out
        self.summary = summary
        self.counts: Counter[str] = Counter()
        self.documents: list[tuple[str, dict[str, int]]] = []
        self.model_description: str | None = None
        out.write(page_start(title))

    def model(self, description: str) -> None:
        self.model_description = description

    def sentence(self, result: SentenceResult) -> None:
        super().sentence(result)
        if self.summary is not None:
            self.summary.sentence(result)

    def document(self, done: DocumentDone) -> None:
        super().document(done)
        if self.summary is not None:
            self.summary.document(done)

    def finished(self, done: DocumentDone, entities: list[Entity]) -> None:
        kinds = Counter(entity.type for entity in entities)
        self.counts.update(kinds)
        self.documents.append((done.document.source, dict(kinds)))
        parts = document_parts(done.document.source, done.text, [e.to_dict() for e in entities], len(self.documents))
        for piece in parts:
            self.out.write(piece)
        self.out.flush()

    def close(self) -> None:
        rows = [asdict(row) for row in self.summary.rows()] if self.summary is not None else None
        self.out.write(page_end(dict(self.counts), rows, self.documents, self.model_description))
        self.out.flush()


class HtmlDirectoryWriter(DirectoryWriter):
    """`-f html -o DIR`: one page per input, `<input>.html`."""

    suffix = ".html"
    needs_text = True

    def render(self, done: DocumentDone, entities: list[Entity]) -> str:
        source = done.document.source
        counts = Counter(entity.type for entity in entities)
        return (
            page_start(f"arner: {source_name(source)}")
            + document_section(source, done.text, [e.to_dict() for e in entities])
            + page_end(dict(counts), None)
        )
