"""The values that flow through arner: words, sentences, entities, run events.

Every other module may import this one; it imports nothing from arner, so the
output writers and the text functions can be used without loading a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

TYPES = ("PERS", "LOC", "ORG", "MISC")
LABEL = re.compile(r"O|[BI]-(PERS|LOC|ORG|MISC)")

# One (BIO label, probability) per word: what every model returns.
Labelled = list[tuple[str, float]]


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A run of words; `index` and `line` are 1-based within the document.

    `text` is the document's text from the first word's start to the last
    word's end, so any span of words can be sliced from it.
    """

    index: int
    line: int
    words: tuple[Word, ...]
    text: str

    def slice(self, start: int, end: int) -> str:
        """The document's text at [start, end), which must lie in this sentence."""
        base = self.words[0].start
        return self.text[start - base : end - base]

    @property
    def texts(self) -> list[str]:
        return [word.text for word in self.words]


@dataclass(frozen=True)
class Entity:
    """An entity found in a document; `text == document[start:end]`.

    Offsets count code points of the decoded document. `normalized` is the form
    counted by `--summary` (no diacritics or tatweel, proclitics stripped);
    `score` is the mean probability of the entity's word labels.
    """

    text: str
    type: str
    start: int
    end: int
    line: int
    sentence: int
    score: float
    normalized: str

    def to_dict(self) -> dict:
        # Fields are flat: a shallow copy, not asdict()'s recursive deep copy (it runs per entity).
        return dict(self.__dict__)


@dataclass(frozen=True)
class Skipped:
    """An input that was found but cannot be processed, and why."""

    source: str
    reason: str


class DocumentLike(Protocol):
    """What the writers read of an event's document (`inputs.sources.Document` is one):
    declared here so that this module needs nothing of the inputs."""

    @property
    def source(self) -> str: ...

    @property
    def relpath(self) -> str: ...

    @property
    def encoding(self) -> str: ...


class Failure(Protocol):
    """Why a document stopped early (`errors.InputError` is one)."""

    @property
    def message(self) -> str: ...


@dataclass
class SentenceResult:
    """One sentence of a document with its labels and the entities in it."""

    document: DocumentLike
    sentence: Sentence
    labels: list[str]
    entities: list[Entity]


@dataclass
class DocumentDone:
    """A document has no more sentences; `error` says why it stopped early.

    `text` is the whole decoded document, only when the stream was asked to
    keep it (`Extractor.stream(..., keep_text=True)`, for the HTML page).
    """

    document: DocumentLike
    error: Failure | None = None
    text: str | None = None


Event = SentenceResult | DocumentDone | Skipped
