"""Stage 3: parse the text with the project's own English news model (shipped in the package).

The model is trained by `sourcetrace train` from ../shared/data and loaded from
`sourcetrace/models/en_sourcetrace`; nothing is downloaded at run time. The tagger predicts
Penn Treebank tags; a small component maps them to Universal POS so both are set.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import IDX, LENGTH, ORTH, POS, SENT_START, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as UPOS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc as SpacyDoc

from .errors import ConfigError, StageError
from .model import Document

__all__ = ["MODEL_DIR", "load_model", "names_of", "parse", "parse_many", "token_offsets", "use_news_infixes"]

MODEL_DIR = Path(__file__).parent / "models" / "en_sourcetrace"
# Articles are parsed whole; spaCy's default 1M-character guard is raised to the ingest limit.
_MAX_LENGTH = 25_000_000

# Penn Treebank tag -> Universal POS (the standard correspondence).
PTB_TO_UPOS: dict[str, str] = {
    "$": "SYM", "''": "PUNCT", "``": "PUNCT", ",": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT",
    ".": "PUNCT", ":": "PUNCT", "HYPH": "PUNCT", "NFP": "PUNCT", "#": "SYM", "ADD": "X",
    "AFX": "ADJ", "CC": "CCONJ", "CD": "NUM", "DT": "DET", "EX": "PRON", "FW": "X", "GW": "X",
    "IN": "ADP", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "LS": "X", "MD": "AUX", "NN": "NOUN",
    "NNP": "PROPN", "NNPS": "PROPN", "NNS": "NOUN", "PDT": "DET", "POS": "PART", "PRP": "PRON",
    "PRP$": "PRON", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "RP": "ADP", "SYM": "SYM",
    "TO": "PART", "UH": "INTJ", "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB",
    "VBP": "VERB", "VBZ": "VERB", "WDT": "PRON", "WP": "PRON", "WP$": "PRON", "WRB": "ADV",
    "XX": "X", "_SP": "SPACE",
}


_TAG_TO_UPOS = {get_string_id(tag): UPOS_IDS[pos] for tag, pos in PTB_TO_UPOS.items()}


@Language.component("upos_from_tags")
def upos_from_tags(sdoc: SpacyDoc) -> SpacyDoc:
    """Universal POS from the Penn tag, by table, in one array pass (spaCy's attribute
    ruler does the same through its matcher at 5 % of the whole parse; this takes 0.1 %).
    A tag outside the table keeps the POS it had."""
    if not len(sdoc):
        return sdoc
    have = sdoc.to_array([TAG, POS])  # uint64: tag hashes use all 64 bits
    tags, where = np.unique(have[:, 0], return_inverse=True)
    table = np.array([_TAG_TO_UPOS.get(int(t), 0) for t in tags], dtype=np.uint64)
    known = np.array([int(t) in _TAG_TO_UPOS for t in tags])
    pos = np.where(known[where], table[where], have[:, 1])
    sdoc.from_array([POS], pos.reshape(-1, 1))
    return sdoc


def names_of(sdoc: SpacyDoc, hashes: list[int]) -> list[str]:
    """The strings of a column of ``sdoc.to_array`` hashes (0: none, ""), each distinct one
    looked up once: a few dozen tags or labels stand for thousands of tokens."""
    strings = sdoc.vocab.strings
    names = {h: strings[h] if h else "" for h in set(hashes)}
    return [names[h] for h in hashes]


def token_offsets(sdoc: SpacyDoc) -> list[tuple[int, int]]:
    """Each token's [start, end) in the text, by array (no Token objects)."""
    return [(i, i + n) for i, n in sdoc.to_array([IDX, LENGTH]).tolist()]


@Language.component("paragraph_breaks")
def paragraph_breaks(sdoc: SpacyDoc) -> SpacyDoc:
    """A line break always ends a sentence: news paragraphs, captions and labels are lines.
    A parenthesis opened inside a line never ends one ("Sen. Ann Lee (D-Ore.) said …": the
    abbreviation's full stop inside it is no sentence end), nor does its closing mark."""
    if len(sdoc) < 2:
        return sdoc
    # one array pass: Token objects (and Doc.text, joined from them) cost most of this
    # component's time on news. A token's trailing whitespace is one space or none, so a
    # line break is always inside a token.
    words = names_of(sdoc, sdoc.to_array([ORTH]).ravel().tolist())
    start = sdoc.to_array([SENT_START]).astype(np.int64).ravel().tolist()
    changed = False
    depth = 0
    for i in range(1, len(words)):
        word = words[i]
        if "\n" in words[i - 1]:
            start[i], changed = 1, True
            depth = 0
        elif depth > 0 or (words[i - 1] == ")" and word[:1].islower()):
            start[i], changed = -1, True
        if word == "(":
            depth += 1
        elif word == ")" and depth > 0:
            depth -= 1
    if changed:
        sdoc.from_array([SENT_START], np.array(start, dtype=np.int64).astype(np.uint64).reshape(-1, 1))
    return sdoc


