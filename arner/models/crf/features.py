"""Feature extraction for the Arabic NER CRF.

Features come in three layers, cheapest first:

* word-type features (spelling, clitic-stripped stem, affixes, gazetteer,
  trigger class, corpus statistics) depend only on the word string and are
  memoized per `FeatureExtractor`;
* sentence features combine neighbours' type features (±3 words), stem
  bigrams and multi-word gazetteer matches;
* document features report cues seen at other occurrences of the same stem in
  nearby sentences, because a name is often introduced with a title or a full
  form ("الرئيس جورج بوش") and later repeated bare ("بوش").
"""

from collections import Counter
from dataclasses import dataclass, field

from ...text.normalize import normalize, strip_proclitics
from . import CONTEXT
from .gazetteer import Gazetteer, from_entries, match
from .stats import StatsTable, stats_features


def _words(text: str) -> list[str]:
    return text.split()


# Words that announce the type of the following name (normalized spelling).
TRIGGERS: dict[str, str] = {
    **dict.fromkeys(
        _words("""
الرئيس رئيس الملك ملك الامير امير الشيخ السيد السيده الدكتور د. الوزير وزير نائب
المتحدث الناطق الزعيم الجنرال العقيد اللواء العميد المستشار الامين المستشاره
الملكه البابا الامام المدرب اللاعب النجم الفنان الفنانه الكاتب الشاعر المخرج
الممثل المطرب السفير المبعوث القاضي المحامي الاستاذ المرشح السناتور النائب
الرئيسه زعيم مدرب مساعد الراحل رئيسه الشهيد المفكر الباحث الروائي المغني الصحفي
قائد
"""),
        "PTITLE",
    ),
    **dict.fromkeys(
        _words("""
شركه وزاره جامعه حزب منظمه مؤسسه مجلس هيئه جمعيه وكاله بنك مصرف نادي اتحاد جبهه
حركه صحيفه جريده مجموعه منتخب فريق محكمه لجنه مركز معهد قناه اذاعه برنامج الشركه
الوزاره الجامعه الحزب المنظمه الهيئه الجمعيه الوكاله البنك النادي الاتحاد الحركه
الصحيفه الجريده المجموعه المنتخب الفريق المحكمه اللجنه المركز
"""),
        "OTRIG",
    ),
    **dict.fromkeys(
        _words("""
مدينه محافظه ولايه منطقه دوله عاصمه جزيره جزر بلده قريه اقليم نهر جبل بحر مقاطعه
المدينه المحافظه الولايه المنطقه الدوله العاصمه الجزيره البلده القريه الاقليم
شمال جنوب شرق غرب شمالي جنوبي شرقي غربي وسط
"""),
        "LTRIG",
    ),
    **dict.fromkeys(
        _words("""
قال اعلن اضاف اكد صرح اوضح ذكر قالت اعلنت اضافت اكدت صرحت اوضحت ذكرت يقول تقول
اشار اشارت دعا دعت طالب طالبت
"""),
        "SAY",
    ),
}

_OFFSETS = (-3, -2, -1, 1, 2, 3)
_CONJUNCTIONS = ("و", "ف")


def shape(word: str) -> str:
    """Coarse character class of a word: digits, Latin, punctuation or Arabic."""
    if any(ch.isdigit() for ch in word):
        return "DIG"
    if any("a" <= ch.lower() <= "z" for ch in word):
        return "LAT"
    if not any(ch.isalpha() for ch in word):
        return "PUN"
    return "AR"


def trigger_class(word: str) -> str | None:
    """Trigger class of a normalized word, looking through a leading و/ف."""
    found = TRIGGERS.get(word)
    if found is None and word[:1] in _CONJUNCTIONS:
        found = TRIGGERS.get(word[1:])
    return found


@dataclass(frozen=True)
class WordInfo:
    """Memoized per-word-type data: the stem and ready-made feature strings."""

    norm: str
    stem: str
    trigger: str | None
    person_token: bool
    own: tuple[str, ...]
    context: tuple[tuple[str, ...], ...]  # one tuple per entry of _OFFSETS


