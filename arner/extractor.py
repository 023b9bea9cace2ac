"""The pipeline without Click: documents in, labelled sentences and entities out.

Sentences from consecutive documents are labelled together in windows of
`window` sentences, so a BERT model sees full, length-sorted batches even on
many short files, while memory stays bounded however large the input is.
Results come out in input order.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Iterable, Iterator

from . import models
from .errors import InputError
from .inputs.sources import Document, text_document
from .models import Settings
from .names import SHIPPED, Lexicon
from .text import segment
from .text.spans import sentence_entities
from .types import TYPES, DocumentDone, Entity, Event, Sentence, SentenceResult, Skipped


@dataclass
class _Pending:
    document: Document
    sentence: Sentence | None = None
    error: InputError | None = None


class Extractor:
    """Load a model once, then find entities in many texts.

    >>> extractor = Extractor()                       # doctest: +SKIP
    >>> [(e.text, e.type) for e in extractor.extract("وصل الكاظمي إلى بغداد")]  # doctest: +SKIP
    [('الكاظمي', 'PERS'), ('بغداد', 'LOC')]
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        settings: Settings = Settings(),
        types: Iterable[str] = TYPES,
        names: Iterable[Path] = (),
        window: int = 512,
    ) -> None:
        self.info = models.resolve(model)
        self.recognizer = models.load(self.info, settings)
        self.types = frozenset(types)
        self.lexicon = Lexicon.load([SHIPPED, *names])
        self.known = models.known_words(self.recognizer)
        self.per_document = self.info.kind.context > 0
        self.window = window

    def extract(self, text: str) -> list[Entity]:
        """All entities of one text, in order."""
        events = self.stream([text_document(text)])
        return [entity for event in events if isinstance(event, SentenceResult) for entity in event.entities]

    def label(self, sentences: list[list[str]]) -> list[list[str]]:
        """One BIO label per word for pre-tokenized sentences (as in CoNLL files)."""
        predicted = self.recognizer.predict(sentences)
        return [
            [self._keep(label) for label, _ in self.lexicon.apply(words, labelled)]
            for words, labelled in zip(sentences, predicted)
        ]

    def _keep(self, label: str) -> str:
        return label if label == "O" or label[2:] in self.types else "O"

    def stream(self, inputs: Iterable[Document | Skipped]) -> Iterator[Event]:
        """Label every sentence of every document; yields events in input order."""
        pending = _pending(inputs)
        while True:
            window = _take_window(pending, self.window, whole_documents=self.per_document)
            if not window:
                return
            labelled = [item for item in window if isinstance(item, _Pending) and item.sentence]
            predicted = iter(self._predict(labelled))
            for item in window:
                if isinstance(item, Skipped):
                    yield item
                elif item.sentence is not None:
                    yield self._result(item, self.lexicon.apply(item.sentence.texts, next(predicted)))
                else:
                    yield DocumentDone(item.document, item.error)

    def _predict(self, items: list[_Pending]) -> list[list[tuple[str, float]]]:
        if not self.per_document:
            return self.recognizer.predict([item.sentence.texts for item in items])
        # The CRF reads evidence from nearby sentences: keep it within one document.
        return [
            labelled
            for _, group in groupby(items, key=lambda item: id(item.document))
            for labelled in self.recognizer.predict([item.sentence.texts for item in group])
        ]

    def _result(self, item: _Pending, predicted: list[tuple[str, float]]) -> SentenceResult:
        labels = [self._keep(label) for label, _ in predicted]
        probs = [prob for _, prob in predicted]
        entities = sentence_entities(item.sentence, labels, probs, self.known)
        return SentenceResult(item.document, item.sentence, labels, entities)


def _pending(inputs: Iterable[Document | Skipped]) -> Iterator[_Pending | Skipped]:
    for document in inputs:
        if isinstance(document, Skipped):
            yield document
            continue
        try:
            for sentence in segment.sentences(document.chunks()):
                yield _Pending(document, sentence)
        except InputError as error:
            yield _Pending(document, error=error)
            continue
        yield _Pending(document)


def _take_window(items: Iterator[_Pending | Skipped], size: int, whole_documents: bool) -> list[_Pending | Skipped]:
    """Items up to and including the `size`-th sentence.

    With `whole_documents` (a model that reads a document's other sentences), a window ends at
    the end of a document once it holds `size` sentences, or after `size` sentences of one
    document: each document is then labelled in the same pieces (its sentences 1 to `size`,
    then the next `size`, ...) whatever comes before it, so its entities never depend on the
    other inputs of a run, or on how an engine batches documents.
    """
    window: list[_Pending | Skipped] = []
    sentences = in_document = 0
    for item in items:
        window.append(item)
        if isinstance(item, Skipped):
            continue
        if item.sentence is None:
            in_document = 0
            if whole_documents and sentences >= size:
                break
            continue
        sentences += 1
        in_document += 1
        if (in_document if whole_documents else sentences) >= size:
            break
    return window
