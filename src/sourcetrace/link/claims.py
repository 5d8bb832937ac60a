"""Claims: the same proposition carried by attributions in one or many documents.

Candidates come from MinHash LSH over each content's words (the store keeps 21 band
hashes per distinct content, so candidates are one self-join in DuckDB); each candidate
pair is then checked on the words themselves:

- the Jaccard overlap of content-word unigrams and bigrams reaches 0.5, or the shorter
  content is 80 % contained in the longer (a quote and a fragment of it);
- numbers must agree where both have some ("77,000 soldiers" is not "7,000 soldiers"),
  and so must negation ("will close" is not "will not close");
- shared names or shared numbers lower the bar to 0.4; names on both sides with none in
  common raise it to 0.7 (the same words about different people);
- containment asks for at least 5 shingles in the shorter content and no names on both
  sides with none in common.

Matches are grouped as stars around the best connected content, not as connected
components, and a fragment joins only a group that holds all its containers, so a topic
phrase contained in several different claims cannot chain them together.

A nested attribution carries its own proposition; the attributions it is nested in are
relays, listed among the claim's members and as hops of its chain
``[doc_id, relay, …, original source]``.

Within a document, a content that only points back at an earlier one joins that one's
claim: a pronoun ("…, which have not been confirmed by Russia") takes the attribution
just before it, and a short definite phrase ("The White House did not deny the talks")
the nearest earlier one whose content has its head word ("… had held talks with …").
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter, OrderedDict
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa

from . import sketch
from .independence import ChainEnd, assess
from .unionfind import UnionFind
from .views import AttrView, DocView, TableWriter, iter_doc_views

__all__ = [
    "JACCARD",
    "MIN_LINK_TERMS",
    "build_claims",
    "iter_claims",
    "match",
    "same_proposition",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

JACCARD = 0.5
JACCARD_SHARED_NAMES = 0.4
JACCARD_DISJOINT_NAMES = 0.7
CONTAINMENT = 0.8
MIN_LINK_TERMS = 4
"""Contents with fewer content words are not linked across articles by wording. With
three ("her 50-state strategy", "would begrudgingly support Trump") PolNeAR showed topics
and different people's stances merged into one claim; four keeps such NPs apart while a
short proposition ("the city must answer by dawn on Monday") still links."""
MAX_BUCKET = 1000
"""An LSH bucket shared by more distinct contents than this holds a stock phrase, not a
claim; it is left out of candidate generation (its pairs would be quadratic)."""


def _terms(norm: str) -> list[str]:
    return sketch.content_terms(norm.split())


def same_proposition(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two contents (``norm``, ``names``, ``numbers``, ``negated``) say the same thing."""
    return match(a, b) is not None