def _affixes(stem: str) -> list[str]:
    core = stem[2:] if stem.startswith("ال") and len(stem) > 4 else stem
    feats = [f"p{k}={core[:k]}" for k in range(1, 5) if len(core) > k]
    feats += [f"x{k}={core[-k:]}" for k in range(1, 5) if len(core) > k]
    return feats


def _context_features(offset: int, near: list[str]) -> tuple[str, ...]:
    return tuple(map(f"{offset:+d}".__add__, near))


@dataclass
class FeatureExtractor:
    """Turns sentences of raw words into CRF feature lists.

    `stats` must not contain counts from the sentences being featurized while
    training (they are computed out of fold), or the CRF learns to trust them
    too much.
    """

    gazetteer: Gazetteer
    stats: StatsTable
    known: frozenset[str]
    context: int = CONTEXT
    entities: Gazetteer = field(default_factory=lambda: from_entries([]))
    _cache: dict[str, WordInfo] = field(default_factory=dict, repr=False)
    _pair_cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def stem(self, word: str) -> str:
        return strip_proclitics(normalize(word), self.known)

    def info(self, word: str) -> WordInfo:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self._make_info(word)
        return cached

    def _make_info(self, word: str) -> WordInfo:
        norm = normalize(word)
        stem = strip_proclitics(norm, self.known)
        bare = stem.removeprefix("ال")
        gaz_types = self.gazetteer.types_of(stem) | self.gazetteer.types_of(norm)
        person_token = stem in self.gazetteer.person_tokens or bare in self.gazetteer.person_tokens
        trigger = trigger_class(norm)
        kind = shape(norm)
        near = [f"w={norm}", f"s={stem}", f"sh={kind}"]
        near += [f"gz={t}" for t in sorted(gaz_types)]
        if person_token:
            near.append("pt")
        if trigger:
            near.append(f"tr={trigger}")
        stats = stats_features(self.stats.get(stem))
        near += stats
        own = [
            *near,
            f"al={stem.startswith('ال')}",
            f"cl={norm[: len(norm) - len(stem)]}",
        ]
        own.append(f"len={min(len(bare), 8)}")
        if kind == "AR":
            own += _affixes(stem)
        far = [f"s={stem}", *(f for f in near if f[:2] in ("gz", "tr", "tt", "pt"))]
        context = tuple(_context_features(offset, near if abs(offset) == 1 else far) for offset in _OFFSETS)
        return WordInfo(norm, stem, trigger, person_token, tuple(own), context)

    def gazetteer_tags(self, infos: list[WordInfo]) -> list[str]:
        """Gazetteer and training-entity matches, joined as "gazetteer tag/entity tag"."""
        norms, stems = [i.norm for i in infos], [i.stem for i in infos]
        gaz = match(self.gazetteer, norms, stems)
        seen = match(self.entities, norms, stems)
        return [f"{g}/{e}" for g, e in zip(gaz, seen)]

    def sentence_features(self, infos: list[WordInfo], gaz: list[str], doc_cues: list[list[str]]) -> list[list[str]]:
        """Features for one sentence, given its word infos, gazetteer tags and document cues."""
        n = len(infos)
        stems = [info.stem for info in infos]
        # What word i says of its neighbours' gazetteer tags, sentence ends included.
        before = ["BOS", *(f"-1gm={tag}" for tag in gaz[:-1])]
        after = [*(f"+1gm={tag}" for tag in gaz[1:]), "EOS"]
        # The stem bigram of each word and the next: its statistics as seen from either word.
        bigrams = [f"{a}|{b}" for a, b in zip(stems, stems[1:])]
        pairs = [self._pair_features(f"{a} {b}") for a, b in zip(stems, stems[1:])]
        rows = []
        for i, info in enumerate(infos):
            gazetteer_tag, entity_tag = gaz[i].split("/")
            feats = ["bias", *info.own, f"gm={gazetteer_tag}", f"em={entity_tag}", *doc_cues[i]]
            # The neighbours' context features, in _OFFSETS order (-3 .. +3), each ±1 with its gazetteer tag.
            if i >= 3:
                feats.extend(infos[i - 3].context[0])
            if i >= 2:
                feats.extend(infos[i - 2].context[1])
            if i >= 1:
                feats.extend(infos[i - 1].context[2])
            feats.append(before[i])
            if i + 1 < n:
                feats.extend(infos[i + 1].context[3])
            feats.append(after[i])
            if i + 2 < n:
                feats.extend(infos[i + 2].context[4])
            if i + 3 < n:
                feats.extend(infos[i + 3].context[5])
            if i > 0:
                feats.append("sb-=" + bigrams[i - 1])
                feats.extend(pairs[i - 1][0])
            if i + 1 < n:
                feats.append("sb+=" + bigrams[i])
                feats.extend(pairs[i][1])
            rows.append(feats)
        return rows

    def _pair_features(self, key: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Statistics of a stem bigram, as the second word sees it (b-) and as the first does (b+); memoized like word types."""
        cached = self._pair_cache.get(key)
        if cached is None:
            stats = self.stats.get(key)
            cached = (
                (tuple(stats_features(stats, "b-")), tuple(stats_features(stats, "b+")))
                if stats is not None
                else ((), ())
            )
            self._pair_cache[key] = cached
        return cached

    @staticmethod
    def _cues(infos: list[WordInfo], gaz: list[str]) -> list[tuple[str, ...]]:
        """Local evidence at each occurrence, shared with the stem's other occurrences."""
        cues = []
        for i in range(len(infos)):
            found = []
            if i > 0:
                before = infos[i - 1]
                if before.trigger:
                    found.append(f"tr:{before.trigger}")
                if before.person_token:
                    found.append("pp")
            if i + 1 < len(infos):
                after = infos[i + 1]
                if after.trigger == "SAY":
                    found.append("say")
                if after.person_token:
                    found.append("np")
            gazetteer_tag, entity_tag = gaz[i].split("/")
            if gazetteer_tag != "O":
                found.append(f"gm:{gazetteer_tag[2:]}")
            if entity_tag != "O":
                found.append(f"em:{entity_tag[2:]}")
            cues.append(tuple(found))
        return cues

    def document_features(self, sentences: list[list[str]]) -> list[list[list[str]]]:
        """Feature lists for consecutive sentences of running text."""
        infos = [[self.info(word) for word in sentence] for sentence in sentences]
        gaz = [self.gazetteer_tags(sentence) for sentence in infos]
        cues = [self._cues(sentence, tags) for sentence, tags in zip(infos, gaz)]
        keyed = [
            [(info.stem, cue) for info, cue in zip(sentence, sentence_cues) if len(info.stem) > 2]
            for sentence, sentence_cues in zip(infos, cues)
        ]
        nearby: dict[str, Counter[str]] = {}
        seen: Counter[str] = Counter()

        def add(index: int, sign: int) -> None:
            for stem, cue in keyed[index]:
                seen[stem] += sign
                counter = nearby.get(stem)
                if counter is None:
                    counter = nearby[stem] = Counter()
                for c in cue:
                    counter[c] += sign

        for index in range(min(self.context, len(sentences))):
            add(index, 1)
        result = []
        for index, sentence in enumerate(infos):
            if index + self.context < len(sentences):
                add(index + self.context, 1)
            if index - self.context - 1 >= 0:
                add(index - self.context - 1, -1)
            doc_cues = [_other_occurrences(info.stem, cue, nearby, seen) for info, cue in zip(sentence, cues[index])]
            result.append(self.sentence_features(sentence, gaz[index], doc_cues))
        return result


def _other_occurrences(
    stem: str, own: tuple[str, ...], nearby: dict[str, Counter[str]], seen: Counter[str]
) -> list[str]:
    """Cues that other occurrences of `stem` in the nearby carry."""
    if len(stem) <= 2:
        return []
    others = seen[stem] - 1
    if others <= 0:
        return []
    counter = nearby[stem]
    feats = [f"dn={min(others, 3)}"]
    # Sorted: the cues' insertion order depends on where labelling started, and the
    # order of a CRF's attributes changes the rounding of its scores.
    feats += sorted(f"d:{c}" for c, k in counter.items() if k - own.count(c) > 0)
    return feats
