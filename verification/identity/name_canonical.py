"""Canonical Indonesian names: steps 1-4 of the matching procedure of domain-spec 8.3.

1. *Canonicalise*: Unicode NFKD, diacritics dropped, upper case; apostrophes deleted (AI'NUN
   is AINUN, as ICAO writes it); every other character that is not a letter or digit
   separates words. Digits stay: in an OCR reading they are evidence (S1TI), not noise.
2. *Titles*: academic and religious titles are taken off the front and back (kept in
   ``titles``); never all words, so a name that is only "title-like" keeps its last word.
   Adat titles (RADEN, TEUKU, ANDI...) and the Balinese particles I/NI stay, as optional words.
3. *Patronymic*: ``BIN``/``BINTI``/``BT``/``BN`` splits the name into core and patronymic.
4. *Folding*: old spelling to EYD (``respell``) and common-name variants to one form
   (``NAME_VARIANTS``); each word remembers which rules changed it, for the explanation.

>>> name = canonical_name("Hj. Tuti Sriwati, S.E")
>>> name.text, name.tokens, name.titles
('HJ TUTI SRIWATI S E', ('TUTI', 'SRIWATI'), ('HJ', 'S.E'))
>>> canonical_name("Moch. Djoko bin H. Soeparman").key
'MUHAMMAD JOKO'
>>> canonical_name("Moch. Djoko bin H. Soeparman").patronymic
('SUPARMAN',)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from verification.identity.name_tables import (
    ACADEMIC_SUFFIXES,
    ADAT_TITLES,
    NAME_VARIANTS,
    OLD_SPELLING,
    OLD_SPELLING_MARKERS,
    PARTICLES,
    PATRONYMIC_CONNECTORS,
    PREFIX_TITLES,
    title_patterns,
)

__all__ = [
    "CanonicalName",
    "ParsedName",
    "Title",
    "Token",
    "TokenKind",
    "canonical_name",
    "canonicalise",
    "fold_token",
    "parse_name",
    "respell",
]

APOSTROPHES = frozenset("'’‘`´ʼʻ")


class TokenKind(StrEnum):
    CORE = "core"
    PARTICLE = "particle"  # I / NI
    ADAT = "adat"  # an adat/noble title, possibly of several words


@dataclass(frozen=True)
class Token:
    """One word (an adat title may span words): as written, folded, and why it changed."""

    surface: str
    folded: str
    kind: TokenKind = TokenKind.CORE
    rules: tuple[str, ...] = ()
    confidence: tuple[float, ...] | None = None  # per character of ``surface``, OCR readings


@dataclass(frozen=True)
class Title:
    label: str  # canonical, dotted: "S.E"
    surface: str  # as written after step 1: "S E" or "SE"


@dataclass(frozen=True)
class CanonicalName:
    """A name reduced for comparison and search; ``key`` is its folded core."""

    text: str  # after step 1
    tokens: tuple[str, ...]
    titles: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    patronymic: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True)
class ParsedName:
    """The full parse the matcher works on; ``canonical()`` is its public summary."""

    text: str
    core: tuple[Token, ...]
    optional: tuple[Token, ...] = ()
    patronymic: tuple[Token, ...] = ()
    titles: tuple[Title, ...] = ()
    connector: str | None = None  # BIN, BINTI, BT or BN as written

    def canonical(self) -> CanonicalName:
        return CanonicalName(
            text=self.text,
            tokens=tuple(t.folded for t in self.core),
            titles=tuple(t.label for t in self.titles),
            optional=tuple(t.folded for t in self.optional),
            patronymic=tuple(t.folded for t in self.patronymic),
        )


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """Step 1 for one character: its letters and digits, " " for a separator, "" if deleted."""
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        if part in APOSTROPHES or unicodedata.combining(part):
            continue
        # Upper-casing can compose again (e.g. ŉ -> ʼN): decompose and filter a second time.
        for upper in unicodedata.normalize("NFKD", part.upper()):
            if upper not in APOSTROPHES and not unicodedata.combining(upper):
                out.append(upper if upper.isalnum() else " ")
    return "".join(out)


def _chars(text: str) -> Iterator[tuple[str, int]]:
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            yield folded, index


def canonicalise(text: str) -> str:
    """Step 1: the comparable text of a name.

    >>> canonicalise("  Ai'nun   Naja-Putri, S.Kom ")
    'AINUN NAJA PUTRI S KOM'
    >>> canonicalise("Ni Luh Ayu Sri Wédari")
    'NI LUH AYU SRI WEDARI'
    """
    return " ".join("".join(char for char, _ in _chars(text)).split())


def _confidence_of(text: str, confidences: Sequence[float] | None) -> list[float] | None:
    """Per character of ``text``: confidences given per character, or per whitespace word."""
    if confidences is None:
        return None
    if any(not 0.0 <= c <= 1.0 for c in confidences):
        raise ValueError("OCR confidences must lie between 0 and 1")
    if len(confidences) == len(text):
        return list(confidences)
    if len(confidences) != len(text.split()):
        raise ValueError("give one OCR confidence per character or per word of the name")
    per_char, word, in_word = [], -1, False
    for char in text:
        if not char.isspace() and not in_word:
            word += 1
        in_word = not char.isspace()
        per_char.append(confidences[max(word, 0)] if in_word else 1.0)
    return per_char


def _words(text: str, confidences: Sequence[float] | None) -> list[tuple[str, tuple[float, ...]]]:
    conf = _confidence_of(text, confidences)
    words: list[tuple[str, tuple[float, ...]]] = []
    chars: list[str] = []
    confs: list[float] = []
    for char, index in [*_chars(text), (" ", -1)]:
        if char != " ":
            chars.append(char)
            confs.append(conf[index] if conf else 1.0)
        elif chars:
            words.append(("".join(chars), tuple(confs)))
            chars, confs = [], []
    return words


def respell(word: str) -> tuple[str, tuple[str, ...]]:
    """Pre-1972 spelling to EYD, with the rules applied (see ``name_tables.OLD_SPELLING``).

    >>> respell("TJAHJO"), respell("SOEKARNO")[0], respell("NJOMAN")[0], respell("ANJAR")[0]
    (('CAHYO', ('spelling:TJ=C', 'spelling:J=Y')), 'SUKARNO', 'NYOMAN', 'ANJAR')
    """
    rules: list[str] = []
    for _ in range(len(word)):  # to a fixed point, so folding twice changes nothing
        old = word.startswith("NJ") or any(marker in word for marker in OLD_SPELLING_MARKERS)
        out: list[str] = []
        i = 0
        while i < len(word):
            pair = word[i : i + 2]
            if pair in OLD_SPELLING and (pair != "NJ" or old or i == 0):
                out.append(OLD_SPELLING[pair])
                rules.append(f"spelling:{pair}={OLD_SPELLING[pair]}")
                i += 2
            elif word[i] == "J" and old:
                out.append("Y")
                rules.append("spelling:J=Y")
                i += 1
            else:
                out.append(word[i])
                i += 1
        folded = "".join(out)
        if folded == word:
            break
        word = folded
    return word, tuple(dict.fromkeys(rules))


@lru_cache(maxsize=65536)
def fold_token(word: str) -> tuple[str, tuple[str, ...]]:
    """Step 4 for one word: the canonical form and the rules that produced it.

    >>> fold_token("MOCH"), fold_token("ACHMAD"), fold_token("M")
    (('MUHAMMAD', ('variant:MOCH=MUHAMMAD',)), ('AHMAD', ('variant:ACHMAD=AHMAD',)), ('M', ()))
    """
    if word in NAME_VARIANTS:
        canonical = NAME_VARIANTS[word]
        return canonical, ((f"variant:{word}={canonical}",) if canonical != word else ())
    respelled, rules = respell(word)
    canonical = NAME_VARIANTS.get(respelled, respelled)
    if canonical != respelled:
        rules = (*rules, f"variant:{respelled}={canonical}")
    return canonical, rules


def _index(patterns: Mapping[tuple[str, ...], str], at: int) -> dict[str, list[tuple[str, ...]]]:
    by_word: dict[str, list[tuple[str, ...]]] = {}
    for pattern in patterns:  # longest first, as title_patterns orders them
        by_word.setdefault(pattern[at], []).append(pattern)
    return by_word


_PREFIXES = title_patterns(PREFIX_TITLES)
_SUFFIXES = title_patterns(ACADEMIC_SUFFIXES)
_ADAT = title_patterns(ADAT_TITLES)
_PREFIX_INDEX, _SUFFIX_INDEX, _ADAT_INDEX = (
    _index(_PREFIXES, 0),
    _index(_SUFFIXES, -1),
    _index(_ADAT, 0),
)


def _prefix(
    words: list[str], start: int, end: int, index: dict[str, list[tuple[str, ...]]]
) -> tuple[str, ...] | None:
    """The longest pattern at ``start`` that leaves at least one word before ``end``."""
    for pattern in index.get(words[start], ()):
        if len(pattern) < end - start and tuple(words[start : start + len(pattern)]) == pattern:
            return pattern
    return None


def _suffix(words: list[str], end: int) -> tuple[str, ...] | None:
    for pattern in _SUFFIX_INDEX.get(words[end - 1], ()):
        if len(pattern) < end and tuple(words[end - len(pattern) : end]) == pattern:
            return pattern
    return None


def _fold(word: str, confidence: tuple[float, ...] | None) -> Token:
    folded, rules = fold_token(word) if len(word) > 1 else (word, ())
    return Token(surface=word, folded=folded, rules=rules, confidence=confidence)


def _strip_suffixes(words: list[str], end: int) -> tuple[int, list[Title]]:
    """Academic titles off the end of ``words[:end]``; the new end and the titles."""
    titles: list[Title] = []
    while end and (pattern := _suffix(words, end)):
        titles.insert(0, Title(_SUFFIXES[pattern], " ".join(pattern)))
        end -= len(pattern)
    return end, titles


def _strip_prefixes(
    words: list[str], end: int, optional: list[Token] | None
) -> tuple[int, list[Title]]:
    """Titles off the front of ``words[:end]``; with ``optional``, particles and adat titles
    too, collected there. The new start and the titles."""
    titles: list[Title] = []
    start = 0
    while start < end:
        if pattern := _prefix(words, start, end, _PREFIX_INDEX):
            titles.append(Title(_PREFIXES[pattern], " ".join(pattern)))
        elif optional is None:
            break
        elif words[start] in PARTICLES and end - start > 1:
            pattern = (words[start],)
            optional.append(Token(words[start], words[start], TokenKind.PARTICLE))
        elif pattern := _prefix(words, start, end, _ADAT_INDEX):
            canonical, written = _ADAT[pattern], " ".join(pattern)
            rules = (f"variant:{'.'.join(pattern)}={canonical}",) if written != canonical else ()
            optional.append(Token(written, canonical, TokenKind.ADAT, rules))
        else:
            break
        start += len(pattern)
    return start, titles


def parse_name(text: str, confidences: Sequence[float] | None = None) -> ParsedName:
    """Steps 1-4. ``confidences`` (OCR, per character or per word of ``text``) are carried
    on the core and patronymic words for the matcher."""
    read = _words(text, confidences)
    words = [word for word, _ in read]
    end, titles_back = _strip_suffixes(words, len(words))
    optional: list[Token] = []
    start, titles = _strip_prefixes(words, end, optional)
    body = [_fold(word, conf if confidences is not None else None)
            for word, conf in read[start:end]]  # fmt: skip
    connectors = (i for i in range(1, len(body) - 1) if body[i].surface in PATRONYMIC_CONNECTORS)
    split = next(connectors, None)
    core, patronymic = (body, []) if split is None else (body[:split], body[split + 1 :])
    # Titles also stand before BIN/BINTI (core) and after it (the father's own titles).
    core_end, titles_core = _strip_suffixes([t.surface for t in core], len(core))
    skip, titles_father = _strip_prefixes([t.surface for t in patronymic], len(patronymic), None)
    return ParsedName(
        text=" ".join(words),
        core=tuple(core[:core_end]),
        optional=tuple(optional),
        patronymic=tuple(patronymic[skip:]),
        titles=(*titles, *titles_core, *titles_father, *titles_back),
        connector=None if split is None else body[split].surface,
    )


def canonical_name(name: str) -> CanonicalName:
    """Steps 1-4 of domain-spec 8.3, for comparison, watchlist and duplicate searches.

    >>> canonical_name("I Gusti Ngurah Rai").optional, canonical_name("I Gusti Ngurah Rai").key
    (('I', 'GUSTI'), 'NGURAH RAI')
    >>> canonical_name("Drs. H. Achmad Tjahjono, M.Si").key
    'AHMAD CAHYONO'
    """
    return parse_name(name).canonical()
