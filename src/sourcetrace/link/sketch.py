"""Words, shingles and MinHash sketches shared by the store and the link stages.

The store sketches each document and each attribution content once, when it is added,
so that linking a corpus of any size only joins small integer tables instead of
re-reading every text. Everything here is a pure function of a string.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from datasketch import MinHash

__all__ = [
    "CONTENT_BANDS",
    "CONTENT_PERM",
    "MIN_CONTENT_TERMS",
    "SKETCH_VERSION",
    "TEXT_PERM",
    "band_hashes",
    "content_key",
    "content_shingles",
    "content_terms",
    "estimate_jaccard",
    "int64_hash",
    "names_in",
    "negated",
    "normalise_words",
    "numbers_in",
    "signature",
    "stem",
    "text_shingles",
]

SKETCH_VERSION = "2"
"""Stored with every store: sketches made by another version cannot be compared."""
TEXT_PERM = 128
"""Permutations for whole-document sketches (near-duplicate and syndicated copies)."""
CONTENT_PERM = 64
"""Permutations for attribution contents: short texts need fewer."""
CONTENT_BANDS = (21, 3)
"""(bands, rows) for content LSH over 63 of the 64 permutations. A pair at Jaccard 0.5
becomes a candidate with probability 0.94, at 0.4 with 0.75, at 0.2 with 0.15. (16, 4),
datasketch's optimum for threshold 0.4, caught only 64 % of pairs at 0.5 and missed a
quoted fragment in the tests; (32, 2) found 9 % more shared claims on 838 PolNeAR
articles than (21, 3) but made linking 2.5 times slower. Fixed here because the bands
are stored with each content when it is added."""
MIN_CONTENT_TERMS = 3
"""Contents with fewer content words ("the talks", "which") are never linked by wording:
two such snippets in different stories share words by chance, not by proposition."""
TEXT_SHINGLE = 4
"""Word 4-grams for documents: a copy with a changed headline and a few edited words
keeps Jaccard above 0.8 on a 500-word article, unrelated articles stay below 0.05."""

_SEED = 1
_WORD = re.compile(r"\w+(?:[.,]\d+)*")
_CAP = re.compile(r"[^\W\d_][\w’'-]*")
_SENTENCE_END = re.compile(r"[.!?:;“”\"‘’(]\s*$")
_DIGIT = re.compile(r"\d")
_NEG = frozenset({"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without"})

# Function words dropped from content terms. Negations are *kept*: "will close" and
# "will not close" must not look alike.
_STOP = frozenset(
    """a an the and or but if then than that this these those there here of in on at to for
    from by with as into onto about over under after before between through during against
    is are was were be been being am has have had having do does did doing will would shall
    should can could may might must it its he him his she her hers they them their theirs we
    us our ours you your yours i me my mine who whom whose which what when where why how
    also just so very too only even such some any all each every both either other another
    said says say saying told tells according reported reportedly""".split()
)


def normalise_words(text: str) -> list[str]:
    """Lower-cased word tokens; n't becomes "not" and 77,000 stays one token."""
    text = text.replace("’", "'").replace("n't", " not")
    return [w.lower() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    # A crude suffix strip is enough to let "closes"/"closed"/"closing" meet; it is
    # applied identically on both sides of every comparison.
    if word.isdigit() or len(word) <= 4:
        return word
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


def content_terms(words: Iterable[str]) -> list[str]:
    """Content words in order (function words out, negations and numbers in), stemmed."""
    return [stem(w.replace(",", "")) for w in words if w not in _STOP]


def content_shingles(terms: list[str]) -> set[str]:
    """Unigrams and adjacent bigrams of content terms.

    Unigrams let a paraphrase ("will close" / "would be closed") still meet; bigrams keep
    two different propositions over the same words apart.
    """
    grams = set(terms)
    grams.update(f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False))
    return grams


def text_shingles(words: list[str]) -> set[str]:
    """Word 4-grams of a whole document (fewer words: the words themselves)."""
    if len(words) < TEXT_SHINGLE:
        return set(words)
    return {" ".join(words[i : i + TEXT_SHINGLE]) for i in range(len(words) - TEXT_SHINGLE + 1)}


def numbers_in(words: Iterable[str]) -> frozenset[str]:
    """Numbers as written, without thousands separators ("77,000" -> "77000")."""
    return frozenset(w.replace(",", "") for w in words if _DIGIT.search(w))


def names_in(text: str) -> frozenset[str]:
    """Capitalised words that do not start a sentence or a quotation (lower-cased)."""
    out: set[str] = set()
    for m in _CAP.finditer(text):
        word = m.group()
        if not word[0].isupper() or m.start() == 0:
            continue
        if _SENTENCE_END.search(text[max(0, m.start() - 3) : m.start()]):
            continue
        low = word.lower().replace("’", "'")
        low = low[:-2] if low.endswith("'s") else low
        if low not in _STOP:
            out.add(low)
    return frozenset(out)


def negated(words: Iterable[str]) -> bool:
    return any(w in _NEG for w in words)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    perms = MinHash(num_perm=num_perm, seed=_SEED).permutations
    return perms[0], perms[1]


def signature(shingles: Iterable[str], num_perm: int) -> np.ndarray:
    """The MinHash hash values (uint32, datasketch's affine32 scheme) of a set of strings."""
    # CRC-32 (C speed, stable across processes, unlike hash()) is enough as the input hash:
    # the affine32 scheme mixes it with the MurmurHash3 finalizer before permuting. It is
    # ~10x faster than datasketch's default SHA-1 and sketches are stored, so it is fixed.
    mh = MinHash(num_perm=num_perm, seed=_SEED, permutations=_permutations(num_perm),
                 scheme="affine32", hashfunc=zlib.crc32)
    data = [s.encode("utf-8") for s in shingles]
    if data:
        mh.update_batch(data)
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The MinHash estimate: the share of permutations whose minima agree."""
    return float(np.count_nonzero(a == b)) / float(len(a))


def int64_hash(data: bytes) -> int:
    """A stable signed 64-bit hash (BIGINT column friendly)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def content_key(norm: str) -> int:
    """The key of a normalised content string: equal wording, equal key."""
    return int64_hash(norm.encode("utf-8"))


def band_hashes(sig: np.ndarray, *, bands: int = CONTENT_BANDS[0], rows: int = CONTENT_BANDS[1]) -> list[int]:
    """One 64-bit bucket hash per LSH band: two sketches are candidates if any band agrees."""
    raw = sig.astype("<u4").tobytes()
    width = rows * 4
    return [int64_hash(bytes([i]) + raw[i * width : (i + 1) * width]) for i in range(bands)]
