"""Merge the same person, outlet or agency across documents.

Each document already has its own entities (``resolve`` merged mentions within it). Here
their names meet across the corpus:

- a name is normalised: case, a leading "the", "X's Y" read as "Y of X" ("Ukraine's
  Ministry of Defense" = "the Ministry of Defense of Ukraine"), a country adjective read
  the same way ("Ukrainian Ministry of Defence"), British spellings, punctuation; a
  government named by its country, capital or seat is one ("Moscow", "the Kremlin",
  "Russia", "the Russian government");
- names joined by a document's aliases are one (an acronym or a name of two words or more;
  a bare "Post" or "Journal" is left alone as an alias: it is a different paper in
  different places);
- a bare newspaper title ("the Post", "the Journal") joins the one outlet of the corpus
  whose full name ends with it ("New York Post"), and stays apart when several do
  (the Washington Post and the New York Post);
- an institution named as a part of another that the corpus knows ("the New York Post's
  Page Six", "the Chief Directorate of Intelligence for the Ministry of Defense of
  Ukraine", "Ukraine's Ministry of Defense") is not merged with it but linked ``part_of``
  it (the Post; the Ministry; the Ukrainian government), which independence uses: a body
  and the body it belongs to are one source;
- a document with no outlet in ``meta`` is published by the outlet of its house credit
  line ("With Post wires", "Times staff and wire reports": the paper's own wire desk), and
  that outlet counts as present in it;
- people with the same or a near-same surname (rapidfuzz ratio, Zelensky / Zelenskiy) and
  compatible first names are one; a bare surname joins the one full name that has it,
  and stays apart when several do ("Clinton");
- anonymous sources and generic nominals ("a source", "officials") are never merged across
  documents: two articles' unnamed sources are not known to be one. Within a group of
  near-duplicate documents they are (a copy's "a source" is the original's).

The canonical name is the fullest, best-spelled variant: for people the surname spelling
used by most documents, then the longest name with it; otherwise the name with the most
words.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process

from ..resolve import entity_type, person_name
from .citations import credit_names
from .unionfind import UnionFind
from .views import TableWriter

__all__ = [
    "SURNAME_SIMILARITY",
    "canonical_name",
    "is_local",
    "iter_sources",
    "person_core",
    "merge_entities",
    "normalise_name",
    "part_of_key",
    "state_name",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SURNAME_SIMILARITY = 80
"""rapidfuzz ratio (0-100) from which two surnames are spellings of one name. The same
bar as the per-document resolver: Zelensky/Zelenskiy 94, Zelensky/Zelelsnky 82, while
distinct surnames in the seeds and PolNeAR stay below 75 (Maltsev/Mizintsev 63)."""
_MIN_FUZZY_SURNAME = 7  # shorter ones must match exactly: Rubio / Rubin (ratio 80) are two people

_SPELLING = {
    "defence": "defense", "organisation": "organization", "programme": "program",
    "centre": "center", "labour": "labor", "&": "and",
}
# country adjectives and short forms, so "Ukrainian X" / "Ukraine's X" / "X of Ukraine" meet
_COUNTRY = {
    "ukrainian": "ukraine", "russian": "russia", "british": "britain", "uk": "britain",
    "u.k.": "britain", "united kingdom": "britain", "american": "united states",
    "us": "united states", "u.s.": "united states", "usa": "united states",
    "america": "united states", "french": "france", "german": "germany", "polish": "poland",
    "chinese": "china", "israeli": "israel", "iranian": "iran", "turkish": "turkey",
    "belarusian": "belarus", "italian": "italy", "japanese": "japan", "indian": "india",
    "canadian": "canada", "syrian": "syria", "swiss": "switzerland", "european": "europe",
}
_COUNTRIES = frozenset(_COUNTRY.values()) | {
    "ukraine", "russia", "britain", "united states", "france", "germany", "poland", "china",
    "israel", "iran", "turkey", "belarus", "italy", "japan", "india", "canada", "syria",
}
# a capital or seat standing for its government ("Moscow says", "the White House said")
_SEAT = {
    "moscow": "russia", "kremlin": "russia", "kyiv": "ukraine", "kiev": "ukraine",
    "washington": "united states", "white house": "united states", "london": "britain",
    "downing street": "britain", "paris": "france", "elysee": "france", "berlin": "germany",
    "warsaw": "poland", "beijing": "china", "tehran": "iran", "ankara": "turkey",
    "minsk": "belarus", "rome": "italy", "tokyo": "japan", "ottawa": "canada",
    "damascus": "syria", "jerusalem": "israel",
}
_DET = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_PAREN = re.compile(r"\s*\([^)]*\)")
_POSSESSIVE = re.compile(r"^(.+?)'s?\s+(.+)$")
_PUNCT = re.compile(r"[^\w\s.'-]")


_PERSON_TAIL = re.compile(r",|\(| (?:who|whose|which|that|of|from|at|for|in)\b")


_COORDINATION = re.compile(r"^[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)*(?:,| and| &) [A-Z]")


def _one_person(name: str, type_: str) -> bool:
    """A person's mention, not a coordination of several ("Trump, Ryan", "Rubio and Cruz")."""
    return type_ == "person" and not _COORDINATION.match(name.strip())


