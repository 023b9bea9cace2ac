"""The HTML page as a person sees it (headless Chromium), `arner view`, and Arabic for terminals.

Chromium tests load a copy of the page with a test-only script appended that
writes layout facts (innerText of each document, each mark's text and box) into
the DOM, read back through `--dump-dom`. They skip when Chromium is absent
(`.ci/run` installs it).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner

from arner.cli import cli
from arner.extractor import Extractor
from arner.inputs.sources import text_document
from arner.output import html as page
from arner.types import DocumentDone, SentenceResult

from ..helpers import SAMPLE_DATA

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="poppler is not installed (apt-get install poppler-utils)"
)

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1000,900",
]

DOC1 = "استقبل رئيس الوزراء مصطفى الكاظمي في مطار بغداد وفدا من الحشد الشعبي.\nوقال المتحدث باسم الحكومة إن الزيارة تستمر يومين."
DOC2 = "أعلنت الأمم المتحدة في جنيف أن الأمين العام أنطونيو غوتيريش سيزور القاهرة الأسبوع المقبل،\r\nحيث يلتقي وزير الخارجية المصري."
HOSTILE = (
    'مقال عن <script>window.__pwned = 1; alert(1)</script> و <img src=x onerror="window.__pwned = 2"> '
    "في بغداد & </mark> \"quoted\" 'single'\nVisit \u202eGoogle in London now.\nCall \u202eAcme at Paris."
)


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def entity(document: str, mention: str, kind: str, score: float = 0.9) -> dict:
    start = document.find(mention)
    assert start >= 0, mention
    return {
        "text": mention, "type": kind, "start": start, "end": start + len(mention),
        "line": document.count("\n", 0, start) + 1, "sentence": 0, "score": score, "normalized": mention,
    }


ENTITIES1 = [
    entity(DOC1, "مصطفى الكاظمي", "PERS", 0.98),
    entity(DOC1, "بغداد", "LOC", 0.95),
    entity(DOC1, "الحشد الشعبي", "ORG", 0.81),
    entity(DOC1, "الحكومة", "ORG", 0.55),
]
ENTITIES2 = [
    entity(DOC2, "الأمم المتحدة", "ORG", 0.97),
    entity(DOC2, "جنيف", "LOC", 0.93),
    entity(DOC2, "أنطونيو غوتيريش", "PERS", 0.99),
    entity(DOC2, "القاهرة", "LOC", 0.96),
    entity(DOC2, "المصري", "MISC", 0.7),
]
ENTITIES_HOSTILE = [
    entity(HOSTILE, "بغداد", "LOC"),
    entity(HOSTILE, "Google", "ORG"),
    entity(HOSTILE, "London", "LOC"),
    entity(HOSTILE, "\u202eAcme", "ORG"),
    entity(HOSTILE, "Paris", "LOC"),
]


def counts(*lists: list[dict]) -> dict[str, int]:
    result: dict[str, int] = {}
    for e in (e for entities in lists for e in entities):
        result[e["type"]] = result.get(e["type"], 0) + 1
    return result


def render(documents: list[tuple[str, str | None, list[dict]]], summary: list[dict] | None = None) -> str:
    body = "".join(page.document_section(source, text, entities) for source, text, entities in documents)
    return page.page_start(page.TITLE) + body + page.page_end(counts(*(d[2] for d in documents)), summary)


FACTS_SCRIPT = """
(function () {
  function rect(r) { return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }
  function box(m) { return rect(m.getBoundingClientRect()); }
  var out = {pwned: window.__pwned || 0, docs: [], legend: [], summaryRows: document.querySelectorAll(".summary tbody tr").length};
  document.querySelectorAll("section.doc").forEach(function (section) {
    var text = section.querySelector(".text");
    var doc = {source: section.querySelector("h2").innerText, text: text ? text.innerText : null,
      textContent: text ? text.textContent : null, marks: [], tableMarks: section.querySelectorAll("table mark").length,
      images: section.querySelectorAll("img").length, scripts: section.querySelectorAll("script").length};
    if (text) text.querySelectorAll("mark").forEach(function (m) {
      doc.marks.push({text: m.textContent, innerText: m.innerText, type: m.dataset.type, start: +m.dataset.start,
        end: +m.dataset.end, score: m.dataset.score, title: m.title, box: box(m), rects: m.getClientRects().length,
        pieces: Array.from(m.getClientRects()).map(rect)});
    });
    out.docs.push(doc);
  });
  document.querySelectorAll(".legend button").forEach(function (b) { out.legend.push(b.innerText); });
  out.lowKey = (document.querySelector(".legend .low-key") || {}).textContent;
  out.underlines = {};
  document.querySelectorAll(".text mark").forEach(function (m) { out.underlines[m.dataset.type] = getComputedStyle(m).borderBottomStyle; });
  out.legendBoxes = {};
  document.querySelectorAll(".legend button").forEach(function (b) { out.legendBoxes[b.dataset.type] = box(b); });
  var button = document.querySelector('.legend button[data-type="PERS"]');
  if (button) {
    button.click();
    out.hidden = Array.from(document.querySelectorAll('.text mark[data-type="PERS"]')).map(function (m) { return m.classList.contains("off"); });
    out.others = Array.from(document.querySelectorAll('.text mark:not([data-type="PERS"])')).map(function (m) { return m.classList.contains("off"); });
    button.click();
    out.shownAgain = Array.from(document.querySelectorAll('.text mark[data-type="PERS"]')).map(function (m) { return m.classList.contains("off"); });
  }
  out.width = {scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth};
  var legend = document.querySelector(".legend");
  out.legendBox = legend ? box(legend) : null;
  out.textBoxes = Array.from(document.querySelectorAll(".doc")).map(box);
  var first = document.querySelector(".text mark");
  if (first) { first.focus(); out.detail = document.querySelector(".detail").textContent; }
  var slider = document.querySelector(".legend input[type=range]");
  if (slider) {
    slider.value = "0.9";
    slider.dispatchEvent(new Event("input"));
    out.below = Array.from(document.querySelectorAll(".text mark.below")).map(function (m) { return m.textContent; });
  }
  var facts = document.createElement("div");
  facts.id = "facts";
  facts.textContent = encodeURIComponent(JSON.stringify(out));
  document.body.appendChild(facts);
})();
"""


def _with_facts_script(html_page: str) -> str:
    """A copy of the page whose CSP also lets the test script run."""
    digest = base64.b64encode(hashlib.sha256(FACTS_SCRIPT.encode()).digest()).decode()
    assert "script-src 'sha256-" in html_page
    html_page = html_page.replace("script-src 'sha256-", f"script-src 'sha256-{digest}' 'sha256-", 1)
    return html_page.replace("</body>", f"<script>{FACTS_SCRIPT}</script>\n</body>", 1)


def chromium(html_page: str, *args: str, width: int = 1000) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "page.html")
        path.write_text(html_page, encoding="utf-8")
        flags = [flag if not flag.startswith("--window-size") else f"--window-size={width},900" for flag in FLAGS]
        result = subprocess.run(
            [CHROMIUM, *flags, f"--user-data-dir={tmp}/profile", *args, path.as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


def layout(html_page: str, width: int = 1000) -> dict:
    dom = chromium(_with_facts_script(html_page), "--dump-dom", width=width)
    found = re.search(r'<div id="facts">([^<]*)</div>', dom)
    assert found, "the test script did not run (CSP?)"
    return json.loads(urllib.parse.unquote(found.group(1)))


def assert_marks_match(doc_facts: dict, document: str, entities: list[dict]) -> None:
    """Every entity is exactly one mark, in order, whose text is document[start:end]."""
    marks = doc_facts["marks"]
    assert [(m["start"], m["end"], m["type"]) for m in marks] == [(e["start"], e["end"], e["type"]) for e in entities]
    for mark, e in zip(marks, entities):
        assert mark["text"] == mark["innerText"] == document[e["start"] : e["end"]] == e["text"]
        assert mark["title"] == f'{e["type"]}, {e["score"]:.2f}, {e["start"]}-{e["end"]}'


@pytest.fixture(scope="module")
def facts() -> dict:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    summary = [
        {"type": "LOC", "normalized": "بغداد", "text": "بغداد", "count": 2, "documents": 2},
        {"type": "PERS", "normalized": "مصطفى الكاظمي", "text": "مصطفى الكاظمي", "count": 1, "documents": 1},
    ]
    return layout(render(
        [("news/iraq.txt", DOC1, ENTITIES1), ("news/un.txt", DOC2, ENTITIES2), ("hostile<b>.txt", HOSTILE, ENTITIES_HOSTILE)],
        summary,
    ))


@needs_chromium
def test_visible_text_of_each_document_is_the_document(facts):
    assert [d["source"] for d in facts["docs"]] == ["news/iraq.txt", "news/un.txt", "hostile<b>.txt"]
    assert facts["docs"][0]["text"] == DOC1
    assert facts["docs"][1]["text"] == facts["docs"][1]["textContent"] == DOC2  # CR LF kept (&#13;)
    assert facts["docs"][2]["text"] == HOSTILE
    assert facts["summaryRows"] == 2


@needs_chromium
@pytest.mark.parametrize("index, document, entities", [(0, DOC1, ENTITIES1), (1, DOC2, ENTITIES2), (2, HOSTILE, ENTITIES_HOSTILE)])
def test_every_entity_is_one_mark_with_its_text(facts, index, document, entities):
    assert_marks_match(facts["docs"][index], document, entities)
    assert all(mark["rects"] == 1 for mark in facts["docs"][index]["marks"])  # each on one line here, in one piece


@needs_chromium
def test_arabic_reads_right_to_left(facts):
    marks = {m["text"]: m["box"] for m in facts["docs"][0]["marks"]}
    person, place, group = marks["مصطفى الكاظمي"], marks["بغداد"], marks["الحشد الشعبي"]
    assert person["top"] == place["top"] == group["top"]  # one line at 1000px
    assert person["left"] > place["right"] and place["left"] > group["right"]
    # the second line is below the first
    assert marks["الحكومة"]["top"] > person["bottom"]


@needs_chromium
def test_hostile_text_is_shown_not_run(facts):
    hostile = facts["docs"][2]
    assert facts["pwned"] == 0
    assert hostile["images"] == 0 and hostile["scripts"] == 0
    assert "<script>window.__pwned = 1; alert(1)</script>" in hostile["text"]
    assert '<img src=x onerror="window.__pwned = 2">' in hostile["text"]


@needs_chromium
def test_a_bidi_override_reorders_nothing(facts):
    # Unisolated, U+202E would run "Google in London now." right to left: London left of Google.
    marks = {m["text"]: m["box"] for m in facts["docs"][2]["marks"]}
    google, london = marks["Google"], marks["London"]
    assert google["top"] == london["top"] and google["right"] < london["left"]
    # inside a mark it stops at the mark's end too
    acme, paris = marks["\u202eAcme"], marks["Paris"]
    assert acme["top"] == paris["top"] and acme["right"] < paris["left"]


@needs_chromium
def test_legend_counts_and_toggles(facts):
    assert facts["legend"] == ["PERS 2", "LOC 6", "ORG 5", "MISC 1"]
    assert facts["hidden"] == [True, True]
    assert not any(facts["others"])
    assert facts["shownAgain"] == [False, False]


@needs_chromium
def test_the_low_score_key_names_no_type_s_underline(facts):
    """The legend's key for low scores does not call them by a pattern that marks a type (ORG is dashed)."""
    assert facts["underlines"] == {"PERS": "solid", "LOC": "double", "ORG": "dashed", "MISC": "dotted"}
    assert facts["lowKey"] == "outlined"


