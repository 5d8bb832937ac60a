"""The per-document pipeline: stage order, what each stage needs and adds, error policy.

Each stage is a pure `Document -> Document` function, so the same pipeline runs in one
process, in a process pool or as a map step elsewhere. The pipeline checks that every
stage returns a Document with the same text, and that a stage's inputs were produced by
an earlier one (spaCy's requires/assigns idea).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from .attribution import extract_attributions
from .attribution.fold import fold_own_beliefs
from .attribution.quotes import OPENING
from .attribution.rules import DECLINED
from .boilerplate import mark_boilerplate
from .certainty import assess_certainty
from .errors import SourcetraceError, StageError
from .model import Document
from .nlp import load_model, parse, parse_many
from .resolve import resolve_entities

__all__ = [
    "ATTRIBUTION_MODES", "DEFAULT_MODE", "STAGES", "TRANSFORMER_MODES", "Stage", "analyze", "analyze_many", "per_document",
    "stages_for",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Stage:
    name: str  # versioned registry name
    func: Callable[[Document], Document]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    # the same work on several documents at once, where that is faster (the parse)
    batch: Callable[[list[Document]], list[Document]] | None = None


def _parse(doc: Document) -> Document:
    return parse(doc)


STAGES: tuple[Stage, ...] = (
    Stage("boilerplate.rules.v1", mark_boilerplate, (), ("boilerplate",)),
    Stage("nlp.spacy.v1", _parse, (), ("parsed",), batch=parse_many),
    Stage("attribution.rules.v1", extract_attributions, ("parsed", "boilerplate"), ("attributions",)),
    Stage("resolve.rules.v1", resolve_entities, ("attributions", "parsed"), ("entities", "speaker")),
    Stage("certainty.rules.v1", assess_certainty, ("attributions",), ("certainty",)),
    # a speaker's own nested "they want" / "he thinks" joins the statement around it
    Stage("fold.beliefs.v1", fold_own_beliefs, ("speaker", "certainty"), ("attributions",)),
)


def _check_order(stages: Iterable[Stage]) -> None:
    have: set[str] = set()
    for stage in stages:
        missing = [r for r in stage.requires if r not in have]
        if missing:
            raise StageError(f"E501: stage {stage.name} needs {missing} from an earlier stage")
        have.update(stage.assigns)


_check_order(STAGES)


def _checked(stage: Stage, doc: Document, out: object) -> Document:
    if not isinstance(out, Document) or out.text != doc.text:
        raise StageError(f"E503: stage {stage.name} must return the Document with its text unchanged")
    return out


def _apply(stage: Stage, doc: Document) -> Document:
    try:
        out = stage.func(doc)
    except SourcetraceError:
        raise
    except Exception as e:  # a bug in a stage must name the stage and the document
        raise StageError(f"E502: stage {stage.name} failed on {doc.doc_id}: {e}") from e
    return _checked(stage, doc, out)


def _run(doc: Document, stages: Iterable[Stage]) -> Document:
    for stage in stages:
        doc = _apply(stage, doc)
    return doc.with_(parsed=None)


def _apply_batch(stage: Stage, docs: list[Document]) -> list[Document | SourcetraceError]:
    """``stage`` on every document: at once where it has a batch form, one by one where it
    has none or the batch failed (so a failure is pinned on its own document)."""
    if stage.batch is not None:
        try:
            outs = stage.batch(docs)
            if len(outs) == len(docs):
                return [_checked(stage, doc, out) for doc, out in zip(docs, outs, strict=True)]
        except Exception:  # noqa: BLE001 - retried one by one below, where the error is named
            log.debug("batch %s failed; running its documents one by one", stage.name, exc_info=True)
    return per_document(partial(_apply, stage))(docs)


def _add_crf(doc: Document) -> Document:
    """Rules first; then the CRF role tagger's attributions, those with a source, where the
    rules found nothing.

    The default mode. The tagger reads the parse and the rules' own reading, and learned
    from PolNeAR which other words are cues (its long tail: "would vote for"); the rules'
    own attributions, spans, kinds and nesting stand as they are. It knows words, not
    senses, so what it finds on a cue word the rules read and declined ("said a prayer",
    "Troops defended the city") is dropped unless it says a clause, a quotation or a
    person (``_propositional``)."""
    from dataclasses import replace

    from .attribution import caption_or_dropped
    from .attribution.combine import add_missing
    from .attribution.crf_tagger import extract_attributions_crf

    sdoc = doc.parsed
    declined: dict[int, str] = sdoc.user_data.get(DECLINED, {}) if sdoc is not None else {}
    learned = []
    for a in extract_attributions_crf(doc).attributions:
        if declined and _holds_declined(sdoc, a.cue, declined) and not _propositional(sdoc, doc.text, a.content):
            # the rules read this cue word and found no frame in its sense ("said a prayer",
            # "called the police", "Troops defended the city"); the tagger knows the word,
            # not the sense. Where what it says is a clause or a quotation ("ruled that …",
            # "called for releasing …") or a person ("attacked Rubio"), it is kept: on
            # PolNeAR train held out from the CRF's training (c1 0.3) those were right 43
            # times in 48, the others 54 in 112 (attribution F1 0.695 → 0.702; all kept:
            # 0.706, but "He called the police" and "Troops defended the city" with them)
            continue
        if not a.source:
            # half a frame: the tagger found a cue and its content but no one saying it.
            # On PolNeAR train held out from its training such finds were right as often
            # as the rest (51 of 93), but with no source they answer no "who says so",
            # and in the seeds both were wrong ("despite ... continuously attacking the
            # infrastructure", "barriers known as ..."); agentless attributions come from
            # the rules, which know the agentless forms ("is believed", "reportedly")
            continue
        caption = caption_or_dropped(doc, a.cue, a.content)  # as for the rules' own
        if caption is not None:
            learned.append(replace(a, extra={**a.extra, "in_caption": True}) if caption else a)
    return doc.with_(attributions=add_missing(doc.attributions, learned))


def _holds_declined(sdoc: Any, spans: Iterable[tuple[int, int]], declined: dict[int, str]) -> bool:
    """Whether a cue covers a word the rules read as a cue and declined (``rules.DECLINED``)."""
    for start, end in spans:
        span = sdoc.char_span(start, end, alignment_mode="expand")
        if span is not None and any(tok.i in declined for tok in span):
            return True
    return False


_CLAUSE_OPENERS = frozenset({"that", "whether", "if"})
_CLAUSE_TAGS = frozenset({"WRB", "WP", "WDT", "VBG"})  # how / what / which …, a gerund
_QUOTE_MARKS = frozenset(OPENING + "'")  # the opening marks, and PolNeAR's '' for “


def _propositional(sdoc: Any, text: str, content: Sequence[tuple[int, int]]) -> bool:
    """Whether a content opens as a clause, a quotation or a person's name, not as a thing
    ("a prayer", "the police"): what a learned cue on a word the rules declined must say to
    be kept."""
    if not content:
        return False
    start, end = content[0]
    if text[start] in _QUOTE_MARKS:
        return True
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    first = span[0]
    # a named person is someone spoken to or about ("attacked Rubio", "preferred Clinton"),
    # as the rules themselves read a person after such a verb
    return first.lower_ in _CLAUSE_OPENERS or first.tag_ in _CLAUSE_TAGS or (
        first.ent_type_ == "PER" and first.tag_ in {"NNP", "NNPS"})


def _transformer_first(doc: Document, mode: str = "transformer") -> Document:
    """The transformer labeller's outermost attributions; the rules' nested ones and misses.
    ``mode`` picks the labeller (``transformer-large``: over all-mpnet-base-v2, not MiniLM)."""
    from .attribution.combine import learned_first
    from .attribution.transformer import extract_attributions_transformer, load_mode_head

    learned = extract_attributions_transformer(doc, load_mode_head(mode)).attributions
    return doc.with_(attributions=learned_first(doc.attributions, learned, doc.text))


def _transformer_large_first(doc: Document) -> Document:
    return _transformer_first(doc, "transformer-large")


ATTRIBUTION_MODES = ("rules", "crf", "transformer", "transformer-large")
DEFAULT_MODE = "crf"
"""What ``sourcetrace analyze`` and the corpus store run without ``--attribution``."""
TRANSFORMER_MODES = ("transformer", "transformer-large")


def stages_for(mode: str = DEFAULT_MODE) -> tuple[Stage, ...]:
    """The stage list for an attribution mode: `rules` (``STAGES``), `crf` (the default:
    the rules, plus the CRF role tagger's attributions where they found nothing;
    attribution/crf_tagger.py), `transformer` (the MiniLM role labeller first, the rules
    for nesting and misses; needs the transformer extra; attribution/transformer.py) or
    `transformer-large` (the same over all-mpnet-base-v2: slower, more accurate; needs
    `sourcetrace fetch-encoder` once)."""
    if mode not in ATTRIBUTION_MODES:
        raise StageError(f"E504: unknown attribution mode {mode!r}; use one of {ATTRIBUTION_MODES}")
    if mode == "rules":
        return STAGES
    extra = {
        "crf": Stage("attribution.crf.v1", _add_crf, ("attributions", "parsed"), ("attributions",)),
        "transformer": Stage("attribution.transformer.v1", _transformer_first, ("attributions",), ("attributions",)),
        "transformer-large": Stage("attribution.transformer-mpnet.v1", _transformer_large_first, ("attributions",),
                                   ("attributions",)),
    }[mode]
    out: list[Stage] = []
    for stage in STAGES:
        out.append(stage)
        if stage.name.startswith("attribution."):
            out.append(extra)
    _check_order(out)
    return tuple(out)


def analyze(doc: Document, *, mode: str = DEFAULT_MODE) -> Document:
    """Run every per-document stage on one document."""
    return _run(doc, stages_for(mode))


def analyze_many(docs: Sequence[Document], *, mode: str = DEFAULT_MODE) -> list[Document | SourcetraceError]:
    """``analyze`` on each document, in order, with the parse of all of them in one batched
    spaCy pass (the same parses, about 1.2 times faster on PolNeAR dev). A document that
    fails gets its error in its place; the others go on."""
    out: list[Document | SourcetraceError] = list(docs)
    with _parses_forgotten():
        for stage in stages_for(mode):
            alive = [(i, d) for i, d in enumerate(out) if isinstance(d, Document)]
            if not alive:
                break
            for (i, _), done in zip(alive, _apply_batch(stage, [d for _, d in alive]), strict=True):
                out[i] = done
        return [d.with_(parsed=None) if isinstance(d, Document) else d for d in out]


def _parses_forgotten() -> AbstractContextManager[object]:
    """spaCy's memory zone: the words first seen in these documents leave its vocabulary
    when their parses are dropped. Without it a long run keeps every new word (a worker
    grew 139 -> 236 MB over 960 documents of made-up words; with it, 138 -> 153 MB). The
    parses must not outlive it, which ``analyze_many`` sees to."""
    try:
        nlp = load_model()
    except SourcetraceError:  # the parse stage reports it, per document
        return nullcontext()
    return nlp.memory_zone()


def per_document(analyze_one: Callable[[Document], Document]) -> Callable[..., list[Document | SourcetraceError]]:
    """An ``analyze_many`` made of a one-document function (for other analyses and tests):
    its ``mode`` is ignored, and only SourcetraceError is caught and handed back."""

    def many(docs: Sequence[Document], *, mode: str = DEFAULT_MODE) -> list[Document | SourcetraceError]:
        done: list[Document | SourcetraceError] = []
        for doc in docs:
            try:
                done.append(analyze_one(doc))
            except SourcetraceError as e:
                done.append(e)
        return done

    return many
