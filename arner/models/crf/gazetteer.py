"""The CRF's gazetteer: names of places, organizations and people, and person-name tokens.

The compiled file is a name list (`name<TAB>TYPE`, see `arner.names`) of
normalized names typed LOC, ORG or PERS, or PTOK (a token of a person name).
It lives in the model folder; `scripts/build_gazetteer.py` compiles it from the
source lists, so predicting needs neither the data nor the build's packages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...names import NameIndex, read_pairs

PERSON_TOKEN = "PTOK"


@dataclass(frozen=True)
class Gazetteer:
    names: NameIndex
    person_tokens: frozenset[str]

    def words(self) -> frozenset[str]:
        """Every token of every name: the known words for clitic stripping."""
        tokens = {token for name in self.names.entries for token in name}
        return frozenset(tokens | self.person_tokens)

    def types_of(self, word: str) -> frozenset[str]:
        return self.names.entries.get((word,), frozenset())


def load_gazetteer(path: Path) -> Gazetteer:
    return from_entries(read_pairs(path))


def from_entries(pairs: Iterable[tuple[str, str]]) -> Gazetteer:
    """Gazetteer from (normalized name, TYPE) pairs."""
    pairs = list(pairs)
    person_tokens = frozenset(name for name, kind in pairs if kind == PERSON_TOKEN)
    names = NameIndex.of((tuple(name.split()), (kind,)) for name, kind in pairs if kind != PERSON_TOKEN)
    return Gazetteer(names, person_tokens)


def match(gazetteer: Gazetteer, words: list[str], stems: list[str]) -> list[str]:
    """Greedy longest-match tags ("B-LOC", "I-ORG|PERS", "O") over normalized words.

    A name may start on the clitic-stripped form of a word ("وبغداد"), later
    tokens must match the normalized word itself.
    """
    tags = ["O"] * len(words)
    firsts = gazetteer.names.firsts
    i = 0
    while i < len(words):
        # Most words start no name: checked here, before match_at's general case.
        if words[i] not in firsts and stems[i] not in firsts:
            i += 1
            continue
        found = gazetteer.names.match_at(words, i, (words[i], stems[i]))
        if found is None:
            i += 1
            continue
        length, kinds = found
        label = "|".join(sorted(kinds))
        tags[i] = "B-" + label
        for j in range(i + 1, i + length):
            tags[j] = "I-" + label
        i += length
    return tags