@needs_chromium
def test_entities_alone_when_the_text_is_not_readable():
    found = layout(render([("gone.txt", None, ENTITIES1)]))
    doc = found["docs"][0]
    assert doc["text"] is None and doc["marks"] == [] and doc["tableMarks"] == len(ENTITIES1)


def assert_shows_text_and_marks(rows: list[bytes], kinds: set[str]) -> None:
    """Not blank: rows with dark letters beyond the heading and legend of a page with no document (28 rows of
    1000 by 900; a document of two lines adds 36), and each type's fill over a mark's area (200 px at least)."""
    inked = sum(any(sum(row[x : x + 3]) < 200 for x in range(0, len(row), 3)) for row in rows)
    assert inked > 50, inked
    for kind in kinds:
        fill = bytes(FILLS[kind])
        assert sum(row.count(fill) for row in rows) > 200, kind


@needs_chromium
def test_screenshot(tmp_path):
    png = tmp_path / "page.png"
    chromium(render([("news/iraq.txt", DOC1, ENTITIES1)]), f"--screenshot={png}")
    width, height, rows = png_pixels(png.read_bytes())
    assert (width, height) == (1000, 900)
    assert_shows_text_and_marks(rows, {"PERS", "LOC", "ORG"})


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p_ = a + b - c
                pa, pb, pc = abs(p_ - a), abs(p_ - b), abs(p_ - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        previous = line
        rows.append(bytes(v for i, v in enumerate(line) if i % channels < 3))
    return width, height, rows


def commonest_colour(rows: list[bytes], box: dict, inset: int = 3) -> tuple[int, int, int]:
    """The most frequent colour inside a box (its fill, for a mark: letters are thin)."""
    seen: dict[tuple[int, int, int], int] = {}
    for y in range(int(box["top"]) + inset, int(box["bottom"]) - inset):
        row = rows[y]
        for x in range(int(box["left"]) + inset, int(box["right"]) - inset):
            colour = tuple(row[3 * x : 3 * x + 3])
            seen[colour] = seen.get(colour, 0) + 1
    return max(seen, key=seen.get)


FILLS = {"PERS": (0xFB, 0xE0, 0xB8), "LOC": (0xCF, 0xE6, 0xF8), "ORG": (0xC4, 0xEE, 0xE1), "MISC": (0xF4, 0xD2, 0xE6)}


@needs_chromium
def test_screenshot_shows_marks_in_their_colours_and_low_scores_outlined(tmp_path):
    low = dict(ENTITIES1[3], score=0.3)
    document = [("news/iraq.txt", DOC1, ENTITIES1[:3] + [low]), ("news/un.txt", DOC2, ENTITIES2)]
    html_page = render(document)
    found = layout(html_page)
    png = tmp_path / "page.png"
    chromium(html_page, f"--screenshot={png}")
    width, height, rows = png_pixels(png.read_bytes())
    assert (width, height) == (1000, 900)
    assert_shows_text_and_marks(rows, {"PERS", "LOC", "ORG", "MISC"})
    on_screen = [mark for doc in found["docs"] for mark in doc["marks"] if mark["box"]["bottom"] < height]
    assert low["text"] in [mark["text"] for mark in on_screen] and len(on_screen) >= 5
    for mark in on_screen:
        expected = (255, 255, 255) if mark["text"] == low["text"] else FILLS[mark["type"]]
        assert commonest_colour(rows, mark["box"]) == expected, mark["text"]
    assert found["below"] == [e["text"] for e in ENTITIES1[2:3] + [low] + ENTITIES2[4:]]  # the filter at 0.90


def underline(rows: list[bytes], box: dict, inset: int = 6) -> tuple[str, ...]:
    """The pattern of a box's bottom border, colour aside: its 3 lowest inked rows, each a full line, a
    gap, dots or dashes (runs of dark pixels up to 4 long, or longer), repeats merged (double: line, gap, line)."""
    left, right = int(box["left"]) + inset, int(box["right"]) - inset

    def dark(row: bytes) -> list[bool]:
        return [sum(row[3 * x : 3 * x + 3]) < 600 for x in range(left, right)]

    bottom = max(y for y in range(int(box["top"]), round(box["bottom"])) if sum(dark(rows[y])) > (right - left) / 3)
    pattern: list[str] = []
    for y in range(bottom - 2, bottom + 1):
        ink = dark(rows[y])
        runs = [len(list(group)) for on, group in itertools.groupby(ink) if on]
        kind = "line" if all(ink) else "gap" if not runs else "dots" if sorted(runs)[len(runs) // 2] <= 4 else "dashes"
        if not pattern or pattern[-1] != kind:
            pattern.append(kind)
    return tuple(pattern)


@needs_chromium
def test_every_piece_of_a_wrapped_mark_shows_its_type_without_colour(tmp_path):
    """In a narrow frame each mark breaks over lines; the tag is on the last piece only, so every piece
    carries its type's fill (none when scored low) and its type's underline pattern, the four patterns
    differ, and the legend shows each."""
    names = {
        "PERS": "الرئيس مصطفى عبد اللطيف مشتت الكاظمي الغريباوي الحسيني",
        "LOC": "مطار بغداد الدولي في ضواحي العاصمة العراقية الغربية",
        "ORG": "هيئة الحشد الشعبي وفصائل المقاومة الإسلامية في العراق",
        "MISC": "المهرجان الثقافي العربي الدولي للشعر والأدب والفنون",
    }
    document = "قال " + " وقال ".join(names.values()) + "."
    entities = [entity(document, name, kind, 0.3 if kind == "MISC" else 0.9) for kind, name in names.items()]
    html_page = render([("wrap.txt", document, entities)]).replace("</head>", "<style>.doc { width: 240px; }</style></head>", 1)
    found = layout(html_page)
    png = tmp_path / "page.png"
    chromium(html_page, f"--screenshot={png}")
    _, height, rows = png_pixels(png.read_bytes())
    patterns = {}
    for mark in found["docs"][0]["marks"]:
        assert len(mark["pieces"]) >= 3 and mark["pieces"][-1]["bottom"] < height, mark["type"]
        for piece in mark["pieces"]:
            assert commonest_colour(rows, piece) == ((255, 255, 255) if mark["type"] == "MISC" else FILLS[mark["type"]])
        patterns[mark["type"]] = {underline(rows, piece) for piece in mark["pieces"]}
        assert patterns[mark["type"]] == {underline(rows, found["legendBoxes"][mark["type"]])}, mark["type"]
    assert len({frozenset(pattern) for pattern in patterns.values()}) == 4, patterns


def phone_layout(html_page: str, width: int = 412) -> dict:
    """layout() in a `width`-pixel frame: headless Chromium's window is never narrower than 500 px."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "page.html").write_text(_with_facts_script(html_page), encoding="utf-8")
        outer = Path(tmp, "phone.html")
        outer.write_text(
            f'<iframe src="page.html" width="{width}" height="800" style="border:0"></iframe>'
            "<script>window.addEventListener('load', function () { var d = document.createElement('div');"
            " d.id = 'facts'; d.textContent = document.querySelector('iframe').contentDocument"
            ".getElementById('facts').textContent; document.body.appendChild(d); });</script>",
            encoding="utf-8",
        )
        result = subprocess.run(
            [CHROMIUM, *FLAGS, "--allow-file-access-from-files", f"--user-data-dir={tmp}/profile", "--dump-dom",
             outer.as_uri()], capture_output=True, text=True, timeout=120, check=False,
        )
    found = re.search(r'<div id="facts">([^<]*)</div>', result.stdout)
    assert found, result.stderr
    return json.loads(urllib.parse.unquote(found.group(1)))


@needs_chromium
def test_a_phone_sees_the_page_without_scrolling_sideways_and_a_tap_shows_details():
    long_name = "archive/" + "report_of_the_ministry_" * 6 + ".txt"  # no place to break
    summary = [{"type": "LOC", "normalized": "x", "text": "بغداد" * 30, "count": 1, "documents": 1}]
    found = phone_layout(render(
        [("news/iraq.txt", DOC1, ENTITIES1), ("hostile<b>.txt", HOSTILE, ENTITIES_HOSTILE), (long_name, None, ENTITIES2)],
        summary,
    ))
    assert found["width"]["scroll"] <= found["width"]["client"] <= 412
    assert found["detail"] == "person (PERS), score 0.98, characters 20-33"
    assert found["legend"] == ["PERS 2", "LOC 6", "ORG 5", "MISC 1"]


@needs_chromium
def test_printed_the_legend_is_at_the_top_once_and_covers_no_text():
    html_page = render([("news/iraq.txt", DOC1, ENTITIES1), ("news/un.txt", DOC2, ENTITIES2)])
    # The PDF itself: test_printed_pages_show_every_word_and_the_legend_once. The print rules, applied on screen at a page's width: the legend sits above the first document, overlapping none.
    as_printed = html_page.replace("@media print", "@media all")
    found = layout(as_printed, width=794)
    legend = found["legendBox"]
    assert legend["bottom"] <= found["textBoxes"][0]["top"]
    assert all(legend["bottom"] <= text["top"] or legend["top"] >= text["bottom"] for text in found["textBoxes"])


def printed(html_page: str, folder: Path, dpi: int = 50) -> tuple[list[list[bytes]], list[list[tuple[str, int, int, int, int]]]]:
    """Pages 1 and 2 of the page printed to PDF by Chromium: each page's pixel rows, and its words with their boxes in pixels."""
    pdf = folder / "page.pdf"
    chromium(html_page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "2", "-png", str(pdf), str(folder / "page")], check=True)
    rasters = [png_pixels(png.read_bytes())[2] for png in sorted(folder.glob("page-*.png"))]
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True, text=True, check=True)
    scale, words = dpi / 72, []
    for page_xml in bbox.stdout.split("<page ")[1:]:
        words.append([
            (html.unescape(word), int(float(x0) * scale), int(float(y0) * scale), int(float(x1) * scale) + 1, int(float(y1) * scale) + 1)
            for x0, y0, x1, y1, word in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page_xml)
        ])
    return rasters, words


