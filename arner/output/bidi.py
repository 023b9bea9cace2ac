"""Arabic that reads right in a terminal table: shaping, reordering, and a context column.

Terminals either do their own bidi (GNOME Terminal and other VTE terminals,
Konsole, mlterm, macOS Terminal) or show characters left to right as stored, so
Arabic comes out backwards and unjoined (Windows Terminal, tmux, screen, VS Code,
JetBrains IDEs, kitty, Alacritty, WezTerm, xterm). For the second kind
`display()` shapes the letters (arabic-reshaper) and reorders them into visual
order (python-bidi). Only tables use it: data formats are always logical order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MODES = ("auto", "on", "off")

# Environment variables that only terminals with their own bidi set.
_BIDI_TERMINALS = ("VTE_VERSION", "KONSOLE_VERSION", "MLTERM")
_BIDI_PROGRAMS = {"Apple_Terminal"}
# Terminals (and multiplexers) that show cells left to right as stored.
_PLAIN_MULTIPLEXERS = ("TMUX", "STY")
_PLAIN_TERMINALS = ("WT_SESSION", "KITTY_WINDOW_ID", "ALACRITTY_WINDOW_ID", "WEZTERM_PANE", "XTERM_VERSION")
_PLAIN_PROGRAMS = {"vscode", "tmux", "WezTerm"}
_PLAIN_EMULATORS = {"JetBrains-JediTerm"}


def resolve(mode: str, environ: Mapping[str, str], isatty: bool = True) -> bool:
    """Whether to reorder Arabic for display (`--bidi`, env `ARNER_BIDI`).

    `on` and `off` are taken as said. `auto` decides from the environment, first
    rule that matches:

    1. output is not a terminal (a pipe, a file): off, the text stays as stored;
    2. inside tmux (`TMUX`) or screen (`STY`): on. They redraw cell by cell, so
       the outer terminal's bidi cannot help, whatever it is (and `VTE_VERSION`
       leaks into them from the terminal that started them);
    3. a terminal that does bidi itself: off. `VTE_VERSION` (GNOME Terminal,
       Tilix, Terminator, xfce4-terminal), `KONSOLE_VERSION`, `MLTERM`,
       `TERM_PROGRAM=Apple_Terminal`;
    4. a terminal known not to: on. `WT_SESSION` (Windows Terminal),
       `TERM_PROGRAM` vscode / tmux / WezTerm, `TERMINAL_EMULATOR=JetBrains-JediTerm`,
       kitty, Alacritty, xterm, or `TERM` linux (the console);
    5. anything else: off. Nothing is changed unless we know it helps: the text
       shown is the text stored (copy, paste and screen readers get it right),
       and `ARNER_BIDI=on` fixes it for a terminal that needs it.
    """
    if mode not in MODES:
        raise ValueError(f"bidi mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode != "auto":
        return mode == "on"
    if not isatty:
        return False
    if any(environ.get(name) for name in _PLAIN_MULTIPLEXERS):
        return True
    if any(environ.get(name) for name in _BIDI_TERMINALS) or environ.get("TERM_PROGRAM") in _BIDI_PROGRAMS:
        return False
    return (
        any(environ.get(name) for name in _PLAIN_TERMINALS)
        or environ.get("TERM_PROGRAM") in _PLAIN_PROGRAMS
        or environ.get("TERMINAL_EMULATOR") in _PLAIN_EMULATORS
        or environ.get("TERM", "").startswith(("xterm-kitty", "alacritty", "linux"))
    )


def display(text: str) -> str:
    """`text` shaped and in visual order, for a terminal without bidi.

    Each line is reordered on its own, its direction taken from its first
    strong letter (an Arabic name reads right to left, a Latin one left to
    right). Diacritics are dropped (arabic-reshaper's default): reversed, they
    would come before their letter and sit on the wrong one.
    """
    # Imported here: the CLI imports MODES for its options, and `arner --help` stays fast.
    # bidi.algorithm is python-bidi's pure-Python algorithm: unlike its Rust one, it mirrors brackets.
    import arabic_reshaper
    from bidi.algorithm import get_display

    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


_WORD = re.compile(r"\S+")

# Bidi controls in the text, by their Unicode abbreviations. In a terminal each is shown as its name
# (`visible`), so none can reorder what follows it; the HTML page shows the same names.
CONTROL_NAMES = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u061c": "ALM",
}
CONTROLS = re.compile(f"[{''.join(CONTROL_NAMES)}]")


def visible(text: str) -> str:
    """`text` with each bidi control replaced by its name, e.g. `⟦RLO⟧`: for terminals."""
    return CONTROLS.sub(lambda found: f"⟦{CONTROL_NAMES[found.group()]}⟧", text)


# The most of a context's each side (and of a mention) a table looks at: wider than any terminal
# line, and a bound on the work per row whatever the length of a word or a sentence.
CONTEXT_LIMIT = 240


def context_parts(document: str, start: int, end: int, words: int = 3) -> tuple[str, str, str]:
    """(words before, the mention, words after), on one line, with `…` where cut.

    Each part looks at no more than CONTEXT_LIMIT characters of `document`, and
    a longer mention is cut at its end.
    """
    window = document[max(0, start - CONTEXT_LIMIT) : start]
    before = _WORD.findall(window)
    if start > CONTEXT_LIMIT and before and not window[:1].isspace():
        before[0] = "…" + before[0][1:]  # a word cut by the window
    window = document[end : end + CONTEXT_LIMIT]
    after = _WORD.findall(window)
    if end + CONTEXT_LIMIT < len(document) and after and not window[-1:].isspace():
        after[-1] = after[-1][:-1] + "…"
    left = " ".join(before[-words:]) if words else ""
    right = " ".join(after[:words]) if words else ""
    if len(before) > words:
        left = "… " + left
    if len(after) > words:
        right += " …"
    if left and document[:start][-1:].isspace():
        left += " "
    if right and document[end : end + 1].isspace():
        right = " " + right
    mention = document[start : min(end, start + CONTEXT_LIMIT)]
    mention = " ".join(mention.split()) + ("…" if end - start > CONTEXT_LIMIT else "")
    return left, mention, right


def context(document: str, start: int, end: int, words: int = 3) -> str:
    """A few words either side of a mention, for the table's Context column."""
    return "".join(context_parts(document, start, end, words))


def shorten(text: str, width: int) -> str:
    """`text` cut at its (logical) end to at most `width` terminal cells, `…` marking the cut."""
    from rich.cells import cell_len, get_character_cell_size

    if cell_len(text) <= width:
        return text
    used = 0
    for index, character in enumerate(text):
        used += get_character_cell_size(character)
        if used > width - 1:
            return text[:index] + "…" if width > 0 else ""
    return text


def fit_context(parts: tuple[str, str, str], width: int) -> str:
    """The context in at most `width` cells, shortened in logical order around its mention.

    The mention stays whole if it fits; the words next to it go last: the left
    side is cut at its start, the right side at its end, each given half of
    what is left (or what the other side does not need).
    """
    from rich.cells import cell_len

    left, mention, right = parts
    if cell_len(left) + cell_len(mention) + cell_len(right) <= width:
        return left + mention + right
    mention = shorten(mention, width)
    room = width - cell_len(mention)
    left_room = max(room // 2, room - cell_len(right))
    right_room = room - min(cell_len(left), left_room)
    return shorten(left[::-1], left_room)[::-1] + mention + shorten(right, right_room)
