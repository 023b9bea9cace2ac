"""Arabic text normalization shared by the NER features and entity counting.

Choices (measured on the last 10 % of ANERcorp train):

* Diacritics, tatweel and invisible/bidi controls are removed: they never change
  which entity a word names, and the corpora are inconsistent about them.
* Alef forms (أ إ آ ٱ) become ا and ى becomes ي: ANERcorp writes "علي"/"إلي"
  for "على"/"إلى", so spelling of hamza and final ya varies for the same name.
* ة becomes ه: names ending in ta marbuta are spelled both ways in the news
  and gazetteer sources ("الجزيرة"/"الجزيره"); keeping them apart cost 0.8
  F1 on held-out data (.745 vs .753, mean of two held-out tenths).
"""

import re
import unicodedata
from collections.abc import Container

# Harakat, tanween, shadda, sukun, small marks; superscript alef, tatweel.
_MARKS = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"]
_DELETE = (
    _MARKS
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06DE, 0x06E9)]  # Quranic marks
    + [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ufeff", "\u00ad"]
)
_TABLE = str.maketrans(
    {
        **{ch: None for ch in _DELETE},
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
    }
)

_MARKS_TABLE = str.maketrans({ch: None for ch in _MARKS})

# Arabic presentation forms (contextual letter shapes, ligatures) and variation selectors.
_FOLDED = re.compile("[\ufb50-\ufdff\ufe70-\ufeff\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe]")

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")
MIN_REST = 3  # shorter remainders are too often the word itself ("ولد", "لبس")


def fold(word: str) -> str:
    """`word` as the models read it: presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF)
    become the letters they show (NFKC: "ﻻ" → "لا"), variation selectors go.

    Only those characters change; others keep their form (NFKC would also fold
    digits, superscripts and compatibility characters the models were trained on).
    Entities keep the original text and offsets: this is for the model's eyes.
    """
    if not _FOLDED.search(word):
        return word
    return _FOLDED.sub(lambda match: _fold_char(match.group()), word) or word


def _fold_char(ch: str) -> str:
    if "\ufe00" <= ch <= "\ufe0f" or ch >= "\U000e0100":
        return ""
    return unicodedata.normalize("NFKC", ch)


def has_arabic_letter(text: str) -> bool:
    """Whether `text` has a letter of the Arabic script."""
    return any(unicodedata.category(ch).startswith("L") for ch in _ARABIC.findall(text))


def strip_marks(text: str) -> str:
    """`text` without diacritics and tatweel; letters otherwise as written (ى, ة and hamza kept)."""
    return text.translate(_MARKS_TABLE)


def normalize(text: str) -> str:
    """Return `text` without diacritics/controls and with unified letter forms."""
    return text.translate(_TABLE)


def _split_article(word: str) -> str | None:
    """Return the definite noun inside `word` if it is (prep +) ال + noun, else None."""
    if word.startswith("ال") and len(word) - 2 >= MIN_REST:
        return word
    if word[:1] in PREPOSITIONS and word[1:3] == "ال" and len(word) - 3 >= MIN_REST:
        return word[1:]
    if word.startswith("لل") and len(word) - 2 >= MIN_REST:  # ل + ال drops the alef
        return "ال" + word[2:]
    return None


def strip_proclitics(word: str, known: Container[str] | None = None) -> str:
    """Strip leading و/ف and ب/ل/ك from a normalized word, conservatively.

    Without `known`, clitics are stripped only in front of the article ال
    ("والكاظمي" -> "الكاظمي", "للحكومة" -> "الحكومة"), where the split is
    unambiguous. With `known` (normalized entity/gazetteer words), a bare
    clitic is also stripped when the remainder is known and the word itself
    is not ("وبغداد" -> "بغداد", while "لبنان" stays).
    """
    rest = word[1:] if word[:1] in CONJUNCTIONS else word
    article = _split_article(rest)
    if article is not None:
        return article
    if known is None or word in known:
        return word
    candidates = [rest] if rest is not word else []
    if rest[:1] in PREPOSITIONS:
        candidates.append(rest[1:])
    for candidate in candidates:
        if len(candidate) >= MIN_REST and candidate in known:
            return candidate
    return word


def entity_key(text: str, known: Container[str] | None = None) -> str:
    """Normalized key under which mentions of the same entity are counted once.

    Beyond `strip_proclitics`, a conjunction is dropped before a known name even
    when the joined form is known too ("ولبنان" counts as "لبنان").
    """
    words = normalize(text).split()
    if not words:
        return ""
    first = strip_proclitics(words[0], known)
    if known is not None and first == words[0] and first[:1] in CONJUNCTIONS:
        rest = strip_proclitics(first[1:], known)
        if len(rest) >= MIN_REST and rest in known:
            first = rest
    words[0] = first
    return " ".join(words)
