"""Name lists: one file format, one longest-match matcher, and the corrections
arner applies to every model's labels.

A name list is a UTF-8 file of `name<TAB>TYPE` lines (the shipped
`arner/names.tsv`, any `--names FILE`, and the CRF's gazetteer and training
names). `NameIndex` finds, at a position in a list of normalized words, the
longest listed name; the CRF uses it for features, `Lexicon` for corrections:

- a listed name is labelled wherever it occurs as whole words, a proclitic
  allowed on the first word: entities of current news that ANERcorp never saw
  (الحشد الشعبي);
- a facility word right before a place joins it: "مطار بغداد" is a place of its
  own, not a mention of بغداد. ANERcorp labels only بغداد there; arner keeps
  the facility's whole name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ArnerError
from .text.normalize import normalize, strip_proclitics
from .types import TYPES, Labelled

SHIPPED = Path(__file__).parent / "names.tsv"
FACILITIES = frozenset(
    normalize(word) for word in ("مطار", "ميناء", "قاعدة", "معبر", "مخيم", "سجن", "سد", "جسر", "مرفأ", "منفذ")
)
LIST_PROBABILITY = 1.0


def read_pairs(path: Path, types: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(name, TYPE) per line of a name-list file; blank lines and # comments skipped.

    With `types`, a line whose TYPE is not one of them raises ValueError.
    """
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            name, _, kind = line.rpartition("\t")
            if types is not None and (kind not in types or not name.strip()):
                raise ValueError(f"{path}:{number}: expected 'name<TAB>TYPE', got {line!r}")
            pairs.append((name, kind))
    return pairs


def write_pairs(path: Path, pairs: Iterable[tuple[str, str]]) -> None:
    path.write_text("".join(f"{name}\t{kind}\n" for name, kind in pairs), encoding="utf-8")


@dataclass(frozen=True)
class NameIndex:
    """Names as tuples of normalized words, each with the types it is listed under."""

    entries: dict[tuple[str, ...], frozenset[str]]
    longest: int
    firsts: frozenset[str]  # the names' first words

    @classmethod
    def of(cls, names: Iterable[tuple[tuple[str, ...], Iterable[str]]]) -> NameIndex:
        entries: dict[tuple[str, ...], set[str]] = {}
        for words, kinds in names:
            if words:
                entries.setdefault(words, set()).update(kinds)
        frozen = {words: frozenset(kinds) for words, kinds in entries.items()}
        return cls(frozen, max(map(len, frozen), default=0), frozenset(words[0] for words in frozen))

    def match_at(self, words: list[str], start: int, firsts: Iterable[str]) -> tuple[int, frozenset[str]] | None:
        """(length, types) of the longest name at `start`, whose first word may be
        any of `firsts` (spellings of words[start]); later words must match as given."""
        candidates = [first for first in dict.fromkeys(firsts) if first in self.firsts]
        for length in range(min(self.longest, len(words) - start) if candidates else 0, 0, -1):
            tail = tuple(words[start + 1 : start + length])
            for first in candidates:
                kinds = self.entries.get((first, *tail))
                if kinds is not None:
                    return length, kinds
        return None


@lru_cache(maxsize=1 << 16)  # every sentence's words pass through Lexicon.apply
def _key(word: str, first: bool) -> str:
    word = normalize(word)
    return strip_proclitics(word) if first else word


@dataclass(frozen=True)
class Lexicon:
    """Known names that override a model's labels; the longest match wins."""

    index: NameIndex

    @classmethod
    def load(cls, paths: list[Path]) -> Lexicon:
        # A later list overrides an earlier one's type for the same name.
        names: dict[tuple[str, ...], str] = {}
        for path in paths:
            try:
                pairs = read_pairs(path, TYPES)
            except (OSError, UnicodeDecodeError) as error:
                raise ArnerError(f"cannot read the name list {path}: {error}") from None
            except ValueError as error:
                raise ArnerError(str(error), f"TYPE is one of {', '.join(TYPES)}") from None
            for name, kind in pairs:
                names[tuple(_key(w, i == 0) for i, w in enumerate(name.split()))] = kind
        return cls(NameIndex.of((words, (kind,)) for words, kind in names.items()))

    def apply(self, words: list[str], labelled: Labelled) -> Labelled:
        """Labels with list names and facility names corrected."""
        out = list(labelled)
        keys = [_key(word, False) for word in words]
        i = 0
        while self.index.entries and i < len(words):
            first = strip_proclitics(keys[i], self.index.firsts)
            found = self.index.match_at(keys, i, [first]) if first in self.index.firsts else None
            if not found:
                i += 1
                continue
            length, kinds = found
            (kind,) = kinds
            out[i : i + length] = [("B-" + kind, LIST_PROBABILITY)] + [("I-" + kind, LIST_PROBABILITY)] * (length - 1)
            after = i + length
            if after < len(out) and out[after][0].startswith("I-"):
                out[after] = ("B-" + out[after][0][2:], out[after][1])
            i = after
        for i in range(len(words) - 1):
            if out[i][0] == "O" and out[i + 1][0] == "B-LOC" and strip_proclitics(keys[i], FACILITIES) in FACILITIES:
                out[i] = ("B-LOC", out[i][1])
                out[i + 1] = ("I-LOC", out[i + 1][1])
        return out