def person_core(name: str) -> str:
    """The person's name in a source phrase: "Gov. Terry E. Branstad of Iowa, a Republican
    who …" -> "Terry E. Branstad" (apposition, relative clause and "of X" cut, titles off)."""
    head = _PERSON_TAIL.split(name.replace("’", "'"), maxsplit=1)[0].strip()
    return person_name(head) if head else person_name(name)


def _country(words: str) -> str:
    return _COUNTRY.get(words, words)


def normalise_name(name: str, type_: str = "other") -> str:
    """The matching key of an entity name ("" when nothing is left)."""
    s = _PAREN.sub("", name.replace("’", "'").replace("‘", "'")).strip()
    s = re.sub(r"\s+", " ", s)
    if _one_person(s, type_):
        s = person_core(s)
        s = _PUNCT.sub(" ", s).replace(".", " ")
        return " ".join(w for w in s.lower().split() if w not in {"jr", "sr"})
    s = _DET.sub("", s)
    m = _POSSESSIVE.match(s)
    if m:
        s = f"{m.group(2)} of {m.group(1)}"
    upper_abbrev = s.split()[0] in {"US", "U.S.", "UK", "U.K."} if s.split() else False
    s = _PUNCT.sub(" ", s.lower())
    words = s.split()
    if len(words) >= 2 and words[0] in _COUNTRY and (words[0] not in {"us", "uk", "u.s.", "u.k."} or upper_abbrev):
        words = [*words[1:], "of", _country(words[0])]
    s = " ".join(_SPELLING.get(w, w) for w in words)
    s = re.sub(r"\bof (u\.?s\.?a?|u\.?k\.?|united kingdom|america|american)$",
               lambda m_: "of " + _country(m_.group(1)), s)
    s = _DET.sub("", s).strip(" .'-")
    if type_ == "government":
        # Voices of one state meet: "Moscow", "the Kremlin", "Russia", "the Russian government"
        country = _SEAT.get(s, _country(s))
        if country in _COUNTRIES:
            return f"government of {country}"
    return s


_PRONOUNS = frozenset(
    "i me we us he him she her they them it you who whom one".split()
)


def is_local(name: str, type_: str) -> bool:
    """Names that never merge across documents: anonymous sources, generic nominals and
    pronouns left unresolved ("He" in one article is not "He" in another)."""
    if type_ == "anonymous":
        return True
    core = _DET.sub("", name.strip())
    if core.lower().strip(".,'’") in _PRONOUNS:
        return True
    return not any(ch.isupper() for ch in core)


def _acronym(alias: str) -> bool:
    letters = alias.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


@dataclass
class _Variant:
    name: str
    type: str
    docs: int = 0
    attributions: int = 0
    key: str = ""
    named_by_meta: bool = False  # an outlet from meta or a credit line: always global


@dataclass
class _Cluster:
    variants: list[_Variant] = field(default_factory=list)


