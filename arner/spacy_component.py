"""arner as a spaCy pipeline component: `nlp.add_pipe("arner")` on `spacy.blank("ar")`.

spaCy finds the factory through the `spacy_factories` entry point (setup.cfg),
so a pipeline, or `spacy.load` of a saved one, needs no `import arner`. Each
Doc is one arner document: its entities are those `Extractor.extract` finds in
`doc.text`, whatever else is in the `nlp.pipe` batch. arner finds entities by
characters; where a boundary falls inside a spaCy token (`بغداد،الكاظمي` is one
token to spaCy, three words to arner) `alignment` decides: "split" the token
there (the default: every span's text is arner's entity), or "expand" /
"contract" the span to whole tokens as `Doc.char_span` does.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from .extractor import Extractor
from .models import Settings
from .text.spans import MIN_SCORE
from .types import Entity

ALIGNMENTS = ("split", "expand", "contract")

if not Span.has_extension("arner_score"):
    Span.set_extension("arner_score", default=None)


@Language.factory(
    "arner",
    default_config={
        "model": None,
        "min_score": MIN_SCORE,
        "names": [],
        "device": "auto",
        "batch_size": 32,
        "overwrite_ents": False,
        "alignment": "split",
    },
)
def make_arner(
    nlp: Language,
    name: str,
    model: str | None,
    min_score: float,
    names: list[str],
    device: str,
    batch_size: int,
    overwrite_ents: bool,
    alignment: str,
) -> ArnerComponent:
    """`model`: as `arner extract --model` (None: the same default); `names`: name-list files;
    `min_score`, `device`, `batch_size` (sentences per forward pass): as the CLI's options (ValueError if out of range)."""
    if alignment not in ALIGNMENTS:
        raise ValueError(f"alignment must be one of {', '.join(ALIGNMENTS)}, not {alignment!r}")
    extractor = Extractor(
        model, settings=Settings(device=device, batch_size=batch_size), names=map(Path, names), min_score=min_score
    )
    return ArnerComponent(extractor, overwrite_ents=overwrite_ents, alignment=alignment)


class ArnerComponent:
    """Sets `doc.ents` (labels PERS, LOC, ORG, MISC) and `span._.arner_score` on each."""

    def __init__(self, extractor: Extractor, *, overwrite_ents: bool, alignment: str) -> None:
        self.extractor = extractor
        self.overwrite_ents = overwrite_ents
        self.alignment = alignment

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Each batch of `batch_size` docs goes through arner's batching together."""
        for batch in minibatch(docs, size=batch_size):
            for doc, entities in zip(batch, self.extractor.extract_many(doc.text for doc in batch)):
                self.set_annotations(doc, entities)
                yield doc

    def set_annotations(self, doc: Doc, entities: list[Entity]) -> None:
        """Entities overlapping an existing entity are dropped, or replace it with `overwrite_ents`
        (spaCy's entity_ruler convention); existing entities that overlap none are kept."""
        if not self.overwrite_ents:
            taken = _overlapping([(span.start_char, span.end_char) for span in doc.ents])
            entities = [e for e in entities if not taken(e.start, e.end)]
        if self.alignment == "split":
            _split_at(doc, {offset for e in entities for offset in (e.start, e.end)})
        spans: list[Span] = []
        for entity in entities:
            span = doc.char_span(entity.start, entity.end, entity.type, alignment_mode=_MODE[self.alignment])
            if span is None or (spans and span.start < spans[-1].end):
                continue  # contracted to nothing, or expanded onto the previous entity's token
            span._.arner_score = entity.score
            spans.append(span)
        replaced = _overlapping([(span.start, span.end) for span in spans])
        kept = [span for span in doc.ents if not replaced(span.start, span.end)]
        doc.ents = sorted([*kept, *spans], key=lambda span: span.start)


# "split" has cut the tokens at every boundary first, so the span is exact.
_MODE = {"split": "strict", "expand": "expand", "contract": "contract"}


def _overlapping(intervals: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether [start, end) overlaps one of `intervals` (sorted, not overlapping each other)."""
    stops = [stop for _, stop in intervals]

    def overlaps(start: int, end: int) -> bool:
        i = bisect_right(stops, start)
        return i < len(intervals) and intervals[i][0] < end

    return overlaps


def _split_at(doc: Doc, offsets: set[int]) -> None:
    """Split every token that one of `offsets` falls strictly inside, at those offsets."""
    if not offsets:
        return
    starts, lengths = doc.to_array(["IDX", "LENGTH"]).T.tolist()  # not Token objects: 40x faster
    cuts: dict[int, list[int]] = {}
    for offset in sorted(offsets):
        i = bisect_right(starts, offset) - 1
        if i >= 0 and starts[i] < offset < starts[i] + lengths[i]:
            cuts.setdefault(i, []).append(offset - starts[i])
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for i, inside in cuts.items():
            token = doc[i]
            bounds = [0, *inside, len(token.text)]
            orths = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
