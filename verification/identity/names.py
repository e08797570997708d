"""The Indonesian name matcher (domain-spec 8.3): deterministic, and explaining itself.

Both names are parsed (``name_canonical``: steps 1-4), then their words are paired in
passes, strictest first: the same canonical word; two words written as one (NUR HALIMAH /
NURHALIMAH); an initial and a word starting with it; a spelling variant (Jaro-Winkler at
least ``tolerances.jaro_winkler`` within ``max_edits`` edits, or any single edit in words of
``single_edit_min_length`` letters or more), also against two words written as one. Words
are compared as multisets; order only lowers the score. Patronymics are compared with each
other, never with the other name's core (AHMAD BIN SALIM is not SALIM BIN AHMAD).

Levels:

* ``EXACT``: the same after step 1 (case, accents, punctuation).
* ``EQUIVALENT``: the same after titles, patronymic, Balinese particles, old spelling and
  name variants are accounted for (including M for MUHAMMAD); ``rules`` says which.
* ``MINOR_VARIANT``: at most ``max_differences`` words differ by a spelling variant or a
  plain initial, or are missing on one side; or an adat title is on one side only, or the
  father's name stands without BIN/BINTI, or a word differs only by low-confidence OCR
  confusions (``name_ocr``: such words never use the allowance, however many, but never
  make a match better than this).
* ``MISMATCH``: anything else, in particular a word on each side without a counterpart.

Rule ids (``NameMatch.rules``; ``notes`` holds the matching human text): ``title.stripped:T``,
``variant:A=B``, ``spelling:OE=U`` (and DJ=J, TJ=C, SJ=SY, NJ=NY, CH=KH, J=Y), ``initial:M``,
``spacing``, ``edit_distance:N``, ``ocr:READ=EXPECTED``, ``particle.dropped:I``,
``adat.dropped:T``, ``patronymic.dropped|extended|unmarked|connector|differs``,
``token_order``, ``token.missing:W``, ``token.unmatched:W``, ``differences:N``, ``form``
(only the written form differs, e.g. the order of titles), ``empty`` and ``too_long`` (over
``MAX_NAME_CHARS``: not compared, as pairing words takes time quadratic in their number).

>>> match_names("SITI AMINAH", "SITI AMINA").explain()
'MINOR_VARIANT (0.98): AMINAH ~ AMINA (1 edit)'
>>> match_names("Drs. Moch. Firman", "MUHAMMAD FIRMAN").rules
('title.stripped:DRS', 'variant:MOCH=MUHAMMAD')
>>> match_names("SITI AMINAH", "NUR HALIMAH").level.value
'MISMATCH'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from rapidfuzz.distance import JaroWinkler, Levenshtein

from verification.identity.name_canonical import (
    CanonicalName,
    ParsedName,
    Title,
    Token,
    TokenKind,
    canonical_name,
    parse_name,
)
from verification.identity.name_ocr import ocr_distance
from verification.identity.name_tables import INITIAL_ABBREVIATIONS

__all__ = [
    "MAX_NAME_CHARS",
    "CanonicalName",
    "MatchLevel",
    "NameMatch",
    "NameTolerances",
    "canonical_name",
    "match_names",
]


# The longest names in the KTP and KK registers are under 100 characters; the form takes 200.
MAX_NAME_CHARS = 1000


class MatchLevel(StrEnum):
    EXACT = "EXACT"
    EQUIVALENT = "EQUIVALENT"
    MINOR_VARIANT = "MINOR_VARIANT"
    MISMATCH = "MISMATCH"

    @property
    def rank(self) -> int:
        """0 for EXACT up to 3 for MISMATCH."""
        return list(MatchLevel).index(self)


@dataclass(frozen=True)
class NameTolerances:
    """What still counts as the same name; the defaults follow domain-spec 8.3."""

    jaro_winkler: float = 0.92
    max_edits: int = 2
    single_edit_min_length: int = 3
    max_differences: int = 1
    ocr_low_confidence: float = 0.8
    order_penalty: float = 0.05


@dataclass(frozen=True)
class NameMatch:
    """The level, a score in [0, 1] (1.0 only for EXACT; for ranking, not for deciding), the
    rule ids that fired and a human note per rule."""

    level: MatchLevel
    score: float
    rules: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def explain(self) -> str:
        detail = "; ".join(self.notes) if self.notes else "the same after canonicalisation"
        return f"{self.level.value} ({self.score:.2f}): {detail}"


@dataclass(frozen=True)
class _Link:
    """Why two words are taken for the same word."""

    similarity: float
    rules: tuple[tuple[str, str], ...] = ()  # (rule id, note)
    difference: bool = False  # uses the MINOR_VARIANT allowance
    minor: bool = False  # caps the level at MINOR_VARIANT without using the allowance


@dataclass(frozen=True)
class _Pair:
    a: tuple[int, ...]  # indices of the words on each side (two where one side joins them)
    b: tuple[int, ...]
    link: _Link
    core: int  # how many of the paired words are core words (for the score)


@dataclass
class _Report:
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule id, note), in order
    differences: int = 0
    minor: bool = False
    mismatch: bool = False

    def add(self, rule: str, note: str) -> None:
        if (rule, note) not in self.rules:
            self.rules.append((rule, note))

    def fired(self, rule: str) -> bool:
        return any(fired == rule for fired, _ in self.rules)

    def take(self, link: _Link) -> None:
        for rule, note in link.rules:
            self.add(rule, note)
        self.differences += link.difference
        self.minor |= link.minor


def _note(rule: str) -> str:
    kind, _, detail = rule.partition(":")
    left, _, right = detail.partition("=")
    if kind == "spelling":
        return f"old spelling {left} for {right}"
    return f"{left} is a form of {right}"


def _same(ta: Token, tb: Token) -> _Link:
    """Equal canonical words; the folding rules of one side only explain the difference."""
    if ta.surface == tb.surface:
        return _Link(1.0)
    only = [r for r in ta.rules if r not in tb.rules] + [r for r in tb.rules if r not in ta.rules]
    rules = tuple((rule, _note(rule)) for rule in only)
    return _Link(1.0, rules or (("variant", f"{ta.surface} = {tb.surface}"),))


def _initial(ta: Token, tb: Token, _tol: NameTolerances) -> _Link | None:
    short, full = (ta, tb) if len(ta.folded) == 1 else (tb, ta)
    if len(short.folded) != 1 or len(full.folded) == 1 or not short.folded.isalpha():
        return None
    if short.folded not in (full.folded[0], full.surface[0]):
        return None
    abbreviation = INITIAL_ABBREVIATIONS.get(short.folded) == full.folded
    rule = (f"initial:{short.folded}", f"{short.folded} as initial of {full.surface}")
    return _Link(1.0 if abbreviation else 0.9, (rule,), difference=not abbreviation)


def _near(ta: Token, tb: Token, tol: NameTolerances) -> _Link | None:
    """A spelling variant or a low-confidence OCR misreading (``name_ocr``), or None."""
    plain = Levenshtein.distance(ta.folded, tb.folded)
    similarity = JaroWinkler.similarity(ta.folded, tb.folded)
    expected, read = (ta, tb) if tb.confidence is not None else (tb, ta)
    if read.confidence is not None:
        cost = ocr_distance(expected.surface, read.surface, read.confidence,
                            low=tol.ocr_low_confidence)  # fmt: skip
        if cost < 1 <= plain:
            note = f"{read.surface} read for {expected.surface} (low-confidence OCR confusion)"
            rule = f"ocr:{read.surface}={expected.surface}"
            return _Link(1 - cost / len(expected.surface), ((rule, note),), minor=True)
    shortest = min(len(ta.folded), len(tb.folded))
    if (plain <= 1 and shortest >= tol.single_edit_min_length) or (
        similarity >= tol.jaro_winkler and plain <= tol.max_edits
    ):
        note = f"{ta.surface} ~ {tb.surface} ({plain} edit{'s' if plain > 1 else ''})"
        return _Link(similarity, ((f"edit_distance:{plain}", note),), difference=True)
    return None


class _Alignment:
    """Words of ``a`` and ``b`` paired, strictest pass first, and the words left over.
    Ties are broken on the words themselves, so swapping ``a`` and ``b`` pairs the same."""

    def __init__(self, a: Sequence[Token], b: Sequence[Token], tol: NameTolerances) -> None:
        self.a, self.b = a, b
        self.left_a, self.left_b = list(range(len(a))), list(range(len(b)))
        self.pairs: list[_Pair] = []
        for i in range(len(a)):
            j = next((j for j in self.left_b if b[j].folded == a[i].folded), None)
            if j is not None:
                self._take((i,), (j,), _same(a[i], b[j]))
        self._spacing(joined_on_a=True)
        self._spacing(joined_on_a=False)
        for link in (_initial, _near):
            self._scored(link, tol)
        self._spacing(joined_on_a=True, tol=tol)
        self._spacing(joined_on_a=False, tol=tol)

    def _take(self, i: tuple[int, ...], j: tuple[int, ...], link: _Link) -> None:
        core = [w for w in (*(self.a[k] for k in i), *(self.b[k] for k in j))
                if w.kind is TokenKind.CORE]  # fmt: skip
        self.pairs.append(_Pair(i, j, link, len(core)))
        for k in i:
            self.left_a.remove(k)
        for k in j:
            self.left_b.remove(k)

    def _spacing(self, *, joined_on_a: bool, tol: NameTolerances | None = None) -> None:
        """Two adjacent words on one side written as one word on the other: the same word,
        or (with ``tol``) a spelling variant of it."""
        x, left_x, y, left_y = (
            (self.a, self.left_a, self.b, self.left_b)
            if joined_on_a
            else (self.b, self.left_b, self.a, self.left_a)
        )
        for k in list(left_x):
            if k not in left_x or k + 1 not in left_x:
                continue
            first, second = x[k], x[k + 1]
            if first.kind is not TokenKind.CORE or second.kind is not TokenKind.CORE:
                continue
            joined = Token(first.surface + second.surface, first.folded + second.folded,
                           rules=(*first.rules, *second.rules))  # fmt: skip
            for j in left_y:
                if y[j].kind is not TokenKind.CORE:
                    continue
                same = joined.folded == y[j].folded or joined.surface == y[j].surface
                link = _same(joined, y[j]) if same else None
                if link is None and tol is not None:
                    link = _near(joined, y[j], tol)
                if link is None:
                    continue
                note = f"{first.surface} {second.surface} written as {y[j].surface}"
                link = replace(link, rules=(("spacing", note), *link.rules))
                if joined_on_a:
                    self._take((k, k + 1), (j,), link)
                else:
                    self._take((j,), (k, k + 1), link)
                break

    def _scored(self, link_of: Callable[[Token, Token, NameTolerances], _Link | None],
                tol: NameTolerances) -> None:  # fmt: skip
        """Pair the best-linked core words first."""
        candidates = []
        for i in self.left_a:
            for j in self.left_b:
                if self.a[i].kind is not TokenKind.CORE or self.b[j].kind is not TokenKind.CORE:
                    continue
                if (link := link_of(self.a[i], self.b[j], tol)) is not None:
                    words = tuple(sorted((self.a[i].folded, self.b[j].folded)))
                    candidates.append(((-link.similarity, words, min(i, j)), i, j, link))
        for _, i, j, link in sorted(candidates, key=lambda c: c[0]):
            if i in self.left_a and j in self.left_b:
                self._take((i,), (j,), link)


def _titles(a: Sequence[Title], b: Sequence[Title], report: _Report) -> None:
    extra = (Counter(t.surface for t in a) - Counter(t.surface for t in b)) + (
        Counter(t.surface for t in b) - Counter(t.surface for t in a)
    )
    for title in (*a, *b):
        if extra[title.surface]:
            report.add(f"title.stripped:{title.label}", f"title {title.label} left out")


def _patronymics(pa: ParsedName, pb: ParsedName, left_a: list[int], left_b: list[int],
                 tol: NameTolerances, report: _Report) -> list[_Pair]:  # fmt: skip
    """Compare the patronymics (the pairs, when both names have one); a name without one may
    carry the father's name unmarked. ``left_a``/``left_b`` (unpaired words, indices into
    ``optional + core``) shrink by the words so explained."""
    if pa.patronymic and pb.patronymic:
        both = _Alignment(pa.patronymic, pb.patronymic, tol)
        for pair in both.pairs:
            report.take(pair.link)
        if both.left_a and both.left_b:
            report.mismatch = True
            report.add("patronymic.differs", "different patronymics (BIN/BINTI ...)")
        elif both.left_a or both.left_b:
            report.add("patronymic.extended", "one patronymic has more names")
        if pa.connector != pb.connector:
            report.add("patronymic.connector", f"{pa.connector} written as {pb.connector}")
        return both.pairs
    if pa.patronymic or pb.patronymic:
        with_one, other, left_other = (pa, pb, left_b) if pa.patronymic else (pb, pa, left_a)
        words = [*other.optional, *other.core]
        unmarked = _Alignment(with_one.patronymic, [words[k] for k in left_other], tol)
        for pair in unmarked.pairs:
            report.take(pair.link)
            report.minor = True
            report.add("patronymic.unmarked", "the father's name without BIN/BINTI on one side")
        for k in [left_other[j] for pair in unmarked.pairs for j in pair.b]:
            left_other.remove(k)
        if unmarked.left_a:
            report.add("patronymic.dropped", "a patronymic (BIN/BINTI ...) on one side only")
    return []


def _leftovers(words: Sequence[Token], left: list[int], conflict: bool, report: _Report) -> None:
    """Words without a counterpart; ``conflict`` when the other side has such core words too,
    which makes them different names rather than a missing word."""
    for word in (words[k] for k in left):
        if word.kind is TokenKind.PARTICLE:
            report.add(f"particle.dropped:{word.folded}", f"particle {word.folded} on one side")
        elif word.kind is TokenKind.ADAT:
            report.minor = True
            report.add(f"adat.dropped:{word.folded}", f"adat title {word.folded} on one side")
        elif conflict:
            report.mismatch = True
            report.add(f"token.unmatched:{word.surface}", f"{word.surface} has no counterpart")
        else:
            report.differences += 1
            report.add(f"token.missing:{word.surface}", f"{word.surface} on one side only")


def _in_order(pairs: Sequence[_Pair]) -> bool:
    order = [pair.b[0] for pair in sorted(pairs, key=lambda p: p.a[0])]
    return order == sorted(order)


def match_names(
    a: str,
    b: str,
    *,
    tolerances: NameTolerances = NameTolerances(),  # frozen: one shared default is safe
    confidences: tuple[float, ...] | None = None,
) -> NameMatch:
    """Compare two names; ``b`` may be an OCR reading with ``confidences`` per character or
    per word (see ``name_ocr`` for how they weigh).

    >>> match_names("I WAYAN SUDARSANA", "WAYAN SUDARSANA").rules
    ('particle.dropped:I',)
    >>> match_names("BUDI SETIAWAN", "SETIAWAN BUDI").explain()
    'EQUIVALENT (0.95): words in another order'
    >>> read = "S1TI AMlNAH"  # two OCR confusions, each read with low confidence
    >>> confidences = tuple(0.4 if char in "1l" else 0.95 for char in read)
    >>> match = match_names("SITI AMINAH", read, confidences=confidences)
    >>> match.level.value, match.rules
    ('MINOR_VARIANT', ('ocr:AMLNAH=AMINAH', 'ocr:S1TI=SITI'))
    >>> match_names("SITI AMINAH", read).level.value  # without confidences: two differences
    'MISMATCH'
    """
    if max(len(a), len(b)) > MAX_NAME_CHARS:
        note = f"a name of over {MAX_NAME_CHARS} characters is not compared"
        return NameMatch(MatchLevel.MISMATCH, 0.0, ("too_long",), (note,))
    pa, pb = parse_name(a), parse_name(b, confidences)
    if pa.text and pa.text == pb.text:
        return NameMatch(MatchLevel.EXACT, 1.0)
    if not pa.core or not pb.core:
        return NameMatch(MatchLevel.MISMATCH, 0.0, ("empty",), ("a name has no words",))
    report = _Report()
    _titles(pa.titles, pb.titles, report)
    words_a, words_b = [*pa.optional, *pa.core], [*pb.optional, *pb.core]
    aligned = _Alignment(words_a, words_b, tolerances)
    for pair in aligned.pairs:
        report.take(pair.link)
    left_a, left_b = aligned.left_a, aligned.left_b
    patronymic_pairs = _patronymics(pa, pb, left_a, left_b, tolerances, report)
    core_left_a = any(words_a[k].kind is TokenKind.CORE for k in left_a)
    core_left_b = any(words_b[k].kind is TokenKind.CORE for k in left_b)
    _leftovers(words_a, left_a, core_left_b, report)
    _leftovers(words_b, left_b, core_left_a, report)
    core_pairs = [p for p in aligned.pairs if p.core]
    if not _in_order(core_pairs):
        report.add("token_order", "words in another order")
    if report.differences > tolerances.max_differences:
        report.add(f"differences:{report.differences}", f"{report.differences} words differ, "
                   f"at most {tolerances.max_differences} may")  # fmt: skip
    if report.mismatch or not core_pairs or report.differences > tolerances.max_differences:
        level = MatchLevel.MISMATCH
    elif report.differences or report.minor:
        level = MatchLevel.MINOR_VARIANT
    else:
        level = MatchLevel.EQUIVALENT
        if not report.rules:  # e.g. titles in another order: say so rather than nothing
            report.add("form", "the same words, written differently")
    return NameMatch(
        level=level,
        score=_score(pa, pb, [*core_pairs, *patronymic_pairs], report, tolerances),
        rules=tuple(rule for rule, _ in report.rules),
        notes=tuple(note for _, note in report.rules),
    )


def _score(pa: ParsedName, pb: ParsedName, pairs: Sequence[_Pair], report: _Report,
           tol: NameTolerances) -> float:  # fmt: skip
    """Share of words paired (Dice, weighted by link similarity), minus the order penalty;
    below 1.0 unless EXACT. Patronymics count when both names have one."""
    words = len(pa.core) + len(pb.core)
    if pa.patronymic and pb.patronymic:
        words += len(pa.patronymic) + len(pb.patronymic)
    score = sum(p.link.similarity * p.core for p in pairs) / words
    score -= tol.order_penalty if report.fired("token_order") else 0.0
    return round(max(0.0, min(score, 0.99)), 3)
