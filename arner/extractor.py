"""The pipeline without Click: documents in, labelled sentences and entities out.

A document's entities are a function of that document and the options alone:
never of the documents before or after it, the window size or the batch size.

- A model whose labels use evidence across sentences (the CRF: its `context`
  sentences each way) is only ever given sentences of one document. A long
  document is labelled in stretches of `window` sentences, each fed with
  `context` sentences on either side, so its labels equal those of labelling
  the whole document at once while memory stays bounded. Short documents are
  read ahead, up to `window` sentences, for a model that can `warm` up on them
  together (e5 encodes each sentence alone, then reads the document's evidence).
- A model that labels each sentence alone (BERT, `context` 0) gets windows of
  `window` sentences across consecutive documents, so it sees full batches
  even on many short files; each window is padded to a width set by its own
  length, so a sentence's scores do not depend on its batch-mates.

The model sees each word folded (`normalize.fold`: presentation forms and
variation selectors); entity text and offsets stay on the original text.
Results come out in input order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from . import models
from .inputs.sources import Document, text_document
from .models import Settings
from .names import SHIPPED, Lexicon
from .reading import Pending, ReadAhead, pending_sentences, take_window
from .text.normalize import fold, has_arabic_letter
from .text.spans import MIN_SCORE, Span, bio_spans, scored_spans, sentence_entities, span_labels, without_function_words
from .types import TYPES, DocumentDone, Entity, Event, Labelled, Sentence, SentenceResult, Skipped


class Extractor:
    """Load a model once, then find entities in many texts.

    One Extractor may be shared by threads: it keeps no state between calls
    but the loaded model, and the model's non-reentrant part (a CRF tagger, a
    tokenizer, a forward pass) runs under a lock, one call at a time.
    Segmentation and everything around the model run in parallel.

    `min_score` leaves out entities whose score (a calibrated probability) is below it.

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
        min_score: float = MIN_SCORE,
    ) -> None:
        if not 0 <= min_score <= 1:
            raise ValueError(f"min_score is a probability, from 0 to 1, not {min_score}")
        self.min_score = min_score
        self.info = models.resolve(model)
        calibration = self.info.meta.get("calibration", {})
        self.temperature, self.bias = float(calibration.get("temperature", 1.0)), float(calibration.get("bias", 0.0))
        self.recognizer = models.load(self.info, settings)
        self.types = frozenset(types)
        self.lexicon = Lexicon.load([SHIPPED, *names])
        self.known = models.known_words(self.recognizer)
        self.context = self.recognizer.context
        if window < 1:
            raise ValueError(f"window must be at least 1 sentence, not {window}")
        self.window = window
        self._model_lock = threading.Lock()

    def extract(self, text: str) -> list[Entity]:
        """All entities of one text, in order.

        Raises TypeError for anything but a str, ValueError for a str that
        cannot be text (a lone surrogate).
        """
        events = self.stream([text_document(_checked(text, "extract"))])
        return [entity for event in events if isinstance(event, SentenceResult) for entity in event.entities]

    def extract_many(self, texts: Iterable[str]) -> Iterator[list[Entity]]:
        """The entities of each text, one list per text, in order: `extract` on each, with
        the model's batching across texts (each text is still a document of its own)."""
        if isinstance(texts, str):
            raise TypeError("extract_many() takes an iterable of str, not one str: use extract()")
        documents = (text_document(_checked(text, "extract_many"), f"<text {i}>") for i, text in enumerate(texts))
        found: list[Entity] = []
        for event in self.stream(documents):
            if isinstance(event, SentenceResult):
                found.extend(event.entities)
            elif isinstance(event, DocumentDone):
                yield found
                found = []

    def label(self, sentences: list[list[str]]) -> list[list[str]]:
        """One BIO label per word for pre-tokenized sentences of one document (as in CoNLL files)."""
        return [span_labels(spans, len(words)) for words, spans in zip(sentences, self.spans(sentences))]

    def spans(self, sentences: list[list[str]]) -> list[list[Span]]:
        """The entities of pre-tokenized sentences of one document, on word positions, with their scores."""
        folded = _folded(sentences)
        return [self._spans(words, labelled) for words, labelled in zip(folded, self._predict(folded))]

    def _predict(self, folded: list[list[str]]) -> list[Labelled]:
        """The model's labels on folded words; for a model of Arabic only, entities without an Arabic letter are O."""
        with self._model_lock:
            predicted = self.recognizer.predict(folded)
        if not self.recognizer.arabic_only:
            return predicted
        return [_arabic_only(words, labelled) for words, labelled in zip(folded, predicted)]

    def _spans(self, folded: list[str], predicted: Labelled) -> list[Span]:
        """A sentence's entities as output (the one place all pass): the name lists applied,
        entities of function words alone dropped, only the types asked for, scores
        calibrated, none below `min_score`."""
        corrected = without_function_words(folded, self.lexicon.apply(folded, predicted))
        spans = scored_spans(
            [label for label, _ in corrected], [prob for _, prob in corrected], self.temperature, self.bias
        )
        return [span for span in spans if span.type in self.types and span.score >= self.min_score]

    def stream(self, inputs: Iterable[Document | Skipped], *, keep_text: bool = False) -> Iterator[Event]:
        """Label every sentence of every document; yields events in input order.

        With `keep_text`, each `DocumentDone` carries the document's whole text.
        """
        if self.context > 0:
            yield from self._by_document(inputs, keep_text)
            return
        pending = pending_sentences(inputs, keep_text)
        while True:
            window = take_window(pending, self.window)
            if not window:
                return
            folded = _folded(item.sentence.texts for item in window if isinstance(item, Pending) and item.sentence)
            results = zip(folded, self._predict(folded))
            for item in window:
                if isinstance(item, Skipped):
                    yield item
                elif item.sentence is not None:
                    yield self._result(item.document, item.sentence, *next(results))
                else:
                    yield DocumentDone(item.document, item.error, item.text)

    def _by_document(self, inputs: Iterable[Document | Skipped], keep_text: bool) -> Iterator[Event]:
        """Each document labelled alone. Short ones are read ahead, up to `window` sentences in
        all, so that a model with `warm` (e5) runs their sentences through its encoder together."""
        group: list[Skipped | ReadAhead] = []
        sentences = 0
        for item in inputs:
            if isinstance(item, Skipped):
                group.append(item)
                continue
            read = ReadAhead(item, keep_text)
            read.head = list(islice(read.reader, self.window + self.context + 1))
            whole = len(read.head) <= self.window + self.context
            if whole:
                group.append(read)
                sentences += len(read.head)
            if not whole or sentences >= self.window:
                yield from self._group(group)
                group, sentences = [], 0
            if not whole:
                yield from self._document(read)
        yield from self._group(group)

    def _group(self, group: list[Skipped | ReadAhead]) -> Iterator[Event]:
        with self._model_lock:  # a generator: a model that does not warm up folds nothing
            self.recognizer.warm(
                [fold(word) for word in sentence.texts]
                for read in group
                if isinstance(read, ReadAhead)
                for sentence in read.head
            )
        for entry in group:
            if isinstance(entry, Skipped):
                yield entry
            else:
                yield from self._document(entry)

    def _document(self, read: ReadAhead) -> Iterator[Event]:
        """One document in stretches of `window` sentences, each with `context` around it."""
        sentences = chain(read.head, read.reader)
        before: deque[Sentence] = deque(maxlen=self.context)
        ahead = list(islice(sentences, self.window + self.context))
        while ahead:
            core, after = ahead[: self.window], ahead[self.window :]
            folded = _folded(sentence.texts for sentence in [*before, *core, *after])
            predicted = self._predict(folded)
            for at, sentence in enumerate(core, len(before)):
                yield self._result(read.document, sentence, folded[at], predicted[at])
            before.extend(core)
            ahead = after + list(islice(sentences, self.window))
        yield DocumentDone(read.document, read.reader.error, None if read.kept is None else "".join(read.kept))

    def _result(self, document: Document, sentence: Sentence, folded: list[str], predicted: Labelled) -> SentenceResult:
        spans = self._spans(folded, predicted)
        return SentenceResult(
            document, sentence, span_labels(spans, len(folded)), sentence_entities(sentence, spans, self.known)
        )


def _checked(text: str, caller: str) -> str:
    """`text`, if it is a str that is valid Unicode text: TypeError or ValueError otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"{caller}() takes a str, not {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"text has a lone surrogate {text[error.start]!r} at offset {error.start}: not valid Unicode text"
        ) from None
    return text


def _folded(sentences: Iterable[list[str]]) -> list[list[str]]:
    """Each sentence's words as the models and name lists read them (`normalize.fold`)."""
    return [[fold(word) for word in words] for words in sentences]


def _arabic_only(words: list[str], labelled: Labelled) -> Labelled:
    """`labelled` without entities that have letters but no Arabic letter.

    The models know Arabic names only; on Latin (or other) script they label
    noise, such as a whole English sentence as one ORG. Punctuation and digits
    inside an Arabic name keep their labels. Name lists apply after this, so a
    Latin name listed with `--names` is still found.
    """
    out = list(labelled)
    for _, first, last in bio_spans([label for label, _ in labelled]):
        span = words[first:last]
        if any(ch.isalpha() for word in span for ch in word) and not any(map(has_arabic_letter, span)):
            out[first:last] = [("O", prob) for _, prob in labelled[first:last]]
    return out
