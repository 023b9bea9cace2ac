"""Corrections applied to every model's labels: name lists and facility names.

- A name list (`arner/data/names.tsv`, plus any `--names FILE`) labels its
  names wherever they occur as whole words, a proclitic allowed on the first
  word: entities of current news that ANERcorp never saw (الحشد الشعبي).
- A facility word right before a place joins it: "مطار بغداد" is a place of its
  own, not a mention of بغداد. ANERcorp labels only بغداد there; arner keeps
  the facility's whole name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ArnerError
from .labels import TYPES
from .normalize import normalize, strip_proclitics

SHIPPED = Path(__file__).parent / "data" / "names.tsv"
FACILITIES = frozenset(
    normalize(word) for word in ("مطار", "ميناء", "قاعدة", "معبر", "مخيم", "سجن", "سد", "جسر", "مرفأ", "منفذ")
)
LIST_PROBABILITY = 1.0


def _key(word: str, first: bool) -> str:
    word = normalize(word)
    return strip_proclitics(word) if first else word


@dataclass
class Lexicon:
    """Known names by their normalized words; the longest match wins."""

    names: dict[tuple[str, ...], str]
    longest: int
    firsts: frozenset[str]  # first words of the names: a proclitic before them is dropped

    @classmethod
    def load(cls, paths: list[Path]) -> "Lexicon":
        names: dict[tuple[str, ...], str] = {}
        for path in paths:
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise ArnerError(f"cannot read the name list {path}: {error}") from None
            for number, line in enumerate(lines, 1):
                if not line.strip() or line.startswith("#"):
                    continue
                name, _, kind = line.rpartition("\t")
                if kind not in TYPES or not name.strip():
                    raise ArnerError(
                        f"{path}:{number}: expected 'name<TAB>TYPE', got {line!r}",
                        f"TYPE is one of {', '.join(TYPES)}",
                    )
                words = name.split()
                names[tuple(_key(w, i == 0) for i, w in enumerate(words))] = kind
        return cls(names, max(map(len, names), default=0), frozenset(key[0] for key in names))

    def _match(self, keys: list[str], start: int) -> tuple[int, str] | None:
        first = strip_proclitics(keys[start], self.firsts)
        for length in range(min(self.longest, len(keys) - start), 0, -1):
            kind = self.names.get((first, *keys[start + 1 : start + length]))
            if kind:
                return length, kind
        return None

    def apply(self, words: list[str], labelled: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Labels with list names and facility names corrected."""
        out = list(labelled)
        keys = [_key(word, False) for word in words]
        if self.names:
            i = 0
            while i < len(words):
                found = self._match(keys, i)
                if not found:
                    i += 1
                    continue
                length, kind = found
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
