"""Documents read into sentences as the extractor takes them: each input read once (its text kept
when the page needs it), a decoding error ending its sentences, and windows of sentences across
documents for models that label each sentence alone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import InputError
from .inputs.sources import Document
from .text import segment
from .types import Sentence, Skipped


@dataclass
class Pending:
    """One sentence of a document, or (no sentence) the document's end with its error and kept text."""

    document: Document
    sentence: Sentence | None = None
    error: InputError | None = None
    text: str | None = None


class ReadAhead:
    """A document being read: the sentences read ahead (`head`), then the rest (`reader`)."""

    def __init__(self, document: Document, keep_text: bool) -> None:
        self.document = document
        self.kept: list[str] | None = [] if keep_text else None
        self.reader = Sentences(document, self.kept)
        self.head: list[Sentence] = []


class Sentences:
    """A document's sentences; a decoding error ends them and is kept in `error`."""

    def __init__(self, document: Document, kept: list[str] | None) -> None:
        self._sentences = segment.sentences(_chunks(document, kept))
        self.error: InputError | None = None

    def __iter__(self) -> Iterator[Sentence]:
        return self

    def __next__(self) -> Sentence:
        if self.error is not None:
            raise StopIteration
        try:
            return next(self._sentences)
        except InputError as error:
            self.error = error
            raise StopIteration from None


def _chunks(document: Document, kept: list[str] | None) -> Iterator[str]:
    """The document's text as segmentation reads it, also added to `kept` when
    that is a list: an input is read once (stdin cannot be read again)."""
    for chunk in document.chunks():
        if kept is not None:
            kept.append(chunk)
        yield chunk


def pending_sentences(inputs: Iterable[Document | Skipped], keep_text: bool) -> Iterator[Pending | Skipped]:
    for document in inputs:
        if isinstance(document, Skipped):
            yield document
            continue
        kept: list[str] | None = [] if keep_text else None
        reader = Sentences(document, kept)
        for sentence in reader:
            yield Pending(document, sentence)
        yield Pending(document, error=reader.error, text=None if kept is None else "".join(kept))


def take_window(items: Iterator[Pending | Skipped], size: int) -> list[Pending | Skipped]:
    """Items up to and including the `size`-th sentence."""
    window: list[Pending | Skipped] = []
    sentences = 0
    for item in items:
        window.append(item)
        if isinstance(item, Pending) and item.sentence is not None:
            sentences += 1
            if sentences >= size:
                break
    return window