@needs_chromium
@needs_poppler
def test_printed_pages_show_every_word_and_the_legend_once(tmp_path):
    """Printed, then rasterized: every word of the print without its legend has the same pixels with it."""
    documents = [(f"news/{i}.txt", *((DOC1, ENTITIES1) if i % 2 == 0 else (DOC2, ENTITIES2))) for i in range(8)]
    html_page = render(documents)
    (tmp_path / "with").mkdir(), (tmp_path / "without").mkdir()
    shown, _ = printed(html_page, tmp_path / "with")
    hidden, words = printed(html_page.replace("</head>", "<style>.legend { visibility: hidden; }</style></head>", 1), tmp_path / "without")
    assert len(shown) == len(hidden) == len(words) == 2  # two pages
    assert shown[0] != hidden[0] and shown[1] == hidden[1]  # the legend is printed, on page 1 only
    assert {"news/0.txt", "news/7.txt"} <= {w[0] for page_words in words for w in page_words}
    assert sum(len(page_words) for page_words in words) > 8 * 20  # Arabic words too, not only the headings
    covered = [
        (number, word)
        for number, (page_shown, page_hidden, page_words) in enumerate(zip(shown, hidden, words), 1)
        for word, x0, y0, x1, y1 in page_words
        if any(a[3 * x0 : 3 * x1] != b[3 * x0 : 3 * x1] for a, b in zip(page_shown[y0:y1], page_hidden[y0:y1]))
    ]
    assert covered == []


