"""Stage 5: who the sources are — entities, aliases, pronouns, spelling variants, types.

Mentions come from attribution sources and from the model's named entities. Pronoun
sources (he, she, they, it, who, I, we) are resolved to the nearest fitting speaker;
names are merged when one is a part of another ("Podolyak", "the Journal") or a close
spelling variant of it (Zelensky / Zelenskiy / Zelelsnky, by edit-distance similarity of
the surnames). The canonical name is the fullest form with the most frequent spelling.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz

from .attribution.quotes import layout
from .model import Attribution, Document, Entity, Span, strip_span

__all__ = ["resolve_entities", "entity_type", "person_name"]

_PRONOUNS_PERSON = {"he", "she", "him", "her", "his", "hers"}
_PRONOUNS_THEY = {"they", "them", "their"}
_PRONOUNS_IT = {"it", "its"}
_RELATIVE = {"who", "which", "that", "whom"}
_FIRST = {"i", "we", "us", "me", "our", "my"}
_SUBJECT_PRONOUNS = {"he", "she", "they", "it"}
_DET = {"the", "a", "an"}
# Two surnames this similar (rapidfuzz ratio, 0-100) are taken as spellings of one name:
# Zelensky/Zelenskiy 94, Zelensky/Zelelsnky 82, while distinct Slavic surnames of the seeds
# and of PolNeAR dev stay below 75 (e.g. Peskov/Podolyak 31, Maltsev/Mizintsev 63).
_SPELLING_SIMILARITY = 80
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")


@lru_cache(maxsize=1)
def _lex() -> dict[str, Any]:
    raw = resources.files("sourcetrace.lexicons").joinpath("entities.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


@dataclass
class _Mention:
    span: Span
    text: str
    name: str  # normalised name used for matching ("" for pronouns)
    kind: str  # name | nominal | pronoun
    type_hint: str | None
    attrs: list[str] = field(default_factory=list)  # attribution ids it is the source of
    cluster: int = -1


def _clean(text: str) -> str:
    text = re.sub(r"[’']s$", "", text.strip())
    words = text.split()
    while words and words[0].lower() in _DET:
        words = words[1:]
    return " ".join(words).strip(" ,.")


def _apposition(text: str) -> str:
    """Of 'NAME, description' or 'description, NAME', the part that holds the name."""
    text = text.rstrip(" ,")  # a source set off by commas keeps its closing one (PolNeAR's convention)
    if "," not in text:
        return text
    first, last = text.split(",", 1)[0], text.rsplit(",", 1)[-1]
    return first if _name_run(first) else last if _name_run(last) else text


def person_name(text: str) -> str:
    """Strip titles and descriptors: 'Zelenskiy aide Mykhailo Podolyak' -> 'Mykhailo Podolyak'."""
    text = _apposition(text)
    words = _clean(text).split()
    titles = set(_lex()["titles"])
    # the name is the last run of capitalised words that are not titles
    run: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() and w.lower() not in titles and not w.endswith(("’s", "'s")):
            run.insert(0, w)
        elif run:
            break
    return " ".join(run) if run else _clean(text)


def _name_run(text: str) -> str:
    """The trailing run of capitalised non-title words, or '' (then it is no person's name)."""
    titles = set(_lex()["titles"])
    words = _clean(text).split()
    run: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() and w.lower() not in titles and not w.endswith(("’s", "'s")):
            run.insert(0, w)
        else:
            break
    before = words[len(words) - len(run) - 1] if len(run) < len(words) else ""
    if before in {"in", "of", "from", "at", "and", "for", "on", "to", "near"}:
        return ""  # "politicians in Moscow and St. Petersburg": a place, not a name
    return " ".join(run)


def _has(low: str, words: list[str]) -> bool:
    return any(f" {w} " in low for w in words)


def _looks_like_person(text: str) -> bool:
    """Ends in two or more capitalised words that are not titles: 'MP Lesia Vasylenko'."""
    parts = _name_run(text).split()
    return len(parts) >= 2


def entity_type(text: str, ner_label: str | None = None) -> str:
    """The CONTRACT type of a mention, from its words, its shape, then the NER label.

    Order matters: an anonymous or social-media source first ("a translation of the post"),
    then outlets by name ("The New York Post" is not a post), intelligence services, people
    by their name, and the remaining kinds by their head words.
    """
    types = _lex()["types"]
    text = text.rstrip(" ,")  # the closing comma of an apposed source (PolNeAR's convention)
    low = " " + re.sub(r"[’']s\b", "", text.lower()) + " "
    low = re.sub(r"[,.;:“”\"]", " ", low)
    lowercase_words = " " + " ".join(w for w in re.findall(r"[\w’'-]+", text) if w.islower()) + " "
    if _has(low, types["anonymous"]):
        return "anonymous"
    if _has(" " + _name_run(_apposition(text)).lower() + " ", types["organization"]):
        return "organization"  # "River Port Holdings", "the Port Workers Union"
    head_part = " " + text.split(",", 1)[0].lower() + " "
    if "," in text and _looks_like_person(text.rsplit(",", 1)[-1]) and not _has(head_part, types["group"]):
        return "person"  # "The Weekly's editor, Rosa Lindqvist": the apposed name is the speaker
    if _has(lowercase_words, types["social-post"]) or _has(low, ["facebook", "twitter", "telegram", "instagram"]):
        return "social-post"
    if _has(low, types["outlet"]):
        return "outlet"
    if _has(low, types["intelligence"]):
        return "intelligence"
    if "," in text and _has(head_part, types["group"]):
        return "group"  # "friends of the president's girlfriend, Alina Kabaeva": the friends speak
    if ner_label == "PER" or _looks_like_person(text):
        if not _has(low, types["government"] + types["military"]) or _looks_like_person(text):
            return "person"
    for typ in ("military", "government", "document", "group"):
        if _has(low, types[typ]):
            return typ
    if ner_label == "ORG":
        return "organization"
    if ner_label == "LOC":
        return "place"
    return "other"


def _surname(name: str) -> str:
    parts = name.split()
    return parts[-1].lower() if parts else ""


def _same_referent(a: _Mention, b: _Mention) -> bool:
    if not a.name or not b.name:
        return False
    if "anonymous" in {a.type_hint, b.type_hint}:
        return False  # "a source" twice may be two people: never merged by name
    an, bn = a.name.lower(), b.name.lower()
    if an == bn:
        return True
    a_words, b_words = an.split(), bn.split()
    loose = {"other", "organization", "place"}  # a lone surname the NER may have mislabelled
    a_person = a.type_hint == "person" or (a.type_hint in loose and len(a_words) == 1 and a.kind == "name")
    b_person = b.type_hint == "person" or (b.type_hint in loose and len(b_words) == 1 and b.kind == "name")
    if a_person and b_person and "person" in {a.type_hint, b.type_hint}:
        # a lone first name ("Alina") that is the first name of a full name ("Alina Kabaeva")
        if len(a_words) == 1 and len(b_words) > 1 and a_words[0] == b_words[0]:
            return True
        if len(b_words) == 1 and len(a_words) > 1 and b_words[0] == a_words[0]:
            return True
        sa, sb = a_words[-1], b_words[-1]
        # a spelling variant keeps its first letter: Zelensky / Zelelsnky, not Anderson / Sanders
        similar = sa == sb or (sa[:1] == sb[:1] and fuzz.ratio(sa, sb) >= _SPELLING_SIMILARITY)
        if not similar:
            return False
        if len(a_words) == 1 or len(b_words) == 1:
            return True
        return a_words[0] == b_words[0] or fuzz.ratio(a_words[0], b_words[0]) >= _SPELLING_SIMILARITY
    if a.type_hint == b.type_hint and a.type_hint in {"outlet", "organization", "intelligence"}:
        # "the Journal" / "The Wall Street Journal": a one-word name that ends the other
        short, long_ = (a_words, b_words) if len(a_words) < len(b_words) else (b_words, a_words)
        return len(short) == 1 and short[0] == long_[-1] and short[0] not in {"post", "news", "times"}
    return False


def _sources_before(mentions: list[_Mention], pos: int) -> list[_Mention]:
    return sorted((m for m in mentions if m.span[1] <= pos and m.attrs), key=lambda m: -m.span[0])


class _Resolver:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.sdoc = doc.parsed
        self.mentions: list[_Mention] = []
        self.by_id = {a.id: a for a in doc.attributions}

    def mention(self, span: Span, *, ner_label: str | None = None, attr: str | None = None) -> _Mention:
        span = strip_span(self.text, span)
        for m in self.mentions:
            if m.span == span:
                if attr:
                    m.attrs.append(attr)
                return m
        text = self.text[span[0] : span[1]]
        low = text.lower()
        if low in _PRONOUNS_PERSON | _PRONOUNS_THEY | _PRONOUNS_IT | _RELATIVE | _FIRST:
            m = _Mention(span, text, "", "pronoun", None)
        else:
            typ = entity_type(text, ner_label)
            name = person_name(text) if typ == "person" else _clean(_apposition(text))
            kind = "name" if any(w[:1].isupper() for w in _clean(text).split()) else "nominal"
            m = _Mention(span, text, name, kind, typ)
        if attr:
            m.attrs.append(attr)
        self.mentions.append(m)
        return m

    def collect(self) -> None:
        ner_spans = []
        if self.sdoc is not None:
            ner_spans = [(e.start_char, e.end_char, e.label_) for e in self.sdoc.ents]
        for attr in self.doc.attributions:
            if attr.source:
                span = (attr.source[0][0], attr.source[-1][1])
                # the NER label of a name that ends the source phrase ("aide Mykhailo Podolyak"),
                # else of a person's name that opens it before an apposition ("Erin
                # Brockovich, the environmental activist and lawyer, said")
                label = next((lab for s, e, lab in ner_spans if span[0] <= s and e == span[1]), None) or next(
                    (lab for s, e, lab in ner_spans
                     if s == span[0] and lab == "PER" and e < span[1] and self.text[e:e + 1] == ","), None)
                self.mention(span, attr=attr.id, ner_label=label)
        if self.sdoc is not None:
            skip = [b.span for b in self.doc.boilerplate if b.kind not in {"caption", "credit"}]
            skip += [c for a in self.doc.attributions for c in a.cue]
            for ent in self.sdoc.ents:
                if any(s < ent.end_char and ent.start_char < e for s, e in skip):
                    continue
                if ent.label_ in {"PER", "ORG", "LOC"}:
                    span = strip_span(self.text, (ent.start_char, ent.end_char))  # the NER may take a no-break space
                    inside = [m for m in self.mentions if m.span[0] <= span[0] and span[1] <= m.span[1]]
                    # the name that heads a source phrase is that source, not a second entity;
                    # a name in a post-modifier ("Directorate … of the Ministry of Defense of
                    # Ukraine") is an entity of its own
                    if any(m.kind != "pronoun" and (m.span[1] == span[1] or m.name == _clean(ent.text))
                           and not re.search(r"\s(?:of|for|at|in)\s", self.text[m.span[0] : span[0]] + " ")
                           for m in inside):
                        continue
                    if ent.label_ == "LOC":
                        continue  # places are kept only where they speak (as sources)
                    self.mention(span, ner_label=ent.label_)
        self.mentions.sort(key=lambda m: m.span)

    def antecedent(self, m: _Mention, seen: frozenset[int] = frozenset()) -> _Mention | None:
        """The mention ``m`` refers to; ``seen`` guards the quoted-speaker chain against a cycle
        ("I" quoting "I" quoting the first "I")."""
        low = m.text.lower()
        earlier = [x for x in self.mentions if x.span[1] <= m.span[0] and x.kind != "pronoun"]
        if low in _RELATIVE and self.sdoc is not None:
            span = self.sdoc.char_span(m.span[0], m.span[1], alignment_mode="expand")
            if span is not None:
                head = span.root.head.head if span.root.head.dep_ in {"acl:relcl", "relcl"} else None
                if head is not None:
                    cands = [x for x in earlier if x.span[0] <= head.idx < x.span[1]]
                    if cands:
                        return cands[-1]
            return earlier[-1] if earlier else None
        if low in _FIRST:
            # "I wrote", "We have informed" inside a quotation: the quoted speaker
            for attr in self.doc.attributions:
                if attr.source and any(s <= m.span[0] and m.span[1] <= e for s, e in attr.content):
                    src = next((x for x in self.mentions if attr.id in x.attrs), None)
                    if src is not None and src is not m and id(src) not in seen:
                        return self.antecedent(src, seen | {id(m)}) if src.kind == "pronoun" else src
            return None
        reporter = self._reporter(m, seen)
        if reporter is not None:
            return reporter
        # "“…,” they said": look before the quotation the pronoun introduces, not inside it
        own = [a for a in self.doc.attributions if a.id in m.attrs and a.content]
        pos = min([m.span[0], *[a.content[0][0] for a in own]])
        speakers = [x for x in _sources_before(self.mentions, pos) if x.kind != "pronoun" or x.cluster >= 0]
        if low in _PRONOUNS_PERSON:
            for x in speakers:
                if (x.type_hint == "person") or (x.kind == "pronoun" and x.cluster >= 0):
                    return x
            persons = [x for x in earlier if x.type_hint == "person"]
            return persons[-1] if persons else None
        if low in _PRONOUNS_IT:
            for x in speakers:
                if x.type_hint not in {"person", "group", "anonymous"} and x.kind != "pronoun":
                    return x
            return None
        if low in _PRONOUNS_THEY:
            return speakers[0] if speakers else None
        return None

    def _reporter(self, m: _Mention, seen: frozenset[int]) -> _Mention | None:
        """"Karimi said she hopes …", "voters said they want …": the subject pronoun that is
        the source of an attribution reported in another one's words, outside a quotation,
        is the reporting source where that one fits the pronoun (a person, or an unknown
        kind, for he/she; anything but a person for they; a thing for it), comes before it,
        and no other name comes between them. Inside a quotation ("“They lied,” the
        campaign said") the pronoun is the quoted speaker's word, left to the rules below."""
        low = m.text.lower()
        if low not in _SUBJECT_PRONOUNS or self._in_quote(m.span[0]):
            return None
        by_id = self.by_id
        for aid in m.attrs:
            parent = by_id.get(by_id[aid].parent) if aid in by_id and by_id[aid].parent else None
            src = next((x for x in self.mentions if parent is not None and parent.id in x.attrs), None)
            if src is None or src is m or id(src) in seen or src.span[1] > m.span[0] or any(
                    x is not m and x is not src and src.span[1] <= x.span[0] < m.span[0] for x in self.mentions):
                continue  # another name comes between: "Cox says the shootings Obama mentioned when he …"
            if src.kind == "pronoun":
                src = self.antecedent(src, seen | {id(m)})
                if src is None:
                    continue
            typ = src.type_hint
            fits = (typ in {"person", "other"} if low in _PRONOUNS_PERSON
                    else typ != "person" if low in _PRONOUNS_THEY
                    else typ not in {"person", "group", "anonymous"})
            if fits:
                return src
        return None

    def _in_quote(self, pos: int) -> bool:
        return layout(self.text).innermost_quote(pos) is not None

    def cluster(self) -> list[list[_Mention]]:
        clusters: list[list[_Mention]] = []
        for m in self.mentions:
            if m.kind == "pronoun":
                continue
            for n, c in enumerate(clusters):
                if any(_same_referent(m, x) for x in c):
                    c.append(m)
                    m.cluster = n
                    break
            else:
                m.cluster = len(clusters)
                clusters.append([m])
        for m in self.mentions:
            if m.kind == "pronoun":
                ante = self.antecedent(m)
                if ante is not None and ante.cluster >= 0:
                    m.cluster = ante.cluster
                    clusters[ante.cluster].append(m)
        return clusters

    def surname_mentions(self, clusters: list[list[_Mention]]) -> None:
        """Find further mentions of each person by surname, spelling variants included
        ("Zelenskiy aide …" names Zelensky too), outside the mentions already found."""
        # a word already counted: inside a mention whose name contains it
        taken = [m.span for m in self.mentions if m.kind == "pronoun"]
        names = [(m.span, m.name.lower().split()) for m in self.mentions if m.kind != "pronoun"]
        surnames: dict[str, int] = {}
        for n, c in enumerate(clusters):
            for m in c:
                if m.type_hint == "person" and m.name and len(_surname(m.name)) >= 4:
                    surnames.setdefault(_surname(m.name), n)
        if not surnames:
            return
        for match in _CAPITALISED.finditer(self.text):
            span = (match.start(), match.end())
            word = match.group().lower()
            if any(s <= span[0] and span[1] <= e for s, e in taken) or any(
                s <= span[0] and span[1] <= e and word in name for (s, e), name in names
            ):
                continue
            for sur, n in surnames.items():
                if word == sur or (word[0] == sur[0] and len(word) >= 5 and fuzz.ratio(word, sur) >= _SPELLING_SIMILARITY):
                    m = _Mention(span, match.group(), match.group(), "name", "person", cluster=n)
                    clusters[n].append(m)
                    self.mentions.append(m)
                    break

    def entities(self) -> tuple[tuple[Entity, ...], dict[str, str]]:
        clusters = self.cluster()
        self.surname_mentions(clusters)
        order = sorted(range(len(clusters)), key=lambda n: min(m.span[0] for m in clusters[n]))
        ents: list[Entity] = []
        speaker: dict[str, str] = {}
        for rank, n in enumerate(order):
            members = sorted(clusters[n], key=lambda m: m.span)
            eid = f"e{rank + 1}"
            named = [m for m in members if m.kind != "pronoun"]
            types = Counter(m.type_hint for m in named if m.type_hint)
            typ = types.most_common(1)[0][0] if types else "other"
            if "person" in types and typ in {"other", "organization"}:
                typ = "person"
            name = _canonical(named, typ)
            aliases = sorted({m.name for m in named if m.name and m.name != name})
            extra: dict[str, Any] = {"mention_kinds": [m.kind for m in members]}
            if aliases:
                extra["aliases"] = aliases
            ents.append(Entity(eid, name, typ, tuple(m.span for m in members), extra))
            for m in members:
                for a in m.attrs:
                    speaker[a] = eid
        return tuple(ents), speaker


def _canonical(named: list[_Mention], typ: str) -> str:
    """The fullest form, spelled the way most mentions spell its last word."""
    if not named:
        return ""
    names = [m.name for m in named if m.name]
    if not names:
        return named[0].text
    if typ == "person":
        spellings = Counter(_surname(n) for n in names)
        best_surname = max(spellings, key=lambda s: (spellings[s], -names.index(next(n for n in names if _surname(n) == s))))
        full = [n for n in names if _surname(n) == best_surname]
        longest = max(full, key=lambda n: (len(n.split()), -names.index(n)))
        return longest
    return max(names, key=lambda n: (len(n.split()), -names.index(n)))


def resolve_entities(doc: Document) -> Document:
    """Add `entities` and set each attribution's `speaker` (needs attribution first)."""
    res = _Resolver(doc)
    res.collect()
    ents, speaker = res.entities()
    attrs = tuple(
        Attribution(
            id=a.id, source=a.source, cue=a.cue, content=a.content, kind=a.kind, parent=a.parent,
            speaker=speaker.get(a.id), certainty=a.certainty, extra=a.extra,
        )
        for a in doc.attributions
    )
    return doc.with_(attributions=attrs, entities=ents)