def canonical_name(variants: list[tuple[str, str, int]]) -> tuple[str, str]:
    """(name, type) of a merged entity from its (name, type, documents) variants."""
    # people are shown by their name, not by the phrase that named them; "Rubio and Cruz"
    # typed as a person is a group of people
    variants = [
        (person_core(n), t, d) if _one_person(n, t) else (n, "group" if t == "person" else t, d)
        for n, t, d in variants
    ]
    weights: Counter[str] = Counter()
    for _, typ, docs in variants:
        # a specific type wins over the catch-alls when the counts are close
        weights[typ] += docs * {"other": 0.1, "organization": 0.5, "place": 0.5}.get(typ, 1.0)
    typ = weights.most_common(1)[0][0] if weights else "other"
    names = [(n, d) for n, t, d in variants if n]
    if typ == "person":
        people = [(n, d) for n, t, d in variants if t == "person" and n] or names
        spellings: Counter[str] = Counter()
        for n, d in people:
            spellings[person_core(n).split()[-1].lower() if person_core(n).split() else ""] += d
        best = max(spellings, key=lambda s: (spellings[s], len(s), s))
        with_best = [(n, d) for n, d in people if person_core(n).split() and person_core(n).split()[-1].lower() == best]
        name = max(with_best or people, key=lambda nd: (len(person_core(nd[0]).split()), nd[1], nd[0]))[0]
        return person_core(name), typ
    def fullness(nd: tuple[str, int]) -> tuple[int, int, int, str]:
        core = _DET.sub("", nd[0])
        # the most words, then the most documents, then a capitalised "The" kept as part of
        # the name ("The Wall Street Journal"), a lower-case "the" dropped
        return (len(core.split()), nd[1], int(nd[0].startswith("The ")), nd[0])
    names = [(_PAREN.sub("", n).strip() or n, d) for n, d in names]
    name = max(names, key=fullness)[0] if names else ""
    if name.startswith(("the ", "a ", "an ")):
        name = _DET.sub("", name)
    return name, typ


_STATE_ADJECTIVE = {country: adj.capitalize() for adj, country in _COUNTRY.items()
                    if adj.isalpha() and len(adj) > 3 and adj not in {"america", "european"}}
_STATE_ADJECTIVE["united states"] = "US"


def state_name(key: str, type_: str) -> str | None:
    """The name of a state's government cluster, whatever stood for it in the text
    ("Moscow", "the Kremlin", "Russia" -> "Russian government")."""
    if type_ != "government" or not key.startswith("government of "):
        return None
    adjective = _STATE_ADJECTIVE.get(key[len("government of "):])
    return f"{adjective} government" if adjective else None


def _extra_outlets(con: duckdb.DuckDBPyConnection) -> Counter[str]:
    """Outlet names that come from meta and credit lines rather than from entities."""
    out: Counter[str] = Counter()
    for (outlet, n) in con.execute(
        "SELECT outlet, count(*) FROM documents WHERE outlet IS NOT NULL AND outlet <> '' GROUP BY 1"
    ).fetchall():
        out[str(outlet)] += int(n)
    for (author, n) in con.execute(
        "SELECT meta->>'author', count(*) FROM documents WHERE meta->>'author' IS NOT NULL GROUP BY 1"
    ).fetchall():
        if author and entity_type(str(author)) == "outlet":
            out[str(author)] += int(n)
    for (text, n) in con.execute(
        "SELECT text, count(*) FROM boilerplate WHERE kind = 'credit' GROUP BY 1"
    ).fetchall():
        for name in credit_names(text or ""):
            out[name] += int(n)
    return out


_SHORT_TITLES = frozenset(
    "post times journal herald tribune telegraph guardian independent globe sun mirror "
    "express examiner chronicle observer gazette star inquirer bulletin courier".split()
)
"""One-word newspaper titles a paper goes by once named ("the Post"); only these join a
longer outlet name by its last word."""

_HOUSE_CREDIT = re.compile(
    r"^\W*(?i:with\s+)?(?i:the\s+)?(?P<name>(?!(?i:with|the)\b)[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+"
    r"(?i:wires|wire services|staff and wire reports|staff and wires|wire reports)\W*$"
)


def house_outlet(credit: str) -> str | None:
    """The paper a house credit line names as its own: "With Post wires" -> "Post"."""
    m = _HOUSE_CREDIT.match(credit.strip())
    return m.group("name") if m is not None else None