# The page `arner extract -f html` writes, and `arner view`


@pytest.fixture(scope="module")
def sample_run() -> tuple[str, list[dict]]:
    """The page of sample_data with the built-in model, and the same run as JSON."""
    html_page = run("extract", str(SAMPLE_DATA), "-m", "builtin", "-f", "html", "-q").stdout
    documents = json.loads(run("extract", str(SAMPLE_DATA), "-m", "builtin", "-f", "json", "-q").stdout)
    return html_page, documents


@needs_chromium
def test_the_sample_data_page_shows_every_document_and_entity(sample_run):
    html_page, documents = sample_run
    found = layout(html_page)
    assert [d["source"] for d in found["docs"]] == [d["source"] for d in documents]
    assert len(documents) == 6
    pairs = 0
    for doc_facts, document in zip(found["docs"], documents):
        text = Path(document["source"]).read_text(encoding="utf-8")
        assert doc_facts["text"] == text
        assert document["entities"]
        assert_marks_match(doc_facts, text, document["entities"])
        # Right to left: of two Arabic entities on one line, the first in the text is the one on the right.
        one_line = [m for m in doc_facts["marks"] if m["rects"] == 1]
        for first, second in itertools.pairwise(one_line):
            if first["box"]["top"] == second["box"]["top"]:
                assert first["box"]["left"] > second["box"]["right"], (first["text"], second["text"])
                pairs += 1
    assert pairs > 20
    assert found["legend"] == [
        f"{kind} {sum(e['type'] == kind for d in documents for e in d['entities'])}"
        for kind in ("PERS", "LOC", "ORG", "MISC")
    ]


