"""Score predicted records against gold records (CONTRACT.md, "Scoring").

This module is the one definition of the project's metrics: ``sourcetrace eval``, the
eval gate and any independent check must agree with it, so every rule of the contract is
spelled out here in one place.

- Documents are matched by ``doc_id``. A prediction whose ``text`` differs from the gold
  text is reported in ``EvalResult.errors`` and scored as empty (its offsets point into
  another string); a gold document without a prediction scores as empty; predictions
  without a gold document are ignored (counted in ``ignored_predictions``).
- Counts are summed over documents first (micro average), then turned into P/R/F1.
- Characters are compared as sets of *non-whitespace* code-point positions, so edge
  whitespace and whitespace-only gaps between the spans of a role never matter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, printable
from .model import Attribution, Document, Span
from .records import NOT_A_RECORD, read_records

__all__ = [
    "METRICS",
    "ROLES",
    "EvalResult",
    "format_table",
    "load_records",
    "score_documents",
]

ROLES: tuple[str, ...] = ("source", "cue", "content")
METRICS: tuple[str, ...] = (
    *(f"{role}_{mode}" for role in ROLES for mode in ("exact", "partial", "token")),
    "attribution",
    "attribution_strict",
)

# The contract's tokenizer: words, and every other non-space character on its own.
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")

_Chars = frozenset[int]


@dataclass(slots=True)
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict[str, float]:
        p = _ratio(self.tp, self.tp + self.fp)
        r = _ratio(self.tp, self.tp + self.fn)
        f1 = _ratio(2 * p * r, p + r)
        return {"p": p, "r": r, "f1": f1, "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _ratio(num: float, den: float) -> float:
    """0/0 is 0.0: no predictions means no precision credit, not an error."""
    return num / den if den else 0.0


@dataclass(slots=True)
class EvalResult:
    """Micro-averaged scores plus everything that was scored as empty on the way."""

    metrics: dict[str, dict[str, float]]
    errors: list[str] = field(default_factory=list)
    documents: int = 0
    ignored_predictions: int = 0

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json`` (metric order kept as in the table)."""
        return {
            "documents": self.documents,
            "metrics": {name: dict(values) for name, values in self.metrics.items()},
            "errors": list(self.errors),
            "ignored_predictions": self.ignored_predictions,
        }


# --------------------------------------------------------------------------- scoring


def _by_id(docs: Iterable[Document], side: str, errors: list[str]) -> dict[str, Document]:
    """Documents by doc_id; a repeated doc_id is reported and only its first record kept."""
    out: dict[str, Document] = {}
    for doc in docs:
        if doc.doc_id in out:
            errors.append(f"{doc.doc_id}: duplicate {side} record; only the first is scored")
            continue
        out[doc.doc_id] = doc
    return out


def score_documents(gold: Sequence[Document], pred: Sequence[Document]) -> EvalResult:
    """Score ``pred`` against ``gold`` with the metrics of CONTRACT.md "Scoring"."""
    errors: list[str] = []
    counts = {name: _Counts() for name in METRICS}

    gold_by_id = _by_id(gold, "gold", errors)
    pred_by_id = _by_id(pred, "predicted", errors)

    for doc_id, gold_doc in gold_by_id.items():
        pred_doc = pred_by_id.get(doc_id)
        if pred_doc is None:
            errors.append(f"{doc_id}: no prediction for this gold document; scored as empty")
            pred_attrs: Sequence[Attribution] = ()
        elif pred_doc.text != gold_doc.text:
            errors.append(
                f"{doc_id}: predicted text differs from gold text (offsets mean nothing); "
                "scored as empty"
            )
            pred_attrs = ()
        else:
            pred_attrs = pred_doc.attributions
            if _out_of_bounds(pred_doc):
                errors.append(f"{doc_id}: predicted span outside the text; clipped to the text")
        _score_document(gold_doc.text, gold_doc.attributions, pred_attrs, counts)

    ignored = sum(1 for doc_id in pred_by_id if doc_id not in gold_by_id)
    return EvalResult(
        metrics={name: counts[name].as_dict() for name in METRICS},
        errors=errors,
        documents=len(gold_by_id),
        ignored_predictions=ignored,
    )


