"""Splitting decoded text into sentences and words, each word with its offsets.

Words come from CAMeL Tools' `simple_word_tokenize` (whitespace, then every
punctuation mark or symbol on its own). CAMeL Tools has no sentence splitter, so
a sentence ends at a line break or after . ! ? ؟ … when whitespace follows, and
a run-on sentence is cut every `MAX_WORDS` words. A line break is one of
`LINE_BREAK` (\r\n counts once), for sentences and line numbers alike. Text
arrives in chunks and is processed as it comes: a token longer than `MAX_WORD`
characters is cut into pieces of that length (no name is that long), and a run
without whitespace is processed up to its last tokens, so memory stays bounded
on a single 50 MB line, with or without spaces.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator

from ..types import Sentence, Word

MAX_WORDS = 400
MAX_WORD = 1000
STEP = 64 * 1024
_ENDS = frozenset(".!?؟…")
_CLOSERS = frozenset("\"')]}»”’")
# Unicode's mandatory breaks (UAX #14: BK, CR, LF, NL); CR LF is one break.
LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def line_breaks(text: str, start: int = 0, end: int | None = None) -> int:
    """The number of line breaks in text[start:end]."""
    return len(LINE_BREAK.findall(text, start, len(text) if end is None else end))


def _is_invisible(ch: str) -> bool:
    # Bidi marks, ZWNJ/ZWJ and BOMs are formatting, not letters: keep them out
    # of word boundaries so entity text starts and ends on a visible character.
    return unicodedata.category(ch) == "Cf"


def import_tokenizer_in_background() -> None:
    """Start importing CAMeL's tokenizer on a thread, for a run that loads a model first.

    Its import scans every Unicode code point (0.9 s of Python on an idle core);
    much of a model's load runs outside the GIL (file reads, numpy, torch), and
    the first sentence waits for the import only if it is still going. A
    failed import is left for that first use to report.
    """

    def load() -> None:
        try:
            import camel_tools.tokenizers.word  # noqa: F401
        except Exception:  # reported by the import in `_located`
            pass

    threading.Thread(target=load, name="arner-import-camel", daemon=True).start()


def _pieces(text: str) -> list[tuple[int, int]]:
    """[start, end) of CAMeL's word tokens in `text`, a token longer than MAX_WORD cut in pieces.

    CAMeL's tokenizer is quadratic inside one whitespace-free run in the worst case
    (a long chain of emoji joined by ZWJ), so a run longer than MAX_WORD is given to
    it MAX_WORD characters at a time (`_long_run`); everything else in one call.
    """
    pieces: list[tuple[int, int]] = []
    done = 0
    # (?<!\S): each run is tried once, from its start, so the search stays linear.
    for run in re.finditer(rf"(?<!\S)\S{{{MAX_WORD + 1},}}", text):
        _located(text, done, run.start(), pieces)
        _long_run(text, run.start(), run.end(), pieces)
        done = run.end()
    _located(text, done, len(text), pieces)
    return pieces


def _located(text: str, start: int, end: int, pieces: list[tuple[int, int]]) -> None:
    """Append the tokens of text[start:end], long ones cut every MAX_WORD characters."""
    # Imported here: `arner.text` itself loads no CAMeL Tools (`arner --help` stays fast).
    from camel_tools.tokenizers.word import simple_word_tokenize

    pos = start
    for token in simple_word_tokenize(text[start:end]):
        first = text.index(token, pos)
        last = pos = first + len(token)
        if last - first <= MAX_WORD:
            pieces.append((first, last))
        else:
            pieces.extend((at, min(at + MAX_WORD, last)) for at in range(first, last, MAX_WORD))


def _long_run(text: str, start: int, end: int, pieces: list[tuple[int, int]]) -> None:
    """Tokens of one long whitespace-free run, tokenized MAX_WORD characters at a time.

    Of each window, the last two tokens may change with what follows (a word goes
    on, an emoji sequence grows): the next window starts at the second-to-last.
    A window with fewer than three tokens holds a token as long as the window (or
    nearly): its first MAX_WORD characters are a piece, as for any long token.
    """
    while end - start > MAX_WORD:
        window: list[tuple[int, int]] = []
        _located(text, start, start + MAX_WORD, window)
        if len(window) >= 3:
            pieces.extend(window[:-2])
            start = window[-2][0]
        elif window[0][1] < start + MAX_WORD:
            pieces.append(window[0])
            start = window[0][1]
        else:
            pieces.append((start, start + MAX_WORD))
            start += MAX_WORD
    _located(text, start, end, pieces)


def _words(text: str, pieces: Iterable[tuple[int, int]], offset: int) -> tuple[list[Word], list[int]]:
    """Words of the pieces, without invisible marks at either end, and each one's piece start."""
    words, starts = [], []
    for start, end in pieces:
        first = start
        while start < end and _is_invisible(text[start]):
            start += 1
        while end > start and _is_invisible(text[end - 1]):
            end -= 1
        if start < end:
            words.append(Word(text[start:end], offset + start, offset + end))
            starts.append(first)
    return words, starts