def test_view_makes_the_same_page_from_saved_json(sample_run, tmp_path):
    html_page, documents = sample_run
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")
    result = run("view", str(saved))
    assert result.exit_code == 0 and result.stderr == ""
    # The same page but for its title, which names what was read.
    assert f"<title>arner: {SAMPLE_DATA}</title>" in html_page and f"<title>arner: {saved}</title>" in result.stdout
    # ... and the model, which saved JSON does not record.
    html_page = html_page.replace(", model builtin (CRF, ANERcorp test F1 ", "", 1)
    html_page = re.sub(r"(entities)0\.\d{3}\)</p>", r"\1</p>", html_page, count=1)
    assert result.stdout.replace(str(saved), str(SAMPLE_DATA)) == html_page
    from_stdin = run("view", "-", input=saved.read_text(encoding="utf-8")).stdout
    assert from_stdin.replace("arner: &lt;stdin&gt;<", f"arner: {SAMPLE_DATA}<") == html_page


def test_view_lists_the_entities_when_the_source_is_gone(sample_run):
    _, documents = sample_run
    moved = [dict(document, source="gone/" + Path(document["source"]).name) for document in documents]
    result = run("view", "-", input=json.dumps(moved))
    stdout = result.stdout
    assert '<div class="text">' not in stdout
    assert stdout.count("The source text is not available; its entities:") == len(documents)
    assert stdout.count("<mark") == sum(len(d["entities"]) for d in documents)
    assert result.exit_code == 0 and result.stderr.splitlines() == [
        f"arner: {d['source']}: the source file is missing; the page lists its {len(d['entities'])} entities without the text"
        for d in moved
    ]


