"""The closed list of Arabic function words and particles: never a name, alone.

Words are compared after removing diacritics and tatweel (`strip_marks`) but,
unlike `normalize`, with ى kept apart from ي and hamza forms apart from bare
alef: على (on) is a function word, علي (Ali) a name; أمام (in front of) one,
إمام (imam) not. Common spellings without hamza are listed too (الى, او). A leading و/ف, then ب/ل/ك, may come before a listed word
("وعلى", "لهذا"). ANERcorp itself writes some ى as ي ("علي" for على): those
spellings are left to the models, since they are also names.
"""

from __future__ import annotations

from .normalize import CONJUNCTIONS, MIN_REST, PREPOSITIONS, normalize, strip_marks

# One group per line of the list; the words as news spells them.
_GROUPS = {
    "prepositions": "في فى من إلى الى على عن مع عند لدى حتى منذ مذ بين حول خلال نحو ضد دون سوى عبر "
    "قبل بعد فوق تحت أمام وراء لدن رغم بدون بلا مثل",
    "prepositions with pronouns": "عليه عليها عليهم عليهما عليك علينا إليه إليها إليهم إلينا منه منها منهم "
    "منا فيه فيها فيهم عنه عنها عنهم معه معها معهم له لها لهم لنا لكم به بها بهم بنا لديه لديها لديهم",
    "conjunctions": "و ف ثم أو او أم بل لكن لكنه لكنها إذ إذا إن أن كأن لأن لأنه لأنها كي لكي حيث حين حينما "
    "بينما عندما كلما لما كما بما مما ممن عما فيما إلا لو لولا سواء",
    "pronouns": "هو هي هم هما هن أنا نحن أنت أنتم أنتما أنتن إياه إياها إياهم",
    "demonstratives": "هذا هذه هذان هاتان هذين هاتين هؤلاء ذلك تلك ذاك أولئك هنا هناك هنالك",
    "relative pronouns": "الذي التي الذين اللذان اللتان اللذين اللتين اللواتي اللاتي اللائي ما من",
    "negation": "لا لم لن ليس ليست ليسوا غير",
    "question words": "هل ماذا لماذا كيف متى أين كم",
    "adverbs": "قد لقد سوف أيضا ايضا جدا فقط أمس غدا الآن دائما أبدا أحيانا تقريبا حاليا كذلك هكذا عادة كل بعض جميع",
}
# Short words with a conjunction, listed whole: a clitic is stripped only before a longer word.
_JOINED = "وفي وفى ومن وعن ومع ولا ولم ولن وهو وهي وهم وما ولو وقد وكل فلا فما فمن فهو فهي فقد فلم"
_BASE = frozenset(strip_marks(word) for words in _GROUPS.values() for word in words.split())
FUNCTION_WORDS = _BASE | frozenset(_JOINED.split())

# The forms function words take once normalized (ى as ي: علي for على), which names share.
NORMALIZED_FUNCTION_WORDS = frozenset(normalize(word) for word in FUNCTION_WORDS)


def function_word(word: str) -> str | None:
    """The listed function word `word` is (after a leading و/ف and ب/ل/ك), without its marks, or None."""
    form = strip_marks(word)
    if form in FUNCTION_WORDS:
        return form
    rest = form[1:] if form[:1] in CONJUNCTIONS else form
    for candidate in (rest, rest[1:] if rest[:1] in PREPOSITIONS else ""):
        if len(candidate) >= MIN_REST and candidate in _BASE:
            return candidate
    return None


def only_function_words(words: list[str]) -> bool:
    """Whether a span has a function word and nothing else but punctuation ("على ،")."""
    kept = [word for word in words if any(ch.isalnum() for ch in word)]
    return bool(kept) and all(function_word(word) is not None for word in kept)