def match(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    """``"same"`` (the wording overlaps), ``"a<b"``/``"b<a"`` (one is contained in the
    other: a fragment of a quote, or a topic inside a statement) or None."""
    if bool(a["negated"]) != bool(b["negated"]):
        return None
    nums_a, nums_b = set(a["numbers"] or ()), set(b["numbers"] or ())
    if nums_a and nums_b and not nums_a & nums_b:
        return None
    sa = a.get("shingles") or sketch.content_shingles(_terms(a["norm"]))
    sb = b.get("shingles") or sketch.content_shingles(_terms(b["norm"]))
    if not sa or not sb:
        return None
    inter = len(sa & sb)
    jaccard = inter / len(sa | sb)
    names_a, names_b = set(a["names"] or ()), set(b["names"] or ())
    shared = names_a & names_b
    need = JACCARD
    if names_a and names_b and not shared:
        need = JACCARD_DISJOINT_NAMES
    elif shared or (nums_a & nums_b):
        need = JACCARD_SHARED_NAMES
    if jaccard >= need:
        return "same"
    smaller = min(len(sa), len(sb))
    names_ok = bool(shared) or not (names_a and names_b)
    if smaller >= 5 and names_ok and inter / smaller >= CONTAINMENT:
        return "a<b" if len(sa) <= len(sb) else "b<a"
    return None


class _ShingleCache:
    """A bounded cache of shingle sets, so a content met in many pairs is split once."""

    def __init__(self, size: int = 8_000) -> None:
        self.size = size
        self.data: OrderedDict[int, set[str]] = OrderedDict()

    def get(self, ckey: int, norm: str) -> set[str]:
        if ckey in self.data:
            self.data.move_to_end(ckey)
            return self.data[ckey]
        value = sketch.content_shingles(_terms(norm))
        self.data[ckey] = value
        if len(self.data) > self.size:
            self.data.popitem(last=False)
        return value


def _stars(adjacent: dict[int, set[int]], parts: dict[int, set[int]]) -> UnionFind[int]:
    """Group contents: stars of same-wording matches, then fragments into a unique home.

    Plain connected components chain: a topic ("Clinton's use of a private email server")
    is contained in several different claims about it and would join them all. So the
    best connected content becomes a centre with its direct matches, then the next best
    among those left, and so on (a greedy star cover). A fragment (``parts``: fragment ->
    the contents that contain it) then joins the group of its containers when they are
    all in one group, and stays a claim of its own when they are not.
    """
    uf: UnionFind[int] = UnionFind()
    left = set(adjacent)
    for node in sorted(adjacent, key=lambda n: (-len(adjacent[n]), n)):
        if node not in left:
            continue
        left.discard(node)
        uf.add(node)
        for other in adjacent[node]:
            if other in left:
                left.discard(other)
                uf.union(node, other)
    for fragment, containers in parts.items():
        homes = {uf.find(c) for c in containers}
        if len(homes) == 1 and (fragment not in uf or len(adjacent.get(fragment, ())) == 0):
            uf.union(fragment, homes.pop())
    return uf


def _cluster_contents(con: duckdb.DuckDBPyConnection) -> UnionFind[int]:
    """Group the distinct contents that say the same thing (candidates, checks, stars)."""
    adjacent: dict[int, set[int]] = {}
    parts: dict[int, set[int]] = {}
    cache = _ShingleCache()
    cur = con.cursor()
    try:
        cur.execute(
            f"""
            WITH buckets AS (
                SELECT band, h FROM content_bands GROUP BY band, h
                HAVING count(*) BETWEEN 2 AND {MAX_BUCKET}),
            pairs AS (
                SELECT DISTINCT a.ckey AS ka, b.ckey AS kb
                FROM content_bands a JOIN buckets USING (band, h)
                JOIN content_bands b ON b.band = a.band AND b.h = a.h AND a.ckey < b.ckey)
            SELECT p.ka, ca.norm, ca.names, ca.numbers, ca.negated,
                   p.kb, cb.norm, cb.names, cb.numbers, cb.negated
            FROM pairs p JOIN contents ca ON ca.ckey = p.ka JOIN contents cb ON cb.ckey = p.kb
            WHERE ca.n_terms >= {MIN_LINK_TERMS} AND cb.n_terms >= {MIN_LINK_TERMS}
            ORDER BY p.ka, p.kb
            """
        )
        checked = accepted = 0
        while rows := cur.fetchmany(5000):
            for ka, na, nma, nua, nga, kb, nb, nmb, nub, ngb in rows:
                checked += 1
                a = {"norm": na, "names": nma, "numbers": nua, "negated": nga, "shingles": cache.get(ka, na)}
                b = {"norm": nb, "names": nmb, "numbers": nub, "negated": ngb, "shingles": cache.get(kb, nb)}
                verdict = match(a, b)
                if verdict is None:
                    continue
                accepted += 1
                if verdict == "same":
                    adjacent.setdefault(int(ka), set()).add(int(kb))
                    adjacent.setdefault(int(kb), set()).add(int(ka))
                elif verdict == "a<b":
                    parts.setdefault(int(ka), set()).add(int(kb))
                else:
                    parts.setdefault(int(kb), set()).add(int(ka))
    finally:
        cur.close()
    log.info("claims: %d candidate pairs checked, %d accepted", checked, accepted)
    return _stars(adjacent, parts)


ANAPHOR_WINDOW = 400
"""Characters back from an anaphoric content within which its antecedent is looked for:
the same sentence or the one before it."""

_ANAPHORS = frozenset("which it this that these those so".split())
_DEFINITE = re.compile(r"^(?:the|this|that|these|those|such)\s+(?:\w+\s+)?(?P<head>\w+)$", re.IGNORECASE)
_WITHHOLD = re.compile(
    r"(?:\b(?:not|never|no|declined to|refused to)\b|n't\b).*\b(?:confirm\w*|verif\w*|corroborat\w*)\b"
    r"|^(?:denied|denies|deny|denying|disputed|disputes|dismissed|dismisses|rejected|rejects|refuted|refutes)\b",
    re.IGNORECASE,
)


def withholds(cue_text: str) -> bool:
    """Whether a cue denies its content or says it is not confirmed ("have not been
    confirmed", "denied"); "did not deny" and "confirmed" do not."""
    return bool(_WITHHOLD.search(" ".join(cue_text.split())))


def _antecedent(attr: AttrView, earlier: list[tuple[AttrView, int]]) -> int | None:
    """The claim key an anaphoric content refers back to (see the module docstring)."""
    words = attr.content_text.strip(" ,.;:").split()
    if not attr.content or not words or len(words) > 3:
        return None
    start = min(s for s, _ in attr.content)
    close = [(a, k) for a, k in earlier
             if a.content and start - ANAPHOR_WINDOW <= max(e for _, e in a.content) <= start]
    if not close:
        return None
    if len(words) == 1 and words[0].lower() in _ANAPHORS:
        return close[-1][1]
    m = _DEFINITE.match(" ".join(words))
    if m is None:
        return None
    head = sketch.stem(m.group("head"))
    for a, key in reversed(close):
        if head in {sketch.stem(w.lower()) for w in re.findall(r"\w+", a.content_text)}:
            return key
    return None


def _claim_id(key: int) -> str:
    return f"k{key & 0xFFFFFFFFFFFFFFFF:016x}"


def _ancestors(attr: AttrView, by_id: dict[str, AttrView]) -> list[AttrView]:
    """The attributions ``attr`` is nested in, outermost first."""
    out: list[AttrView] = []
    seen = {attr.id}
    parent = attr.parent
    while parent and parent in by_id and parent not in seen:
        seen.add(parent)
        out.insert(0, by_id[parent])
        parent = by_id[parent].parent
    return out


_ROW_SCHEMA = pa.schema(
    [("claim_id", pa.string()), ("doc_id", pa.string()), ("attr_id", pa.string()),
     ("role", pa.string()), ("seq", pa.int64()), ("position", pa.int32()), ("cluster", pa.string()),
     ("doc_outlet", pa.string()), ("origin_key", pa.string()), ("origin_name", pa.string()),
     ("relays", pa.string()), ("chain", pa.string()), ("content_text", pa.string()),
     ("ckey", pa.int64()), ("withheld", pa.bool_())]
)


def doc_claim_rows(doc: DocView, uf: UnionFind[int]) -> list[dict[str, Any]]:
    """One row per (claim, attribution) of a document: carriers and the relays around them."""
    by_id = {a.id: a for a in doc.attrs}
    parents = {a.parent for a in doc.attrs if a.parent}
    rows: list[dict[str, Any]] = []
    earlier: list[tuple[AttrView, int]] = []  # carriers met so far, in text order, with their key
    ordered = sorted(doc.attrs, key=lambda a: (min((s for s, _ in a.content), default=0), a.position))
    for attr in ordered:
        if attr.id in parents or not attr.norm:
            continue  # a relay (its children carry the claims) or nothing attributed
        back = _antecedent(attr, earlier)
        if back is not None:
            key = back
        elif attr.ckey is not None and attr.n_terms >= MIN_LINK_TERMS:
            key = uf.find(attr.ckey) if attr.ckey in uf else attr.ckey
        else:
            # too short to link by wording: one claim per document group, speaker and words
            speaker = doc.speaker(attr)
            key = sketch.int64_hash(
                "\0".join([doc.cluster, speaker.ekey if speaker else "", attr.norm]).encode("utf-8")
            )
        earlier.append((attr, key))
        claim_id = _claim_id(key)
        hops = [(a, doc.speaker(a)) for a in _ancestors(attr, by_id)]
        named_hops = [(a, e) for a, e in hops if e is not None]
        own = doc.speaker(attr)
        if own is not None:
            origin: tuple[str, str] | None = (own.ekey, own.name)
            relays = [(e.ekey, e.name) for _, e in named_hops if e.ekey != own.ekey]
        elif named_hops:
            # agentless inside a report ("… was rejected", the Journal reported): the
            # deepest named relay is as far back as the text goes
            last = named_hops[-1][1]
            origin = (last.ekey, last.name)
            relays = [(e.ekey, e.name) for _, e in named_hops[:-1]]
        else:
            origin, relays = None, []
        # "the government said … It cited X": one relay named twice in a row is one hop
        relays = [r for i, r in enumerate(relays) if i == 0 or r[0] != relays[i - 1][0]]
        chain: list[str | None] = [doc.doc_id, *(name for _, name in relays)]
        chain.append(origin[1] if origin else None)
        common = {
            "claim_id": claim_id, "doc_id": doc.doc_id, "seq": doc.seq, "cluster": doc.cluster,
            "doc_outlet": doc.outlet_key,
        }
        rows.append({
            **common, "attr_id": attr.id, "role": "carrier", "position": attr.position,
            "origin_key": origin[0] if origin else None, "origin_name": origin[1] if origin else None,
            "relays": json.dumps(relays, ensure_ascii=False), "chain": json.dumps(chain, ensure_ascii=False),
            "content_text": attr.content_text, "ckey": attr.ckey, "withheld": withholds(attr.cue_text),
        })
        for anc, _ in hops:
            rows.append({
                **common, "attr_id": anc.id, "role": "relay", "position": anc.position,
                "origin_key": None, "origin_name": None, "relays": None, "chain": None,
                "content_text": None, "ckey": None, "withheld": None,
            })
    return rows


def _proposition(text: str) -> str:
    s = " ".join(text.split())
    s = s.strip(" ,;:")
    if s.lower().startswith("that "):
        s = s[5:]
    quotes = "“”\"‘’'"
    if s[:1] in quotes and s.count(s[0]) + s.count("”") <= 2:
        s = s.strip(quotes + " ,")
    s = s.rstrip(" ,")
    return s[:1].upper() + s[1:] if s else s


_CLAIM_SCHEMA = pa.schema(
    [("claim_id", pa.string()), ("proposition", pa.string()), ("members", pa.string()),
     ("chains", pa.string()), ("original_sources", pa.string()), ("independent_sources", pa.int32()),
     ("echoes", pa.string()), ("identified", pa.bool_()), ("n_docs", pa.int32()),
     ("n_groups", pa.int32()), ("n_members", pa.int32())]
)


def _aggregate(claim_id: str, rows: list[tuple[Any, ...]], part_of: dict[str, str]) -> dict[str, Any]:
    members: list[dict[str, str]] = []
    seen_members: set[tuple[str, str]] = set()
    chains: list[list[str | None]] = []
    seen_chains: set[str] = set()
    ends: list[ChainEnd] = []
    texts: Counter[str] = Counter()
    first_text: dict[str, str] = {}
    for (doc_id, attr_id, role, cluster, outlet, okey, oname, relays, chain, text, ckey, withheld) in rows:
        if (doc_id, attr_id) not in seen_members:
            seen_members.add((doc_id, attr_id))
            members.append({"doc_id": doc_id, "attribution": attr_id})
        if role != "carrier":
            continue
        if chain not in seen_chains:
            seen_chains.add(chain)
            chains.append(json.loads(chain))
        ends.append(ChainEnd(
            doc_id=doc_id, cluster=cluster, doc_outlet=outlet,
            origin=(okey, oname) if okey else None,
            relays=tuple((k, n) for k, n in json.loads(relays or "[]")),
            withheld=bool(withheld),
        ))
        norm_key = str(ckey) if ckey is not None else text
        texts[norm_key] += 1
        first_text.setdefault(norm_key, text)
    verdict = assess(ends, part_of)
    best = max(texts, key=lambda k: texts[k]) if texts else ""
    return {
        "claim_id": claim_id,
        "proposition": _proposition(first_text.get(best, "")),
        "members": json.dumps(members, ensure_ascii=False),
        "chains": json.dumps(chains, ensure_ascii=False),
        "original_sources": json.dumps(verdict.original_sources, ensure_ascii=False),
        "independent_sources": verdict.independent_sources,
        "echoes": json.dumps(verdict.echoes, ensure_ascii=False),
        "identified": verdict.identified,
        "n_docs": len({e.doc_id for e in ends}),
        "n_groups": len({e.cluster for e in ends}),
        "n_members": len(members),
    }


def build_claims(con: duckdb.DuckDBPyConnection) -> int:
    """Write ``link_claim_rows`` and ``link_claims``; return the number of claims."""
    uf = _cluster_contents(con)
    with TableWriter(con, "link_claim_rows", _ROW_SCHEMA) as out:
        for doc in iter_doc_views(con):
            for row in doc_claim_rows(doc, uf):
                out.add(row)
    del uf
    part_of = dict(con.execute("SELECT ekey, parent FROM link_part_of").fetchall())
    count = 0
    cur = con.cursor()
    try:
        cur.execute(
            "SELECT claim_id, doc_id, attr_id, role, cluster, doc_outlet, origin_key, origin_name, "
            "relays, chain, content_text, ckey, withheld FROM link_claim_rows "
            "ORDER BY claim_id, seq, position, role"
        )
        with TableWriter(con, "link_claims", _CLAIM_SCHEMA) as out:
            current: str | None = None
            group: list[tuple[Any, ...]] = []
            while rows := cur.fetchmany(5000):
                for row in rows:
                    if row[0] != current:
                        if group and current is not None:
                            out.add(_aggregate(current, group, part_of))
                            count += 1
                        current, group = row[0], []
                    group.append(row[1:])
            if group and current is not None:
                out.add(_aggregate(current, group, part_of))
                count += 1
    finally:
        cur.close()
    log.info("claims: %d", count)
    return count


def iter_claims(cur: duckdb.DuckDBPyConnection, *, min_docs: int = 1,
                limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`corpus claims` records: the most widely carried, best supported first."""
    sql = (
        "SELECT claim_id, proposition, members, chains, original_sources, independent_sources, "
        "echoes, identified FROM link_claims WHERE n_docs >= ? "
        "ORDER BY n_docs DESC, independent_sources DESC, n_members DESC, claim_id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur.execute(sql, [int(min_docs)])
    while rows := cur.fetchmany(1000):
        for cid, prop, members, chains, origins, independent, echoes, identified in rows:
            record: dict[str, Any] = {
                "claim_id": cid, "proposition": prop, "members": json.loads(members),
                "chains": json.loads(chains), "original_sources": json.loads(origins),
                "independent_sources": int(independent), "echoes": json.loads(echoes),
            }
            if not identified:
                record["original_source_identified"] = False
            yield record