def tokenize(text: str, offset: int = 0) -> list[Word]:
    """CAMeL's word tokens of `text`, located at their exact offsets."""
    return _words(text, _pieces(text), offset)[0]


def _split(words: list[Word], text: str, offset: int) -> list[list[Word]]:
    """Group located words into sentences."""
    sentences: list[list[Word]] = []
    current: list[Word] = []
    closed = False
    for word in words:
        if current:
            gap = text[current[-1].end - offset : word.start - offset]
            glued = not gap
            if (
                LINE_BREAK.search(gap)
                or (closed and not glued and word.text not in _CLOSERS)
                or len(current) >= MAX_WORDS
            ):
                sentences.append(current)
                current = []
                closed = False
        current.append(word)
        if word.text in _ENDS:
            closed = True
        elif closed and word.text not in _CLOSERS:
            closed = False
    if current:
        sentences.append(current)
    return sentences


def _last_space(text: str) -> int:
    """Index of the last whitespace character in the last MAX_WORD characters, or -1."""
    for i in range(len(text) - 1, max(len(text) - MAX_WORD, 0) - 1, -1):
        if text[i].isspace():
            # Never between the CR and LF of one line break.
            return i - 1 if i and text[i - 1 : i + 1] == "\r\n" else i
    return -1


def sentences(chunks: Iterable[str]) -> Iterator[Sentence]:
    """Yield the sentences of a text that arrives in chunks, in order."""
    buffer = ""
    offset = 0  # document offset of buffer[0]
    line = 1  # line number at buffer[0]
    index = 0
    # At most STEP characters are tokenized at a time, however large the chunks.
    pending = (chunk[at : at + STEP] for chunk in chunks for at in range(0, len(chunk), STEP))
    done = False
    while not done:
        chunk = next(pending, None)
        done = chunk is None
        if chunk is None:
            cut = len(buffer)
            pieces = _pieces(buffer)
        else:
            buffer += chunk
            cut = _last_space(buffer)
            if cut >= 0:
                pieces = _pieces(buffer[:cut])
            else:
                # A long run without whitespace: its last two tokens may still change
                # (a word goes on, an emoji sequence grows); everything before is final.
                pieces = _pieces(buffer) if len(buffer) >= 2 * MAX_WORD else []
                if len(pieces) < 3:
                    continue
                cut = pieces[-2][0]
                del pieces[-2:]
        head = buffer[:cut]
        words, starts = _words(head, pieces, offset)
        groups = _split(words, head, offset)
        # The last group may continue in the next chunk: carry it over, from where its
        # first token starts (so that tokenizing again finds the same words).
        if not done and groups and len(groups[-1]) < MAX_WORDS:
            keep_from = starts[len(words) - len(groups.pop())]
        else:
            keep_from = cut
        position = 0
        for group in groups:
            line += line_breaks(head, position, group[0].start - offset)
            position = group[0].start - offset
            index += 1
            text = head[group[0].start - offset : group[-1].end - offset]
            yield Sentence(index, line, tuple(group), text)
        line += line_breaks(head, position, keep_from)
        buffer = buffer[keep_from:]
        offset += keep_from


def sentences_of(text: str) -> list[Sentence]:
    """All sentences of an in-memory text."""
    return list(sentences([text]))
