"""Offline concept matching: which points of an outline (or items of a rubric) an answer makes.

In the spirit of c-rater (Leacock and Chodorow 2003, "C-rater: automated scoring of short-answer questions",
*Computers and the Humanities* 37): a point carries the **concepts** that express it, each concept a set of
interchangeable phrasings; a point is **covered** when the answer states every concept, **partly** when it
states some, **missed** otherwise. A concept is stated when one of its phrasings occurs in the answer, compared
on normalised tokens:

- lower case, hyphens and slashes as spaces, an ``'s`` dropped, ``200ms`` read as ``200 ms``, ``recall@10`` as
  ``recall@k``;
- abbreviations, spelling variants and exact synonyms rewritten to one form by the groups of
  ``data/synonyms.json`` (``QPS`` = ``queries per second`` = ``requests a second``; ``p99`` = ``99th
  percentile``; ``ANN`` = ``HNSW`` = ``approximate nearest neighbour``);
- inflections removed by the Snowball English stemmer (``labelling``, ``labels``, ``labeled`` -> ``label``);
- filler words (``the``, ``of``, ``and`` ...) ignored inside a phrase;
- typos forgiven: a word of 5 letters or more matches a word of the answer whose Levenshtein similarity
  (``rapidfuzz.fuzz.ratio``) is at least :data:`TYPO_SIMILARITY` percent.

A phrase the answer rules out does not count: one that follows a negated choice in the same clause (``we will
not use``, ``won't need``, ``no need for``, ``instead of``, ``rather than``, ``without using``, within five
words), or that is dismissed after it (``X isn't needed``, ``X is not worth it``, ``X is out of scope``). A negated verb that *is* the point ("features never leak the future") still counts, and so does what is
avoided ("split by time to avoid leakage" is about leakage). A point whose concepts are all found, but only in a bare list of keywords (a clause of three or more
comma-separated items of at most :data:`LIST_ITEM_WORDS` words each, with no verb phrase; or two or more after a
short label and a colon, as in "Calibration: isotonic, Platt."), counts as partly covered: naming a metric is not saying how it is used.

The result is a **hint** for the candidate, never a grade. Its accuracy against hand-judged pairs is measured by
``benchmarks/matcher.py`` on ``tests/practice/matcher_eval.csv``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

from widgets.practice.data import data_path

#: Minimum ``rapidfuzz.fuzz.ratio`` (0-100) for a typo to match; words shorter than :data:`TYPO_MIN_LENGTH`
#: must match exactly.
TYPO_SIMILARITY = 85
TYPO_MIN_LENGTH = 5
#: A comma-separated part of at most this many words is a list item (see the module's text).
LIST_ITEM_WORDS = 3

COVERED, PARTLY, MISSED = "covered", "partly", "missed"

_STOP_WORDS = ("a an the of to for in on and or is are be by with our we their its it this that as at per each every "
               "from into than then so").split()
_NEGATORS = frozenset("not never n't nor".split())
_NEGATED_VERBS = frozenset("use using need needed build train rely include add collect store log deploy serve consider "
                           "want plan require do ask support offer bother worry".split())
_NEGATION_BREAKERS = frozenset("but however although though while whereas except".split())
_CONSTRAINT_AFTER = frozenset("more less exceed exceeds above below over under later earlier only just too longer "
                              "fewer".split())
_VERBISH = re.compile(r"(?:ed|ing|ize|ise|ify|ate)$")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+[a-z]*|[a-z0-9]+(?:'[a-z]+)?|[.;:!?\n,]|@|\s/\s|\s\+\s")
_NUMBER_UNIT = re.compile(r"^(\d+(?:\.\d+)?)(ms|msec|s|sec|secs|min|mins|h|hr|hrs|k|m|b|x|d)$")
_CONTRACTIONS = {"don't": ("do", "n't"), "won't": ("will", "n't"), "can't": ("can", "n't"), "isn't": ("is", "n't"),
                 "aren't": ("are", "n't"), "doesn't": ("does", "n't"), "didn't": ("did", "n't"),
                 "shouldn't": ("should", "n't"), "wouldn't": ("would", "n't"), "couldn't": ("could", "n't"),
                 "wasn't": ("was", "n't"), "weren't": ("were", "n't"), "haven't": ("have", "n't"),
                 "hasn't": ("has", "n't"), "mustn't": ("must", "n't"), "needn't": ("need", "n't")}
_BREAKS = frozenset(".;:!?\n")
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Token:
    stem: str          # normalised form compared with phrases
    word: str          # the word as written, lower case
    start: int         # character span in the original text
    end: int
    clause: int        # index of the clause (between . ; : ! ? and line breaks)
    index: int         # position in the answer's token list
    part: int          # index of the comma-separated part inside the whole text


@dataclass(frozen=True)
class Found:
    """Where one phrasing of a concept was found: its character spans, and how it was stated."""

    concept: int
    phrase: str
    spans: tuple[tuple[int, int], ...]
    negated: bool
    listed: bool


@dataclass(frozen=True)
class PointMatch:
    """One point (or rubric item) against one answer."""

    id: str
    status: str                       # COVERED, PARTLY or MISSED
    found: tuple[Found, ...]          # the counted findings, one per concept found
    concepts: int                     # how many concepts the point has

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return tuple(s for f in self.found for s in f.spans)


class Answer:
    """An answer's text, tokenised once; match it against any number of points."""

    def __init__(self, text: str):
        self.text = text or ""
        self.tokens = _tokenise(self.text)
        self.content = [t for t in self.tokens if t.stem not in _STOP]
        self.vocab = {t.stem for t in self.content}
        self.words = {t.word: t.stem for t in self.content if len(t.word) >= TYPO_MIN_LENGTH and " " not in t.word}
        self.words.update({w[:-1]: stem for w, stem in list(self.words.items()) if w.endswith("s")})   # a plural typo
        self._word_list = list(self.words)
        self._fuzzy: dict[str, frozenset[str]] = {}
        self._list_parts = _list_parts(self.tokens)

    def _alternatives(self, stem: str, word: str) -> frozenset[str]:
        """Stems of the answer equal to ``stem``, or within a typo of it or of its ``word`` as written."""
        key = f"{stem} {word}"
        if key in self._fuzzy:
            return self._fuzzy[key]
        found = {stem} if stem in self.vocab else set()
        if len(word) >= TYPO_MIN_LENGTH and not word.isdigit():
            for other, _, _ in process.extract(stem, self.vocab, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY,
                                               limit=None):
                if len(other) >= TYPO_MIN_LENGTH - 1 and not other.isdigit():
                    found.add(other)
            for other, _, _ in process.extract(word, self._word_list, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY,
                                               limit=None):
                found.add(self.words[other])
        self._fuzzy[key] = frozenset(found)
        return self._fuzzy[key]

    def find(self, phrase: tuple[tuple[str, str], ...]) -> list[tuple[int, int]]:
        """Positions (in :attr:`content`) where the phrase's (stem, word) pairs occur in a row."""
        if not phrase:
            return []
        options = [self._alternatives(s, w) for s, w in phrase]
        if not all(options):
            return []
        n, hits = len(phrase), []
        for i in range(len(self.content) - n + 1):
            if all(self.content[i + j].stem in options[j] for j in range(n)):
                hits.append((i, i + n))
        return hits

    def match(self, point_id: str, concepts: Sequence[Sequence[str]]) -> PointMatch:
        compiled = compile_concepts(tuple(tuple(c) for c in concepts))
        found: list[Found] = []
        for ci, phrases in enumerate(compiled):
            best: Found | None = None
            for raw, stems in phrases:
                for a, b in self.find(stems):
                    toks = self.content[a:b]
                    f = Found(ci, raw, tuple((t.start, t.end) for t in toks), self._negated(toks[0], toks[-1]),
                              toks[0].part in self._list_parts)
                    if best is None or _rank(f) > _rank(best):
                        best = f
                    if not f.negated and not f.listed:
                        break
                if best is not None and not best.negated and not best.listed:
                    break
            if best is not None and not best.negated:
                found.append(best)
        if not found:
            status = MISSED
        elif len(found) == len(compiled) and not all(f.listed for f in found):
            status = COVERED
        else:
            status = PARTLY
        return PointMatch(point_id, status, tuple(found), len(compiled))

    def _negated(self, first: Token, last: Token) -> bool:
        """Whether the phrase from ``first`` to ``last`` is ruled out in its clause (see the module's text)."""
        if _dismissed_after(self.tokens, last):
            return True
        i = first.index
        j, words, comma = i - 1, 0, False
        while j >= 0 and words < 8:
            t = self.tokens[j]
            if t.clause != first.clause or t.word in _NEGATION_BREAKERS:
                break
            if t.word == ",":
                comma = True
                j -= 1
                continue
            nxt = self.tokens[j + 1]
            if not comma and (t.word in ("instead", "rather") or (t.word == "without" and nxt.word in ("using", "any"))):
                return True                   # "instead of X", "rather than X", "without using X", up to a comma
            if t.word in _NEGATORS or (t.word == "no" and nxt.word == "need"):
                if nxt.word in _CONSTRAINT_AFTER:
                    pass                      # "must not exceed 200 ms" is a limit, not a refusal
                elif t.word == "no" or (i - j <= 6 and any(b.stem in _NEGATED_VERBS or b.word in _NEGATED_VERBS
                                                           for b in self.tokens[j + 1:i])):
                    return True               # "we will not use X", "won't need a X", "no need for X"
            words += 1
            j -= 1
        return False