def test_view_says_which_sources_changed_or_came_from_stdin(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(DOC1, encoding="utf-8")
    saved = [
        {"source": str(source), "encoding": "utf-8", "entities": ENTITIES1},
        {"source": "-", "encoding": "utf-8", "entities": ENTITIES1[:1]},
    ]
    source.write_text(DOC1.replace("بغداد", "البصرة"), encoding="utf-8")  # one entity moved, one gone
    result = run("view", "-", input=json.dumps(saved))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"arner: {source}: changed since extraction: 3 of 4 entities no longer match its text; the page lists them under "
        "the text, unmarked",
        "arner: <stdin>: it was read from stdin; the page lists its 1 entity without the text",
    ]
    assert "3 entities not matching this text" in result.stdout and "<bdi>&lt;stdin&gt;</bdi>" in result.stdout


def test_view_reads_the_recorded_encoding(tmp_path, bert_ipers):
    source = tmp_path / "a.txt"
    source.write_bytes("\ufeffزار الكاظمي".encode("utf-16-le"))
    saved = run("extract", "-m", str(bert_ipers), "-f", "json", "-q", str(source)).stdout
    assert json.loads(saved)[0]["encoding"] == "utf-16-le"
    stdout = run("view", "-", input=saved).stdout
    assert '<div class="text"><mark' in stdout and ">زار الكاظمي</mark></div>" in stdout