def _out_of_bounds(doc: Document) -> bool:
    n = len(doc.text)
    return any(
        not 0 <= s <= e <= n
        for attr in doc.attributions
        for s, e in (*attr.source, *attr.cue, *attr.content)
    )


def _chars(text: str, spans: Iterable[Span]) -> _Chars:
    """The non-whitespace positions a role covers (spans clipped to the text)."""
    n = len(text)
    out: set[int] = set()
    for start, end in spans:
        for pos in range(max(start, 0), min(end, n)):
            if not text[pos].isspace():
                out.add(pos)
    return frozenset(out)


def _score_document(
    text: str,
    gold_attrs: Sequence[Attribution],
    pred_attrs: Sequence[Attribution],
    counts: dict[str, _Counts],
) -> None:
    """Add one document's TP/FP/FN to ``counts`` (pred_attrs already share ``text``)."""
    gold_roles = {role: [_chars(text, getattr(a, role)) for a in gold_attrs] for role in ROLES}
    pred_roles = {role: [_chars(text, getattr(a, role)) for a in pred_attrs] for role in ROLES}
    token_of = _token_index(text)

    for role in ROLES:
        gold_values = _dedupe(gold_roles[role])
        pred_values = _dedupe(pred_roles[role])

        tp = len(set(gold_values) & set(pred_values))
        counts[f"{role}_exact"].add(tp, len(pred_values) - tp, len(gold_values) - tp)

        overlap = _overlaps(gold_values, pred_values)
        tp = len(_greedy(overlap))
        counts[f"{role}_partial"].add(tp, len(pred_values) - tp, len(gold_values) - tp)

        gold_tokens = _touched(token_of, gold_roles[role])
        pred_tokens = _touched(token_of, pred_roles[role])
        tp = len(gold_tokens & pred_tokens)
        counts[f"{role}_token"].add(tp, len(pred_tokens) - tp, len(gold_tokens) - tp)

    role_overlaps = {role: _overlaps(gold_roles[role], pred_roles[role]) for role in ROLES}
    for name, roles in (("attribution", ("cue", "content")),
                        ("attribution_strict", ("source", "cue", "content"))):
        pairs = _attribution_pairs(gold_roles, pred_roles, role_overlaps, roles)
        tp = len(_greedy(pairs))
        counts[name].add(tp, len(pred_attrs) - tp, len(gold_attrs) - tp)