_DISMISSIVE = frozenset("need needed necessary worth required useful scope priority".split())


def _dismissed_after(tokens: list[Token], last: Token) -> bool:
    """"X isn't needed", "X is not worth it", "X is out of scope": a refusal stated after the phrase."""
    after = [t for t in tokens[last.index + 1:last.index + 7] if t.clause == last.clause]
    words = [t.word for t in after]
    for k, w in enumerate(words):
        if w in ("n't", "not", "never") and any(x in _DISMISSIVE for x in words[k + 1:k + 4]):
            return True
        if w == "out" and words[k + 1:k + 3] == ["of", "scope"]:
            return True
    return False


def _rank(f: Found) -> tuple[int, int]:
    return (not f.negated, not f.listed)


def match_points(text: str | Answer, points: Iterable) -> list[PointMatch]:
    """Match ``text`` against points (anything with ``id`` and ``concepts``), in order.

    Examples
    --------
    >>> from collections import namedtuple
    >>> p = namedtuple("Point", "id concepts")("peak", (("peak",), ("qps",)))
    >>> [m.status for m in match_points("At peak we expect 58K requests a second.", [p])]
    ['covered']
    >>> [m.status for m in match_points("The peak matters most.", [p])]
    ['partly']
    >>> [m.status for m in match_points("We will not plan for the peak in queries per second.", [p])]
    ['missed']
    """
    answer = text if isinstance(text, Answer) else Answer(text)
    return [answer.match(p.id, p.concepts) for p in points]