@pytest.mark.parametrize("content, code, message", [
    ("not json", 2, "Error: -: not JSON (Expecting value: line 1 column 1 (char 0)) (expected the output of `arner extract -f json`"),
    ('[{"type": "PERS", "normalized": "x", "count": 1}]', 2, "Error: -: not arner's JSON output (document 1: no source) (expected"),
    ('{"source": "a.txt", "encoding": "utf-8", "entities": []}', 2, "Error: -: not arner's JSON output (not an array)"),
    (json.dumps([{"source": "a.txt", "encoding": "utf-8", "entities": [dict(ENTITIES1[0], type="PERSON")]}]), 2,
     "Error: -: not arner's JSON output (document 1: entity 1: type \"PERSON\" is not one of PERS, LOC, ORG, MISC)"),
    (json.dumps([{"source": "a", "encoding": "utf-8", "entities": []}, {"source": "b", "encoding": "utf-8", "entities": [
        dict(ENTITIES1[0], end=ENTITIES1[0]["end"] + 1)]}]), 2,
     "Error: -: not arner's JSON output (document 2: entity 1: start and end are not the offsets of its text)"),
    (json.dumps([{"source": "a", "encoding": "utf-8", "entities": [dict(ENTITIES1[0], score=3)]}]), 2,
     "Error: -: not arner's JSON output (document 1: entity 1: score is not a probability)"),
    (json.dumps([{"source": "a", "encoding": "utf-8", "entities": [dict(ENTITIES1[0], line=None)]}]), 2,
     "Error: -: not arner's JSON output (document 1: entity 1: no line)"),
    ("[[]]", 2, "Error: -: not arner's JSON output (document 1: not an object)"),
    (None, 1, "Error: cannot read missing.json: No such file or directory"),
])
def test_view_errors_are_one_line(content, code, message):
    result = run("view", "-" if content is not None else "missing.json", input=content)
    assert result.exit_code == code
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


@needs_chromium
def test_a_hostile_document_is_shown_not_run(tmp_path, bert_loc):
    # Every word is an entity, so marks wrap the markup's every piece.
    source = tmp_path / "<img src=x onerror=alert(1)>.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    html_page = run("extract", "-m", str(bert_loc), "-f", "html", "-q", str(source)).stdout
    documents = json.loads(run("extract", "-m", str(bert_loc), "-f", "json", "-q", str(source)).stdout)
    found = layout(html_page)
    doc = found["docs"][0]
    assert found["pwned"] == 0 and doc["images"] == 0 and doc["scripts"] == 0
    assert doc["source"] == str(source)
    assert doc["text"] == HOSTILE
    assert_marks_match(doc, HOSTILE, documents[0]["entities"])


def test_page_from_stdin_holds_the_text_read_once(bert_ipers):
    stdout = run("extract", "-m", str(bert_ipers), "-f", "html", "-q", input="زار الكاظمي\n\nبغداد <b>").stdout
    assert stdout.startswith("<!DOCTYPE html>") and stdout.endswith("</html>\n")
    assert '<div class="text"><mark' in stdout
    assert "زار الكاظمي</mark>\n\n<mark" in stdout and "بغداد &lt;b&gt;</mark></div>" in stdout


def test_each_document_is_written_when_it_ends():
    out = io.StringIO()
    writer = page.HtmlWriter(out)
    written = []
    for event in Extractor("builtin").stream([text_document("زار بغداد", "one"), text_document("وصل", "two")], keep_text=True):
        if isinstance(event, SentenceResult):
            writer.sentence(event)
        elif isinstance(event, DocumentDone):
            writer.document(event)
            written.append(out.getvalue())
    writer.close()
    assert written[0].count('<section class="doc"') == 1 and "<bdi>one</bdi>" in written[0]
    assert "</html>" not in written[1] and written[1].count('<section class="doc"') == 2
    assert out.getvalue().endswith("</html>\n")


def test_a_document_that_fails_part_way_is_left_out(tmp_path, bert_ipers):
    (tmp_path / "a.txt").write_bytes(("كلمة " * 20000).encode("utf-8") + b"\xff")
    (tmp_path / "b.txt").write_text("بغداد", encoding="utf-8")
    result = run("extract", "-m", str(bert_ipers), "-f", "html", str(tmp_path))
    assert result.exit_code == 4
    assert result.stdout.count('<section class="doc"') == 1 and ">بغداد</mark></div>" in result.stdout
    assert str(tmp_path / "a.txt") not in result.stdout and result.stdout.endswith("</html>\n")


def test_types_and_summary(bert_loc):
    stdout = run("extract", "-m", str(bert_loc), "-f", "html", "--types", "PERS", "--summary", "-q", input="زار بغداد").stdout
    assert "<mark" not in stdout.split('<section class="summary">')[0]
    assert stdout.count("<tbody></tbody>") == 1  # the summary table, empty
    stdout = run("extract", "-m", str(bert_loc), "-f", "html", "--summary", "-q", input="زار بغداد\nبغداد").stdout
    summary = stdout.split('<section class="summary">')[1]
    assert summary.count("<tr><td>") == 2 and "<td class=n>2</td><td class=n>1</td>" in summary


