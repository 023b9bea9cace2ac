"""Splitting decoded text into sentences and words, each word with its offsets.

Words come from CAMeL Tools' `simple_word_tokenize` (whitespace, then every
punctuation mark or symbol on its own). CAMeL Tools has no sentence splitter, so
a sentence ends at a line break or after . ! ? ؟ … when whitespace follows, and
a run-on sentence is cut every `MAX_WORDS` words. Text arrives in chunks and is
processed as it comes, so memory stays bounded on a single 50 MB line.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator

from ..types import Sentence, Word

MAX_WORDS = 400
_ENDS = frozenset(".!?؟…")
_CLOSERS = frozenset("\"')]}»”’")
_LINE_BREAKS = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x85]")


def _is_invisible(ch: str) -> bool:
    # Bidi marks, ZWNJ/ZWJ and BOMs are formatting, not letters: keep them out
    # of word boundaries so entity text starts and ends on a visible character.
    return unicodedata.category(ch) == "Cf"


def tokenize(text: str, offset: int = 0) -> list[Word]:
    """CAMeL's word tokens of `text`, located at their exact offsets."""
    # Imported here: `arner.text` itself loads no CAMeL Tools (`arner --help` stays fast).
    from camel_tools.tokenizers.word import simple_word_tokenize

    words = []
    pos = 0
    for token in simple_word_tokenize(text):
        start = text.index(token, pos)
        end = start + len(token)
        pos = end
        while start < end and _is_invisible(text[start]):
            start += 1
        while end > start and _is_invisible(text[end - 1]):
            end -= 1
        if start < end:
            words.append(Word(text[start:end], offset + start, offset + end))
    return words


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
                _LINE_BREAKS.search(gap)
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
    """Index of the last whitespace character, or -1 (scans back one word only)."""
    for i in range(len(text) - 1, -1, -1):
        if text[i].isspace():
            return i
    return -1


def sentences(chunks: Iterable[str]) -> Iterator[Sentence]:
    """Yield the sentences of a text that arrives in chunks, in order."""
    buffer = ""
    offset = 0  # document offset of buffer[0]
    line = 1  # line number at buffer[0]
    index = 0
    pending = iter(chunks)
    done = False
    while not done:
        chunk = next(pending, None)
        done = chunk is None
        if not done:
            buffer += chunk
            cut = _last_space(buffer)
            if cut < 0:
                continue
        else:
            cut = len(buffer)
        head = buffer[:cut]
        groups = _split(tokenize(head, offset), head, offset)
        # The last group may continue in the next chunk: carry it over.
        if not done and groups and len(groups[-1]) < MAX_WORDS:
            keep_from = groups.pop()[0].start - offset
        else:
            keep_from = cut
        position = 0
        for group in groups:
            line += head.count("\n", position, group[0].start - offset)
            position = group[0].start - offset
            index += 1
            text = head[group[0].start - offset : group[-1].end - offset]
            yield Sentence(index, line, tuple(group), text)
        line += head.count("\n", position, keep_from)
        buffer = buffer[keep_from:]
        offset += keep_from


def sentences_of(text: str) -> list[Sentence]:
    """All sentences of an in-memory text."""
    return list(sentences([text]))