@lru_cache(maxsize=4096)
def compile_concepts(concepts: tuple[tuple[str, ...], ...]) -> tuple:
    """Each concept's phrasings as (phrasing, ((stem, word), ...)), filler words dropped."""
    out = []
    for phrases in concepts:
        seen, compiled = set(), []
        for raw in phrases:
            stems = tuple((t.stem, t.word) for t in _tokenise(raw) if t.stem not in _STOP and t.word not in (",", "@"))
            if stems and stems not in seen:
                seen.add(stems)
                compiled.append((raw, stems))
        out.append(tuple(compiled))
    return tuple(out)


@lru_cache(maxsize=1)
def _synonyms() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    raw = json.loads(data_path("synonyms.json").read_text(encoding="utf-8"))
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    longest = 1
    for group in raw["groups"]:
        canonical = (group[0].lower(),)
        for variant in group:
            words = tuple(_stem(w) for w in _words(variant.lower()))
            if words:
                table[words] = canonical
                longest = max(longest, len(words))
    return table, longest


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+|@", text.replace("'s ", " "))]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Snowball's stem; a short plural first loses its ``s`` (``gpus`` -> ``gpu``, ``ids`` -> ``id``), which the
    stemmer leaves alone."""
    if word.isdigit():
        return word
    if 3 <= len(word) <= 5 and word.endswith("s") and not word.endswith(("ss", "is")):
        word = word[:-1]
    return word if len(word) <= 3 else _STEMMER.stemWord(word)


_STOP = frozenset(_stem(w) for w in _STOP_WORDS) | frozenset(_STOP_WORDS)


def _tokenise(text: str) -> list[Token]:
    """Tokens with normalised stems and character spans (synonyms rewritten, numbers and units split)."""
    lowered = text.lower().replace("\u2019", "'")
    raw: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(lowered):
        w, s, e = m.group(), m.start(), m.end()
        if w.strip() in ("/", "+"):   # "node2vec / GraphSAGE / ANN": a list, as with commas
            raw.append((",", s, e))
            continue
        if w in _CONTRACTIONS:
            a, b = _CONTRACTIONS[w]
            raw += [(a, s, e), (b, s, e)]
            continue
        if "'" in w:
            w = w.split("'")[0]
        unit = _NUMBER_UNIT.match(w)
        if unit:
            raw += [(unit.group(1), s, s + len(unit.group(1))), (unit.group(2), s + len(unit.group(1)), e)]
        else:
            raw.append((w, s, e))
    for n in range(1, len(raw)):   # "recall@10", "ndcg@5": a cut-off is "@k" whatever its number
        if raw[n - 1][0] == "@" and raw[n][0].isdigit():
            raw[n] = ("k", raw[n][1], raw[n][2])
        # "58K a second": a rate, as "58K per second" (but "a second model" is not)
        if raw[n][0] == "a" and n + 1 < len(raw) and raw[n + 1][0] == "second" and (
                raw[n - 1][0][:1].isdigit() or raw[n - 1][0] in ("k", "m", "b", "thousand", "million", "billion")):
            raw[n] = ("per", raw[n][1], raw[n][2])
    table, longest = _synonyms()
    tokens: list[Token] = []
    clause = part = 0
    i = 0
    while i < len(raw):
        w, s, e = raw[i]
        if w in _BREAKS:
            clause += 1
            part += 1
            tokens.append(Token(w, w, s, e, clause, len(tokens), part))
            i += 1
            continue
        if w == ",":
            part += 1
            tokens.append(Token(w, w, s, e, clause, len(tokens), part))
            i += 1
            continue
        for n in range(min(longest, len(raw) - i), 0, -1):
            words = tuple(_stem(x[0]) for x in raw[i:i + n])
            if words in table and all(x[0] not in _BREAKS and x[0] != "," for x in raw[i:i + n]):
                canonical = table[words]
                tokens.append(Token(canonical[0], " ".join(x[0] for x in raw[i:i + n]), s, raw[i + n - 1][2],
                                    clause, len(tokens), part))
                i += n
                break
        else:
            tokens.append(Token(_stem(w), w, s, e, clause, len(tokens), part))
            i += 1
    return tokens


def _list_parts(tokens: list[Token]) -> frozenset[int]:
    """Comma-separated parts that belong to a bare keyword list (see the module's text): a clause of three or
    more short parts with no verb, or a clause of two or more short parts after a short label and a colon
    ("Calibration: isotonic, Platt.")."""
    by_clause: dict[int, dict[int, list[Token]]] = {}
    for t in tokens:
        if t.word not in _BREAKS and t.word != ",":
            by_clause.setdefault(t.clause, {}).setdefault(t.part, []).append(t)
    labels = {t.clause: t.clause - 1 for t in tokens if t.word == ":"   # a break starts the clause after it
              and 1 <= sum(len(p) for p in by_clause.get(t.clause - 1, {}).values()) <= 3}
    listed = set()
    for clause, parts in by_clause.items():
        items = list(parts.values())
        sizes = [len([t for t in p if t.stem not in _STOP]) for p in items]
        if clause in labels and max(sizes) <= LIST_ITEM_WORDS and (len(items) >= 2 or sum(sizes) <= 2):
            listed.update(parts)                       # "Calibration: isotonic, Platt." and its label
            listed.update(by_clause.get(labels[clause], {}))
            continue
        if len(parts) < 3:
            continue
        verbs = any(_VERBISH.search(t.word) or t.word in ("is", "are", "will", "use", "need", "because", "so")
                    for p in items for t in p)
        if max(sizes) <= LIST_ITEM_WORDS and sum(sizes) / len(sizes) <= 2.2 and not verbs:
            listed.update(parts)
    return frozenset(listed)