def test_output_dir_writes_a_page_per_input(tmp_path, bert_ipers):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "a.txt").write_text("زار الكاظمي", encoding="utf-8")
    (inputs / "sub" / "b.txt").write_text("بغداد", encoding="utf-8")
    out = tmp_path / "out"
    result = run("extract", "-m", str(bert_ipers), "-f", "html", "-o", str(out), "-q", str(inputs))
    assert result.exit_code == 0 and result.stdout == ""
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["a.txt.html", "sub/b.txt.html"]
    b_page = (out / "sub" / "b.txt.html").read_text(encoding="utf-8")
    assert f"<title>arner: {inputs / 'sub' / 'b.txt'}</title>" in b_page and ">بغداد</mark></div>" in b_page
    (out / "a.txt.html").unlink()
    result = run("extract", "-m", str(bert_ipers), "-f", "html", "-o", str(out), "--skip-existing", str(inputs))
    assert result.stderr.splitlines()[-1] == "arner: 1 file read, 1 already done, 1 entity"


# Pure HTML, no browser


def test_overlapping_and_stale_entities_are_listed_not_marked():
    doc = "زار الكاظمي بغداد."
    good = entity(doc, "بغداد", "LOC")
    overlapping = dict(good, start=good["start"] + 1, text=doc[good["start"] + 1 : good["end"]])
    outside = dict(good, start=40, end=45)
    stale = dict(entity(doc, "الكاظمي", "PERS"), text="العبادي")
    section = page.document_section("a.txt", doc, [overlapping, good, outside, stale])
    assert section.count("<mark") == 1 + 3 and section.count('<div class="text">') == 1
    marked = section.split("<details")[0]
    assert marked.count("<mark") == 1 and f'data-start="{good["start"]}"' in marked
    assert "3 entities not matching this text" in section


def test_everything_user_written_is_escaped():
    section = page.document_section('"><script>x</script>', "<b>&</b>", [{"text": "<b>", "type": '"x', "start": 0, "end": 3}])
    assert "<script>x" not in section and "<b>&" not in section
    assert 'data-type="&quot;x"' in section and ">&lt;b&gt;</mark>&amp;&lt;/b&gt;</div>" in section
    assert "<script>" not in page.page_start("</title><script>x</script>").split("<style>")[0]


def test_the_page_lists_its_documents_with_counts_and_says_what_it_holds(tmp_path, bert_loc):
    (tmp_path / "a.txt").write_text("زار بغداد", encoding="utf-8")
    (tmp_path / "b.txt").write_text("وبيروت", encoding="utf-8")
    stdout = run("extract", "-m", str(bert_loc), "-f", "html", "--summary", "-q", str(tmp_path / "a.txt"),
                 str(tmp_path / "b.txt")).stdout
    assert f"<title>arner: {tmp_path / 'a.txt'}, {tmp_path / 'b.txt'}</title>" in stdout
    assert '<section class="doc" id="doc-1">' in stdout and '<section class="doc" id="doc-2">' in stdout
    assert f'<p class="facts" dir="ltr">2 documents, 3 entities, model {bert_loc} (BERT)</p>' in stdout
    assert (f'<li><a href="#doc-1"><bdi>{tmp_path / "a.txt"}</bdi></a><span class="counts" dir="ltr">LOC 2</span></li>'
            f'<li><a href="#doc-2"><bdi>{tmp_path / "b.txt"}</bdi></a><span class="counts" dir="ltr">LOC 1</span></li>') in stdout
    # The summary: a Type column, and the surface form without its proclitic.
    summary = stdout.split('<section class="summary">')[1]
    assert "<th>Entity</th><th>Type</th>" in summary and ">بيروت</mark></td><td>LOC</td>" in summary


def test_a_long_line_goes_out_in_pieces_of_bounded_size():
    # A 2 MB line with one mark in its middle: the writer never holds more than a piece of escaped text.
    text = "بغداد & " * 250_000
    middle = entity(text[1_000_000:1_000_005], "بغداد", "LOC")
    mark = dict(middle, start=1_000_000, end=1_000_005)
    pieces = list(page.document_parts("big.txt", text, [mark]))
    assert max(len(piece) for piece in pieces) <= 5 * page.PIECE  # "&" -> "&amp;"
    assert "".join(pieces) == page.document_section("big.txt", text, [mark])
    assert "".join(pieces).count("<mark") == 1


def test_english_notes_read_left_to_right():
    doc = "زار الكاظمي بغداد."
    stale = dict(entity(doc, "بغداد", "LOC"), text="البصرة")
    for section in (page.document_section("a", doc, [stale]), page.document_section("a", None, []),
                    page.document_section("a", doc, [])):
        assert all('class="none" dir="ltr"' in tag for tag in re.findall(r'<[a-z]+ class="none"[^>]*>', section))
    assert '<span class="label" dir="ltr">1 entity</span>' in page.page_end({"LOC": 1}, None)


def test_page_streams_in_three_parts():
    start = page.page_start("t")
    assert start.startswith("<!DOCTYPE html>") and '<html lang="ar" dir="rtl">' in start and "</body>" not in start
    assert page.page_end({}, None).endswith("</html>\n")
    assert "http" not in (start + page.page_end({"PERS": 1}, [])).replace("http-equiv", "")  # nothing fetched