def _house_outlets(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """doc_id -> its outlet by house credit, for documents whose meta names none."""
    out: dict[str, str] = {}
    for doc_id, text in con.execute(
        "SELECT b.doc_id, b.text FROM boilerplate b JOIN documents d USING (doc_id) "
        "WHERE b.kind = 'credit' AND (d.outlet IS NULL OR d.outlet = '') ORDER BY b.span_start"
    ).fetchall():
        name = house_outlet(text or "")
        if name and doc_id not in out:
            out[str(doc_id)] = name
    return out


def _join_short_titles(uf: UnionFind[str], variants: dict[tuple[str, str], _Variant]) -> None:
    """A bare "Post" joins the only corpus outlet named "… Post" (see the module docstring)."""
    full: dict[str, set[str]] = {}
    for v in variants.values():
        words = v.key.split()
        if v.type == "outlet" and len(words) >= 2 and "of" not in words:
            full.setdefault(words[-1], set()).add(uf.find(v.key))
    for v in list(variants.values()):
        if v.type == "outlet" and v.key in _SHORT_TITLES:
            roots = full.get(v.key, set())
            if len(roots) == 1:
                uf.union(v.key, next(iter(roots)))


_INSTITUTIONS = frozenset({"outlet", "government", "intelligence", "military", "organization", "party", "agency"})
_PART_LINK = re.compile(r"\s(?:of|for|at|in)\s+")


_STATE_BODIES = frozenset(
    "ministry department directorate agency service office council committee intelligence army "
    "forces military navy police embassy cabinet parliament administration bureau command".split()
)


def part_of_key(key: str, keys: set[str], *, state_body: bool = False) -> str | None:
    """The key of the institution a normalised name says it belongs to, if ``keys`` has it:
    "page six of new york post" -> "new york post"; the longest such tail wins. For a state
    body ("ministry of defense of ukraine") a country at the end stands for its government."""
    state_body = state_body and bool(set(key.split()[:3]) & _STATE_BODIES)
    for m in _PART_LINK.finditer(key):
        tail = _DET.sub("", key[m.end():]).strip()
        cands = [tail]
        if state_body:
            cands.append(f"government of {_SEAT.get(tail, _country(tail))}")
        for cand in cands:
            if cand in keys and cand != key:
                return cand
    return None


def _part_of(clusters: dict[str, _Cluster], ctypes: dict[str, str]) -> dict[str, str]:
    """root -> root of the institution it is part of (see the module docstring)."""
    key_root = {v.key: root for root, c in clusters.items() for v in c.variants if v.key}
    inst = {k for k, r in key_root.items() if ctypes.get(r) in _INSTITUTIONS}
    out: dict[str, str] = {}
    for root, cluster in clusters.items():
        if ctypes.get(root) not in _INSTITUTIONS:
            continue
        state = ctypes.get(root) in {"government", "intelligence", "military"}
        for v in sorted(cluster.variants, key=lambda v: -len(v.key.split())):
            parent = part_of_key(v.key, inst, state_body=state) if v.key else None
            if parent is not None and key_root[parent] != root:
                out[root] = key_root[parent]
                break
    # no cycles: a part of a part is fine, a loop is cut where it closes
    for root in list(out):
        seen = {root}
        node = out.get(root)
        while node is not None and node in out:
            if node in seen:
                out.pop(root)
                break
            seen.add(node)
            node = out.get(node)
    return out


_PART_SCHEMA = pa.schema([("ekey", pa.string()), ("parent", pa.string())])
_NAMES_SCHEMA = pa.schema(
    [("name", pa.string()), ("type", pa.string()), ("ekey", pa.string()),
     ("cname", pa.string()), ("ctype", pa.string())]
)


def merge_entities(con: duckdb.DuckDBPyConnection) -> int:
    """Write ``link_names``, ``link_entity_map``, ``link_doc_outlets`` and ``link_sources``.

    Works on the distinct (name, type) pairs of the corpus, not on its rows, so its memory
    grows with the vocabulary of names. Returns the number of merged global entities.
    """
    variants: dict[tuple[str, str], _Variant] = {}
    for name, typ, docs, attrs in con.execute(
        "SELECT name, type, count(DISTINCT doc_id), sum(n_attributions) FROM entities "
        "WHERE name IS NOT NULL GROUP BY 1, 2"
    ).fetchall():
        variants[(name, typ or "other")] = _Variant(name, typ or "other", int(docs), int(attrs or 0))
    house = _house_outlets(con)
    extra = _extra_outlets(con)
    extra.update(Counter(house.values()))
    for name, n in extra.items():
        v = variants.setdefault((name, "outlet"), _Variant(name, "outlet"))
        v.docs += n
        v.named_by_meta = True
    alias_pairs = con.execute(
        "SELECT DISTINCT name, type, unnest(aliases) FROM entities WHERE len(aliases) > 0"
    ).fetchall()

    uf: UnionFind[str] = UnionFind()
    for v in variants.values():
        if not v.name.strip() or (is_local(v.name, v.type) and not v.named_by_meta):
            continue
        v.key = normalise_name(v.name, v.type)
        if v.key:
            uf.add(v.key)
    for name, typ, alias in alias_pairs:
        v = variants.get((name, typ or "other"))
        if v is None or not v.key or not alias or typ == "person":
            continue
        alias = str(alias)
        if len(alias.split()) >= 2 or _acronym(alias):
            akey = normalise_name(alias, v.type)
            if akey and not is_local(alias, v.type):
                uf.union(v.key, akey)
                variants.setdefault((alias, v.type), _Variant(alias, v.type, key=akey))
    _join_short_titles(uf, variants)
    people = [(v.key, v.key) for v in variants.values() if _one_person(v.name, v.type) and v.key]
    # a bare capitalised surname the resolver could not type ("Trump", "Mr. Trump" as
    # "other") may still join the one full name that has it
    for v in variants.values():
        if v.key and v.type == "other" and len(v.name.split()) <= 2 and v.name.strip()[:1].isupper():
            pname = normalise_name(v.name, "person")
            if len(pname.split()) == 1 and pname.isalpha() and v.name.lower().rstrip(".").endswith(pname):
                people.append((v.key, pname))
    _merge_people(uf, people)

    clusters: dict[str, _Cluster] = {}
    for v in variants.values():
        if v.key:
            clusters.setdefault(uf.find(v.key), _Cluster()).variants.append(v)
    ctypes: dict[str, str] = {}
    with TableWriter(con, "link_names", _NAMES_SCHEMA) as out:
        for root, cluster in clusters.items():
            cname, ctype = canonical_name([(v.name, v.type, max(v.docs, 1)) for v in cluster.variants])
            state_key = next((v.key for v in cluster.variants if v.key.startswith("government of ")), root)
            cname = state_name(state_key, ctype) or cname
            ctypes[root] = ctype
            for v in cluster.variants:
                out.add({"name": v.name, "type": v.type, "ekey": f"e:{root}", "cname": cname, "ctype": ctype})
    with TableWriter(con, "link_part_of", _PART_SCHEMA) as out:
        for part, whole in _part_of(clusters, ctypes).items():
            out.add({"ekey": f"e:{part}", "parent": f"e:{whole}"})

    con.execute(
        """
        CREATE OR REPLACE TABLE link_entity_map AS
        SELECT e.doc_id, e.entity_id,
               coalesce(n.ekey, 'local:' || c.cluster || ':' || lower(e.name)) AS ekey,
               coalesce(n.cname, e.name) AS name,
               coalesce(n.ctype, e.type) AS type
        FROM entities e
        JOIN link_doc_clusters c ON c.doc_id = e.doc_id
        LEFT JOIN link_names n ON n.name = e.name AND n.type = e.type
        """
    )
    con.execute("CREATE OR REPLACE TABLE link_house_outlets (doc_id VARCHAR, name VARCHAR)")
    if house:
        con.executemany("INSERT INTO link_house_outlets VALUES (?, ?)", list(house.items()))
    con.execute(
        """
        CREATE OR REPLACE TABLE link_doc_outlets AS
        SELECT d.doc_id, n.ekey, n.cname AS name
        FROM documents d
        LEFT JOIN link_house_outlets h ON h.doc_id = d.doc_id
        JOIN link_names n ON n.name = coalesce(nullif(d.outlet, ''), h.name) AND n.type = 'outlet'
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TABLE link_sources AS
        SELECT m.ekey, any_value(m.name) AS name, any_value(m.type) AS type,
               list_sort(list_distinct(flatten(list(list_append(coalesce(e.aliases, []), e.name)))))
                   AS variants,
               list_sort(list_distinct(list(e.doc_id))) AS documents,
               count(DISTINCT e.doc_id) AS n_docs,
               CAST(sum(e.n_attributions) AS BIGINT) AS attributions
        FROM link_entity_map m
        JOIN entities e ON e.doc_id = m.doc_id AND e.entity_id = m.entity_id
        GROUP BY m.ekey
        """
    )
    # the outlet that publishes a document is present in it, named or not
    con.execute(
        """
        UPDATE link_sources s
        SET documents = list_sort(list_distinct(list_concat(s.documents, o.docs))),
            n_docs = len(list_distinct(list_concat(s.documents, o.docs)))
        FROM (SELECT ekey, list(doc_id) AS docs FROM link_doc_outlets GROUP BY ekey) o
        WHERE o.ekey = s.ekey
        """
    )
    con.execute(
        """
        INSERT INTO link_sources
        SELECT o.ekey, any_value(o.name), 'outlet', [any_value(o.name)],
               list_sort(list_distinct(list(o.doc_id))), count(DISTINCT o.doc_id), 0
        FROM link_doc_outlets o ANTI JOIN link_sources s ON s.ekey = o.ekey
        GROUP BY o.ekey
        """
    )
    log.info("entities: %d names in %d merged entities", len(variants), len(clusters))
    return len(clusters)


def _merge_people(uf: UnionFind[str], people: list[tuple[str, str]]) -> None:
    """Union spelling variants of one person's name (see the module docstring).

    ``people`` holds (key in ``uf``, the name as a person's name) pairs; the two differ
    for an untyped "Mr. Trump" (key "mr. trump", name "trump").
    """
    pname = dict(people)
    keys = sorted(pname)
    surnames = sorted({pname[k].split()[-1] for k in keys})
    same_surname: UnionFind[str] = UnionFind()
    for s in surnames:
        same_surname.add(s)
    blocks: dict[str, list[str]] = {}
    for s in surnames:
        if len(s) >= _MIN_FUZZY_SURNAME:
            blocks.setdefault(s[:1], []).append(s)
    for block in blocks.values():
        for start in range(0, len(block), 2000):
            chunk = block[start : start + 2000]
            scores = process.cdist(block, chunk, scorer=fuzz.ratio, score_cutoff=SURNAME_SIMILARITY,
                                   dtype=np.uint8, workers=1)
            for i, j in zip(*np.nonzero(scores), strict=True):
                if block[i] != chunk[j] and abs(len(block[i]) - len(chunk[j])) <= 2:
                    same_surname.union(block[i], chunk[j])
    by_class: dict[str, list[str]] = {}
    for k in keys:
        by_class.setdefault(same_surname.find(pname[k].split()[-1]), []).append(k)
    for members in by_class.values():
        full = [k for k in members if len(pname[k].split()) >= 2]
        single = [k for k in members if len(pname[k].split()) == 1]
        for i, a in enumerate(full):
            for b in full[i + 1 :]:
                if _first_names_agree(pname[a].split()[0], pname[b].split()[0]):
                    uf.union(a, b)
        roots = {uf.find(k) for k in full}
        if len(roots) == 1:
            for k in single:
                uf.union(k, full[0])
        elif not full:
            for k in single[1:]:
                uf.union(single[0], k)


def _first_names_agree(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return fuzz.ratio(a, b) >= SURNAME_SIMILARITY


def iter_sources(cur: duckdb.DuckDBPyConnection, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`corpus sources` records, most attributions first."""
    sql = (
        "SELECT s.name, s.type, list_filter(s.variants, lambda x: x <> s.name), s.documents, s.attributions, "
        "w.name FROM link_sources s LEFT JOIN link_part_of p ON p.ekey = s.ekey "
        "LEFT JOIN link_sources w ON w.ekey = p.parent "
        "ORDER BY s.attributions DESC, s.n_docs DESC, s.name, s.ekey"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur.execute(sql)
    while rows := cur.fetchmany(1000):
        for name, typ, aliases, docs, attrs, whole in rows:
            record: dict[str, Any] = {"name": name, "type": typ, "aliases": list(aliases or []),
                                      "documents": list(docs or []), "attributions": int(attrs or 0)}
            if whole:
                record["part_of"] = whole  # beyond CONTRACT's keys; readers may ignore it
            yield record