def model_path() -> Path:
    """The bundled model, or the one named by $SOURCETRACE_MODEL (for development)."""
    override = os.environ.get("SOURCETRACE_MODEL")
    return Path(override) if override else MODEL_DIR


def use_news_infixes(nlp: Language) -> None:
    """The tokenizer's word-inner rules for news text (both measured on PolNeAR train).

    Keep "fact-checker", "Holtz-Eakin", "three-quarters" one token, as CoreNLP does: spaCy's
    English tokenizer splits a hyphen between letters; the larger share of the model's
    training text (the PolNeAR CoreNLP silver layer, 4,218 hyphenated tokens to EWT's 1,422
    hyphen tokens) keeps such words whole, and on split ones the parser made "checker" the
    subject of "said" and cut names in half. Dashes (–, —, --) still split.

    Split a quotation mark glued to a word by scraped text ('said,“Look', 'late,”Clinton
    said'; 8 times in PolNeAR train): as one token the quotation has no start and the
    speaker no name."""
    from spacy.lang.char_classes import HYPHENS
    from spacy.lang.en.punctuation import TOKENIZER_INFIXES
    from spacy.util import compile_infix_regex

    dashes = "|".join(h for h in HYPHENS.split("|") if h != "-")
    infixes = [p.replace(f"(?:{HYPHENS})", f"(?:{dashes})") for p in TOKENIZER_INFIXES]
    if infixes == list(TOKENIZER_INFIXES):
        raise RuntimeError("spaCy's hyphen infix rule changed; update use_news_infixes")
    glued = [r"(?<=\w)[,.:;!?](?=[“”\"])", r"(?<=[\w,.:;!?])[“”](?=\w)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex([*infixes, *glued]).finditer


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> Language:
    """Load the pipeline once per process (it is read-only afterwards)."""
    import spacy

    where = Path(path) if path else model_path()
    if not (where / "config.cfg").exists():
        raise ConfigError(
            f"E301: no spaCy model at {where}; rebuild it with `make model` (needs ../shared/data)"
        )
    nlp = spacy.load(where, exclude=["lemmatizer"])
    nlp.max_length = _MAX_LENGTH
    use_news_infixes(nlp)
    if "paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", first=True)
    if "upos_from_tags" not in nlp.pipe_names:
        nlp.add_pipe("upos_from_tags", after="tagger")
    return nlp


# spaCy's tokenizer peels a word's prefixes and suffixes one by one, each by a regex search
# over what is left: a long word made mostly of punctuation costs it the square of its
# length (12,000 marks took half a minute), and such words broken by a letter or a space
# still cost about half a second per KB. No article holds them (a separator line of a few
# hundred "=" passes; a URL is mostly letters); a scrape of a binary blob may.
_LONG_WORD = re.compile(r"\S{200,}")
_MAX_PUNCTUATION_WORDS = 2000  # characters, summed over such words


def _check_parsable(doc: Document) -> None:
    heavy, first = 0, -1
    for word in _LONG_WORD.finditer(doc.text):
        chunk = word.group()
        if 2 * sum(not c.isalnum() for c in chunk) > len(chunk):
            heavy += len(chunk)
            first = word.start() if first < 0 else first
    if heavy > _MAX_PUNCTUATION_WORDS:
        raise StageError(f"E505: {doc.doc_id} holds {heavy} characters of words of 200 or more, mostly "
                         f"punctuation, from offset {first}: not article text, not parsed")


def parse(doc: Document, *, nlp: Language | None = None) -> Document:
    """Attach the spaCy parse of the whole text (offsets stay those of `text`)."""
    _check_parsable(doc)
    nlp = nlp or load_model()
    return doc.with_(parsed=nlp(doc.text))


PARSE_BATCH = 16
"""Documents per batched parse: spaCy advances their parser states together (about 1.2
times the speed of one at a time on PolNeAR dev, with the same parses)."""


def parse_many(docs: list[Document], *, nlp: Language | None = None) -> list[Document]:
    """``parse`` for several documents in one batched spaCy pass."""
    for doc in docs:
        _check_parsable(doc)  # the batch fails, and its documents are parsed one by one
    nlp = nlp or load_model()
    parsed = nlp.pipe((d.text for d in docs), batch_size=PARSE_BATCH)
    return [d.with_(parsed=s) for d, s in zip(docs, parsed, strict=True)]
