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

import base64
import hashlib
import html  # the standard library's: absolute imports never pick this module
from collections import Counter
from dataclasses import asdict
from typing import Iterator, TextIO

from ..types import TYPES, DocumentDone, Entity, SentenceResult
from . import PerDocumentWriter, source_name
from .bidi import CONTROL_NAMES, CONTROLS
from .formats import DirectoryWriter, Summary

TITLE = "arner: entities"
TYPE_NAMES = {"PERS": "person", "LOC": "location", "ORG": "organization", "MISC": "miscellaneous"}

_CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #6b6b70; --rule: #e3e3e8; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 32px; color: var(--ink); background: #fafafa;
  font: 19px/1.9 "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Geeza Pro", "Segoe UI",
  Tahoma, "DejaVu Sans", sans-serif; }
h1 { font-size: 22px; margin: 0 0 16px; }
.doc { background: #fff; border: 1px solid var(--rule); border-radius: 8px; margin: 0 0 20px;
  padding: 12px 20px 16px; }
.doc h2 { font: 600 14px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted);
  margin: 0 0 8px; }
.doc h2 bdi, .name { unicode-bidi: isolate; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; margin: 0; }
mark { unicode-bidi: isolate; color: inherit; background: var(--bg, #e4e4e4);
  border-radius: 4px; padding: 1px 3px; box-decoration-break: clone;
  -webkit-box-decoration-break: clone; cursor: help; }
mark::after { content: attr(data-type); font: 700 10px/1 "DejaVu Sans", sans-serif;
  letter-spacing: .04em; color: #0008; margin-inline-start: 4px; vertical-align: 1px; }
mark.off { background: none; padding: 0; }
mark.off::after { content: none; }
.t-PERS { --bg: #f6c9ea; } .t-LOC { --bg: #c9efc0; } .t-ORG { --bg: #bfe4f6; } .t-MISC { --bg: #fbe6a2; }
.ctl { unicode-bidi: isolate; }
.ctl::before { content: attr(data-name); font: 10px/1 "DejaVu Sans Mono", monospace;
  color: #a00; border: 1px solid #a00; border-radius: 3px; padding: 0 2px; direction: ltr; }
.none { color: var(--muted); font-size: 15px; }
table { border-collapse: collapse; font-size: 16px; line-height: 1.5; }
th, td { padding: 4px 12px; border-bottom: 1px solid var(--rule); text-align: start; }
th { font: 600 13px/1.4 "DejaVu Sans", sans-serif; color: var(--muted); }
.n { text-align: end; font-variant-numeric: tabular-nums; }
.legend { position: sticky; bottom: 0; background: #fffffff0; border: 1px solid var(--rule);
  border-radius: 8px; padding: 8px 12px; margin: 0 0 20px; display: flex; flex-wrap: wrap;
  gap: 8px; align-items: center; font: 14px/1.4 "DejaVu Sans", sans-serif; }
.legend button { font: inherit; border: 1px solid #0002; border-radius: 6px; padding: 3px 10px;
  background: var(--bg, #e4e4e4); cursor: pointer; }
.legend button[aria-pressed="false"] { background: #fff; color: var(--muted); text-decoration: line-through; }
.summary h2, .legend .label { font: 600 14px/1.4 "DejaVu Sans", sans-serif; color: var(--muted); }
"""

# Toggles every mark of the clicked type; the button says whether the type is shown.
_SCRIPT = """
document.querySelectorAll(".legend button[data-type]").forEach(function (button) {
  button.addEventListener("click", function () {
    var shown = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    document.querySelectorAll("mark").forEach(function (mark) {
      if (mark.getAttribute("data-type") === button.getAttribute("data-type")) {
        mark.classList.toggle("off", !shown);
      }
    });
  });
});
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
CSP = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"


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
    tooltip = f"{kind}, {_number(score)}, {start}-{end}"
    return (
        f'<mark dir="auto" class="{_type_class(kind)}" data-type="{_attr(kind)}" data-start="{_attr(start)}" '
        f'data-end="{_attr(end)}" data-score="{_attr(score)}" title="{_attr(tooltip)}">{escape_text(shown)}</mark>'
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
        f"<tr><td>{_mark(e, str(e.get('text', '')))}</td><td class=n>{_attr(e.get('line', ''))}</td>"
        f"<td class=n>{_attr(e.get('start', ''))}-{_attr(e.get('end', ''))}</td>"
        f"<td class=n>{_number(e.get('score'))}</td></tr>"
        for e in entities
    )
    return (
        '<table class="entities"><thead><tr><th>Entity</th><th class=n>Line</th><th class=n>Offsets</th><th class=n>Score</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def page_start(title: str) -> str:
    """The page up to its first document: head, inline CSS, heading."""
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<h1><bdi class="name">{escape_text(title)}</bdi></h1>\n'
    )


def document_section(source: str, text: str | None, entities: list[dict]) -> str:
    """One document as one string (see `document_parts`)."""
    return "".join(document_parts(source, text, entities))


# The most characters of text escaped into one string: a 50 MB line goes out in pieces.
PIECE = 1 << 16


def document_parts(source: str, text: str | None, entities: list[dict]) -> Iterator[str]:
    """One document, in pieces of bounded size: its name, then its text with every entity a `<mark>`.

    Entities that cannot be placed (offsets out of range, text not matching the
    document, overlapping an earlier one) are listed under the text rather than
    dropped. Without the text (source not readable), the entity list alone.
    """
    yield f'<section class="doc">\n<h2><bdi>{escape_text(source_name(source))}</bdi></h2>\n'
    if text is None:
        if not entities:
            yield '<p class="none">No entities found; the source text is not available.</p>\n</section>\n'
            return
        yield '<p class="none">The source text is not available; its entities:</p>\n'
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
        yield '<p class="none">No entities found.</p>\n'
    if skipped:
        yield (
            f'<details class="skipped"><summary class="none">{len(skipped)} '
            f'entit{"y" if len(skipped) == 1 else "ies"} not matching this text</summary>\n'
            + _entity_table(skipped) + "\n</details>\n"
        )
    yield "</section>\n"


def _escaped_pieces(text: str, start: int, end: int) -> Iterator[str]:
    # A CR LF pair split between two pieces is still two escaped characters: pieces are escaped alone safely.
    for first in range(start, end, PIECE):
        yield escape_text(text[first : min(end, first + PIECE)])


def page_end(counts: dict[str, int], summary: list[dict] | None) -> str:
    """The legend (per-type counts; click a type to hide or show it), the summary, the end."""
    kinds = [k for k in TYPES if k in counts] + sorted(k for k in counts if k not in TYPES)
    buttons = "".join(
        f'<button type="button" class="{_type_class(kind)}" data-type="{_attr(kind)}" aria-pressed="true" '
        f'title="{_attr(TYPE_NAMES.get(kind, kind))}: click to hide or show">{escape_text(kind)} '
        f"<b>{int(counts[kind])}</b></button>"
        for kind in kinds
    )
    total = sum(int(count) for count in counts.values())
    legend = (
        f'<nav class="legend"><span class="label" dir="ltr">{total} entit{"y" if total == 1 else "ies"}</span>'
        f"{buttons}</nav>\n"
    )
    table = ""
    if summary is not None:
        rows = "".join(
            f'<tr><td><mark dir="auto" class="{_type_class(str(row["type"]))}" data-type="{_attr(row["type"])}">'
            f'{escape_text(str(row["text"]))}</mark></td><td><bdi>{escape_text(str(row["normalized"]))}</bdi></td>'
            f'<td class=n>{int(row["count"])}</td><td class=n>{int(row["documents"])}</td></tr>'
            for row in summary
        )
        table = (
            '<section class="summary"><h2>Entities across documents</h2>\n<table><thead><tr>'
            "<th>Entity</th><th>Normalized</th><th class=n>Mentions</th><th class=n>Documents</th></tr></thead>\n"
            f"<tbody>{rows}</tbody></table></section>\n"
        )
    return table + legend + f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"


class HtmlWriter(PerDocumentWriter):
    """The page on stdout: its head at once, each document as it ends, the legend at the close."""

    needs_text = True

    def __init__(self, out: TextIO, summary: Summary | None = None) -> None:
        super().__init__()
        self.out = out
        self.summary = summary
        self.counts: Counter[str] = Counter()
        out.write(page_start(TITLE))

    def sentence(self, result: SentenceResult) -> None:
        super().sentence(result)
        if self.summary is not None:
            self.summary.sentence(result)

    def finished(self, done: DocumentDone, entities: list[Entity]) -> None:
        self.counts.update(entity.type for entity in entities)
        for piece in document_parts(done.document.source, done.text, [e.to_dict() for e in entities]):
            self.out.write(piece)
        self.out.flush()

    def close(self) -> None:
        rows = [asdict(row) for row in self.summary.rows()] if self.summary is not None else None
        self.out.write(page_end(dict(self.counts), rows))
        self.out.flush()


class HtmlDirectoryWriter(DirectoryWriter):
    """`-f html -o DIR`: one page per input, `<input>.html`."""

    suffix = ".html"
    needs_text = True

    def render(self, done: DocumentDone, entities: list[Entity]) -> str:
        source = done.document.source
        counts = Counter(entity.type for entity in entities)
        return page_start(source) + document_section(source, done.text, [e.to_dict() for e in entities]) + page_end(
            dict(counts), None
        )
