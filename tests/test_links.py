"""Every link in README.md, CONTRIBUTING.md and docs/*.md leads somewhere: an in-page link to a heading, a
relative link to a file."""

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_ID = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")


def prose(text: str) -> list[str]:
    """The lines of a Markdown page outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def rendered(heading: str) -> str:
    """A heading's text as GitHub renders it: code spans and emphasis unwrapped, links as their text."""
    heading = re.sub(r"!?\[((?:[^\]\\]|\\.)*)\]\([^)]*\)", r"\1", heading)
    return re.sub(r"\\(.)", r"\1", heading.replace("`", "").replace("*", ""))


KEPT = {"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Nd", "Nl", "Pc"}


def slug(text: str) -> str:
    """GitHub's anchor for a heading (github-slugger): lower case; every character but letters, marks,
    decimal and letter numbers, connector punctuation, '-' and ' ' removed; each space a '-'."""
    return "".join(ch for ch in text.lower() if ch in "- " or unicodedata.category(ch) in KEPT).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every anchor of a page: its headings' slugs (a repeated one gets -1, -2, ...) and HTML ids."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in prose(page.read_text(encoding="utf-8")):
        found.update(HTML_ID.findall(line))
        match = HEADING.match(line)
        if match:
            base = slug(rendered(match.group(2)))
            anchor = base if base not in seen else f"{base}-{seen[base]}"
            seen[base] = seen.get(base, 0) + 1
            found.add(anchor)
    return found


def broken_links(page: Path) -> list[str]:
    problems = []
    for line in prose(page.read_text(encoding="utf-8")):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:: not checked here
                continue
            path, _, fragment = unquote(target).partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                problems.append(f"{page.name}: {target}: no file {path}")
            elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
                problems.append(f"{page.name}: {target}: no heading #{fragment} in {linked.name}")
    return problems


@pytest.mark.parametrize("heading, anchor", [
    ("Arabic in a terminal: `--bidi`", "arabic-in-a-terminal---bidi"),
    ("Look at the text: the HTML page", "look-at-the-text-the-html-page"),
    ("Scale out with Ray", "scale-out-with-ray"),
    ("Models (e5, `builtin`) & speed, 2×!", "models-e5-builtin--speed-2"),
    ("[Ray](https://ray.io) on **two** nodes", "ray-on-two-nodes"),
    ("snake_case_name", "snake_case_name"),
    ("E = mc² 🚀", "e--mc-"),
    # Arabic letters and diacritics stay, Arabic punctuation goes, tatweel (a letter modifier) stays.
    ("الكاظمي، في مطار بغداد؟", "الكاظمي-في-مطار-بغداد"),
    ("مُصطفى الكاظـمي", "مُصطفى-الكاظـمي"),
])
def test_slug_follows_githubs_rules(heading, anchor):
    assert slug(rendered(heading)) == anchor


def test_repeated_headings_and_broken_links_are_found(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# Over there\n", encoding="utf-8")
    page.write_text(
        "# Notes\n## Notes\n```\n# not a heading\n[in code](#nowhere)\n```\n"
        "[a](#notes-1) [b](#notes-2) [c](there.md#over-there) [d](there.md#here) [e](gone.md) "
        "[f](https://example.com/#x) `[g](#in-a-code-span)` [h](#%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF)\n"
        "### بغداد\n",
        encoding="utf-8",
    )
    assert anchors(page) == {"notes", "notes-1", "بغداد"}
    assert broken_links(page) == [
        "page.md: #notes-2: no heading #notes-2 in page.md",
        "page.md: there.md#here: no heading #here in there.md",
        "page.md: gone.md: no file gone.md",
    ]


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_link_leads_somewhere(page):
    assert broken_links(page) == []