def _dedupe(values: Iterable[_Chars]) -> list[_Chars]:
    """Distinct non-empty role values, first appearance first (a shared source counts once)."""
    seen: dict[_Chars, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def _overlaps(gold: Sequence[_Chars], pred: Sequence[_Chars]) -> dict[tuple[int, int], int]:
    """Shared characters of every (gold, pred) pair that shares any, via a position index."""
    index: dict[int, list[int]] = {}
    for pi, value in enumerate(pred):
        for pos in value:
            index.setdefault(pos, []).append(pi)
    out: dict[tuple[int, int], int] = {}
    for gi, value in enumerate(gold):
        shared: Counter[int] = Counter()
        for pos in value:
            shared.update(index.get(pos, ()))
        for pi, n in shared.items():
            out[(gi, pi)] = n
    return out


def _greedy(scores: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    """One-to-one matching, largest score first; ties go to the earlier gold, then pred."""
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matched: list[tuple[int, int]] = []
    for (gi, pi), _ in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        matched.append((gi, pi))
    return matched


def _attribution_pairs(
    gold_roles: dict[str, list[_Chars]],
    pred_roles: dict[str, list[_Chars]],
    role_overlaps: dict[str, dict[tuple[int, int], int]],
    roles: tuple[str, ...],
) -> dict[tuple[int, int], int]:
    """Pairs whose every role in ``roles`` agrees, scored by their summed overlap.

    A role agrees when the two values share a character or when both are empty.
    """

    def agree(role: str, gi: int, pi: int) -> bool:
        if (gi, pi) in role_overlaps[role]:
            return True
        return not gold_roles[role][gi] and not pred_roles[role][pi]

    # Every agreeing pair agrees on content, so start from the content candidates.
    candidates = set(role_overlaps["content"])
    empty_gold = [gi for gi, v in enumerate(gold_roles["content"]) if not v]
    empty_pred = [pi for pi, v in enumerate(pred_roles["content"]) if not v]
    candidates.update((gi, pi) for gi in empty_gold for pi in empty_pred)

    out: dict[tuple[int, int], int] = {}
    for gi, pi in candidates:
        if all(agree(role, gi, pi) for role in roles):
            out[(gi, pi)] = sum(role_overlaps[role].get((gi, pi), 0) for role in roles)
    return out


def _token_index(text: str) -> list[int]:
    """For each position, the index of the contract token holding it (-1 for none)."""
    token_of = [-1] * len(text)
    for i, m in enumerate(_TOKEN_RE.finditer(text)):
        token_of[m.start() : m.end()] = [i] * (m.end() - m.start())
    return token_of


def _touched(token_of: Sequence[int], values: Iterable[_Chars]) -> set[int]:
    """Indices of the tokens that have a character inside the role (any attribution).

    Tokens hold no whitespace, so the non-whitespace positions are enough.
    """
    out: set[int] = set()
    for value in values:
        out.update(token_of[pos] for pos in value)
    out.discard(-1)
    return out


# --------------------------------------------------------------------------- loading


def load_records(path: Path | str) -> list[Document]:
    """Records from a directory of ``*.json``/``*.jsonl`` files (and its subfolders), a
    ``.json`` or a ``.jsonl``, read by ``records.read_records``.

    JSON objects without ``doc_id`` and ``text`` (e.g. ``corpus.gold.json``) are passed
    over, so a gold directory can be passed as it is. Unlike `show`, it is all or nothing:
    a score that silently left out a bad file would be a wrong score. Finding no record at
    all is an error too: it almost always means the wrong path.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "E110: no such file or directory")
    docs = []
    for item in read_records([path], gold=True):
        if isinstance(item, InputError):
            if item.reason == NOT_A_RECORD:  # in a file given by name too
                continue
            raise InputError(item.path, f"{_code(item.reason)}: {item.reason}")
        docs.append(item)
    if not docs:
        raise InputError(
            str(path),
            "E111: no sourcetrace records found (JSON objects with `doc_id` and `text`); "
            "check the path",
        )
    return docs


def _code(reason: str) -> str:
    """``eval``'s error code for what ``read_records`` found wrong."""
    if reason.startswith("cannot read"):
        return "E112"
    if reason.startswith("malformed JSON"):
        return "E113"
    return "E114"  # a record that does not hold together


# --------------------------------------------------------------------------- output


def format_table(result: EvalResult) -> str:
    """A plain-text table; the last line is the summary that scripts and the gate grep."""
    lines = [f"documents: {result.documents}  errors: {len(result.errors)}"]
    lines += [f"error: {printable(message)}" for message in result.errors]  # they quote doc_ids
    header = f"{'metric':<20} {'P':>6} {'R':>6} {'F1':>6} {'TP':>7} {'FP':>7} {'FN':>7}"
    lines += [header, "-" * len(header)]
    for name, m in result.metrics.items():
        lines.append(
            f"{name:<20} {m['p']:>6.3f} {m['r']:>6.3f} {m['f1']:>6.3f} "
            f"{int(m['tp']):>7d} {int(m['fp']):>7d} {int(m['fn']):>7d}"
        )
    content_f1 = result.metrics.get("content_token", {}).get("f1", 0.0)
    attribution_f1 = result.metrics.get("attribution", {}).get("f1", 0.0)
    lines.append(f"content_token_f1={content_f1:.3f} attribution_f1={attribution_f1:.3f}")
    return "\n".join(lines)
