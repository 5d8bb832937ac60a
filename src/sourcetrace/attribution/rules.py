"""Rule-based attribution over the dependency parse: cue, source and content spans.

Every cue (a speech, report or belief verb from the lexicon, a nominal cue such as
"position" or "ultimatum", "according to", an agentless "reportedly" or "was said to")
becomes a Frame. Its source is the subject noun phrase (or the "by" agent, the possessor,
the object of "according to"), and its content is, in this order of preference: a clausal
complement that follows the cue, the quotation the frame is attached to ("“…,” he said",
"he said: “…”"), another complement, or the clause before a sentence-final frame
("…, Euractiv reported"). Parents are assigned afterwards: a frame whose cue lies inside
another frame's content is reported through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc as SpacyDoc
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from ..model import strip_span
from .lexicon import Lexicon, load_lexicon
from .quotes import ALL_MARKS, CLOSING, OPENING, Quote, TextLayout, layout

__all__ = ["DECLINED", "Frame", "find_frames"]

CharSpan = tuple[int, int]
DECLINED = "sourcetrace.rules_declined"
"""Key of the parsed Doc's ``user_data`` where ``find_frames`` leaves the cue words it
read and found no frame for (token index -> "verb" or "noun")."""

_SUBJ = {"nsubj", "nsubj:pass", "csubj", "nsubjpass", "expl"}
_AUX = {"aux", "aux:pass", "auxpass", "neg"}
_PRONOUN_EXPLETIVE = {"it", "there"}
_COMMA_REL = {"acl:relcl", "relcl"}
_TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "week", "month", "year", "morning", "evening", "night", "but", "and",
}
# "WALLACE: If I may…", "Sen. Jane Doe: …" (a name of at most five words, then a colon;
# a transcript quoted whole may open each line with a quote mark)
_SPEAKER_COLON = re.compile(r"^\s*[\"“]?((?:[A-Z][\w.’'-]*\s){0,4}[A-Z][\w.’'-]*):\s+\S")
# "“…” ― Sonya Herridge" (a quotation, a dash, a name to the end of the line)
_DASH_SPEAKER = re.compile(r"([―—–])\s*((?:[A-Z][\w.’'-]*\s?){1,5})\s*$")
# "Elites Plan To Oust Putin, Ukrainian Intelligence Alleges": a title-case headline frame
_HEADLINE_FRAME = re.compile(r"^\s*(\S.*?\S),\s+((?:[A-Z][\w’'.-]*\s+){1,5})([A-Z][a-z]+s)\.?\s*$")
_LABELS = {"opinion", "related", "update", "updated", "editor's note", "note", "photo", "video", "watch", "read more",
           "advertisement", "source", "sources", "correction", "disclosure", "getty images", "the latest", "name",
           "email", "e-mail", "paid notice", "delegate update", "stat of the week", "breaking", "breaking news",
           "byline", "contributing", "twitter", "facebook", "instagram", "follow"}
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_HEADLINE_MAX = 25  # tokens: a longer first line is a paragraph, not a title
_DASHES = {"–", "—", "―", "-"}
_HEADLINE_ADVERBS = {"just", "now", "also", "finally", "still", "again"}
_HEADLINE_OPENERS = {"the", "a", "an", "in", "on", "at", "as", "after", "before", "if", "why", "how", "what", "when",
                     "with", "for", "via", "by", "from", "to", "this", "that", "these", "those"}
_SAID_THINGS = {"thing", "things", "something", "nothing", "anything", "everything", "word", "words", "same",
                "much", "little", "lot", "this", "that", "so", "otherwise", "more", "less"}  # "said the same thing"
_STUDY_NOUNS = {"polls", "surveys", "studies", "inquiry", "investigation", "review", "audit", "research", "paper",
                "researchers", "pollsters", "census", "data"}  # with the lexicon's report nouns: "the poll found …"
_ANSWER_WORDS = {"yes", "no", "so"}  # "said yes", "said so": the whole of what was said
_CASE_NOUNS = {"case", "point", "observation", "argument"}  # "made the case that …"
_HEADLINE_VERBS = {"is", "are", "was", "were", "wades", "wins", "won", "takes", "gets", "goes", "has", "have"}
_TELL_THAT = {"tell", "inform", "assure", "remind", "warn"}  # "tells us X is …": recipient, then a bare clause
_TELLING = _TELL_THAT | {"ask", "brief", "notify", "advise"}  # take a recipient
_URGING = {"urge", "encourage", "beg", "order", "implore", "press"}  # "urged the judge to …"
_ASKS_SOMEONE_TO = _TELLING | _URGING  # a recipient, then an infinitive
_RECIPIENTS = {"us", "me", "him", "her", "them", "reporters", "journalists", "listeners", "viewers", "readers"}
_CLAIM_NOUNS = {"claim", "claims", "allegation", "allegations", "statement", "accusation", "assertion", "announcement"}
_FIRST_PERSON = {"i", "we", "you"}
_THIRD_PERSON = {"he", "she", "they"}
_QUESTIONED_PEOPLE = {"witness", "witnesses", "suspect", "suspects", "detainee", "detainees", "prisoner", "prisoners",
                      "man", "men", "woman", "women", "people", "officer", "officers", "student", "students"}
_DEFENDED_PLACES = {"city", "cities", "country", "border", "borders", "town", "towns", "territory", "territories",
                    "position", "positions", "line", "lines", "homeland", "capital", "base", "bases", "region",
                    "regions", "area", "areas", "front", "ground", "land", "soil", "coast", "airspace", "port"}
_POINTED_AT = {"door", "doors", "sky", "map", "screen", "window", "ceiling", "floor", "exit", "sign", "board"}
# verbs whose topic preposition comes right after them ("referred to", "alluding to")
_PREP_NEXT = {"refer", "allude"}
# verbs whose object is charged "of"/"for" something, the charge part of the content
_CHARGING = {"liken", "attack", "accuse", "blame", "criticize", "praise", "condemn", "blast", "slam", "lambaste",
             "mock", "applaud", "hail", "thank", "describe", "portray", "assail", "deride", "chide", "scold", "berate",
             "excoriate", "laud", "rebuke", "congratulate", "credit"}
# the charge's preposition where it is not "of"/"for": "likened X to Y", "portrayed X as Y"
_CHARGE_PREPS = {"liken": {"to"}, "describe": {"as"}, "portray": {"as"}, "congratulate": {"on", "for"},
                 "credit": {"with", "for"}}
_DANGLING_CONJ = re.compile(r"[\s,](and|but|or)$")
# a full stop that belongs to the last word: "the U.S.", "Washington, D.C.", "Acme Inc."
_ABBREV_END = re.compile(r"(?:^|[\s(])(?:(?:[A-Z]\.){2,}|(?:Inc|Corp|Co|Ltd|Jr|Sr|Calif|Fla|Mass|Ariz|Conn|Mich|Ill"
                         r"|Tenn|Wash|Ore|Ky|Pa|Va|Md|Ga|Ala|Okla|Colo|Minn|Wis)\.)$")
# how a fronted adverbial or an aside may open: "In a statement, …", "Reached by phone, …",
# "Speaking to reporters, …", "Later, …", "When asked, …"
_FRONTED = {"IN", "TO", "VBG", "VBN", "RB", "RBR", "WRB", "WDT", "WP"}
_RELATIVE_OPENERS = {"who", "whose", "whom", "which", "that", "where", "when"}
_EDGE_DROP = {"and", "but", "or", "so", "that", "as", "also", "then", "first", "however"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december", "jan.", "feb.", "aug.", "sept.", "oct.", "nov.", "dec."}
_WHEN_WORDS = _TIME_WORDS | _MONTHS
_WHEN_MODIFIERS = {"last", "this", "next", "early", "late", "earlier", "later", "on", "the", "that", "same"}
_GOES_ON_PREPS = {"as", "for", "to", "from", "over", "about", "than", "with", "in", "against", "among"}
_VENUES = {"speech", "video", "appearance", "op-ed", "email", "emails", "rally", "debate", "remarks", "hearing",
           "testimony", "podcast", "message", "column", "editorial", "ad", "filing", "conversation", "call", "show"}
_ROUGHLY = {"about", "around", "over", "under", "nearly", "almost"}
_SHARES = {"half", "third", "thirds", "quarter", "quarters", "fifth", "fifths", "least", "most"}


def _charges(verb: Token, lemma: str) -> list[Token]:
    """The phrases a charging verb hangs its charge on ("of stoking …", "for accepting …",
    "to Nixon" after "likened"); none for other verbs."""
    if lemma not in _CHARGING:
        return []
    preps = _CHARGE_PREPS.get(lemma, {"of", "for"})
    return [c for c in verb.children if c.dep_ in {"obl", "advcl", "prep"} and c.left_edge.lower_ in preps]


def _object_after(verb: Token) -> Token | None:
    """The verb's direct object that follows it, if any."""
    return next((c for c in verb.children if c.dep_ in {"obj", "dobj"} and c.i > verb.i), None)


def _is_age(tok: Token) -> bool:
    """'Renee Gold, 83,': a bare number in apposition (not 'one of the aides')."""
    return tok.dep_ in {"appos", "amod", "nummod"} and tok.text.isdigit() and not any(True for _ in tok.children)


def _after_dateline(toks: list[Token]) -> list[Token]:
    """'WASHINGTON (AP) — A report …', 'Nov. 19 (UPI) — Hillary Clinton': the dateline of
    the article's first sentence is no part of a source."""
    for k, t in enumerate(toks):
        if t.text in {"—", "–", "--", "-"} and k > 0:
            before = toks[:k]
            agency = len(before) >= 3 and before[-3].text == "(" and before[-1].text == ")" and before[-2].is_alpha
            if before[0].i == before[0].sent.start and (agency or any(
                b.text.isupper() and len(b.text) >= 3 and b.is_alpha for b in before
            )):
                return toks[k + 1 :]
            return toks
    return toks


_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"}


def _number_like(tok: Token) -> bool:
    """A number in figures or words, "Seventy-four" too (the tagger does not know every one)."""
    return tok.tag_ == "CD" or tok.text.replace(",", "").replace(".", "").isdigit() or all(
        part in _NUMBER_WORDS for part in tok.lower_.split("-"))


def _approximation(toks: list[Token]) -> bool:
    """'About three-quarters of voters', 'At least half': the parser calls the first word a
    preposition, but it belongs to the quantity (PolNeAR's sources keep it)."""
    if len(toks) < 2:
        return False
    first, nxt = toks[0].lower_, toks[1]
    share = nxt.tag_ == "CD" or nxt.lower_.split("-")[-1] in _SHARES
    return (first in _ROUGHLY and share) or (first == "at" and nxt.lower_ in {"least", "most"})


@dataclass
class Frame:
    """One attribution found in the text, before ids, speakers and certainty are set."""

    cue: list[CharSpan]
    source: list[CharSpan]
    content: list[CharSpan]
    cue_class: str  # speech_strong | speech | report | allege | belief | according_to | noun | agentless
    lemma: str
    negated: bool = False
    certainty_hint: str | None = None


# ---------------------------------------------------------------- small span helpers


def _tok_span(tokens: list[Token]) -> CharSpan | None:
    tokens = [t for t in tokens if not t.is_space]
    if not tokens:
        return None
    return (min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens))


def _dash_name(text: str, s: int, e: int) -> CharSpan:
    """The name after a quotation's dash, without trailing spaces (no-break ones too) or a
    sentence's full stop; an initial's or "Jr."'s stop stays."""
    while e > s and text[e - 1].isspace():
        e -= 1
    last = text[s:e].split()[-1] if text[s:e].split() else ""
    if last.endswith(".") and len(last) > 2 and last not in {"Jr.", "Sr."}:
        e -= 1
    return (s, e)


def _trim(text: str, span: CharSpan, *, keep_period_in_quote: bool = True) -> CharSpan | None:
    """Drop edge whitespace and edge punctuation that lies outside quotation marks."""
    s, e = span
    while True:
        s, e = strip_span(text, (s, e))
        changed = False
        if s < e and text[s] in ",;:—–-)":
            s += 1
            changed = True
        if e > s and text[e - 1] in ",;:—–-(":
            e -= 1
            changed = True
        # a conjunction left hanging where a coordinated clause was cut off ("… by a con and")
        dangling = _DANGLING_CONJ.search(text, s, e)
        if dangling and dangling.start(1) > s:
            e = dangling.start(1)
            changed = True
        if e > s and text[e - 1] in ".!?" and keep_period_in_quote:
            # a final period outside the quotation is not content
            inner = text[s : e - 1]
            if not (inner.count("“") > inner.count("”")) and not _ABBREV_END.search(text, s, e):
                e -= 1
                changed = True
        if not changed:
            break
    # a content never starts with an opening mark it does not close, and never stops just
    # short of its closing mark ('called it "pure fiction' + '."')
    if e > s and text[s] in "“‘" and text.count("”" if text[s] == "“" else "’", s, e) == 0:
        s += 1
    if e > s and text[e - 1] == "”" and text.count("“", s, e) == 0:
        e -= 1  # a closing mark of a quotation the content starts inside
        while e > s and text[e - 1] in ".,;: ":
            e -= 1
    piece = text[s:e]
    if piece.count('"') % 2 == 1 or piece.count("“") > piece.count("”"):
        tail = text[e : e + 3]
        for k, ch in enumerate(tail):
            if ch in '"”':
                e += k + 1
                break
            if ch not in ".,!? ":
                break
    elif piece.count("''") % 2 == 1:
        # the same for two apostrophes used as a quotation mark (''like this.'')
        closing = re.match(r"[.,!? ]{0,2}''", text[e : e + 4])
        if closing:
            e += closing.end()
    return (s, e) if e > s else None


def _tally_or_list(body: str) -> bool:
    """'Clinton: 1,769', 'Iowa: Tim Albrecht, Brad Anderson, …': a count or a roll of names
    after a colon, not words someone said."""
    if not any(ch.isalpha() for ch in body):
        return True
    items = [i.strip() for i in body.split(",")]
    return len(items) >= 5 and all(len(i.split()) <= 4 and i[:1].isupper() for i in items if i)


def _not_a_saying(lemma: str, verb: Token, obj: Token) -> bool:
    """Cue verbs that take an object as content also have senses that report nothing; the
    object tells them apart."""
    if lemma == "question":  # "questioned the witness": an interrogation, not a doubt
        return obj.tag_ == "PRP" or obj.ent_type_ == "PER" or obj.lower_ in _QUESTIONED_PEOPLE
    if lemma == "attack":  # "attacked Clinton", not "attacked the base": words, not weapons
        return not (obj.ent_type_ == "PER" or obj.lower_ in {"him", "her", "them"})
    if lemma == "defend":  # "defended the city", "stop defending ourselves": a fight, not an argument
        if obj.ent_type_ == "LOC" or obj.lower_ in _DEFENDED_PLACES:
            return True
        charged = any(c.left_edge.lower_ in {"for", "against"} for c in verb.children if c.i > obj.i)
        return obj.lower_.endswith(("self", "selves")) and not charged
    return False


def _subtree_span(tok: Token, *, exclude: set[int] | None = None) -> list[Token]:
    exclude = exclude or set()
    return [t for t in tok.subtree if t.i not in exclude]


def _exclude_subtrees(tokens: list[Token], roots: list[Token]) -> list[Token]:
    drop = {t.i for r in roots for t in r.subtree}
    return [t for t in tokens if t.i not in drop]


def _comma_relcls(tok: Token) -> list[Token]:
    """Non-restrictive relative clauses (", which …", ", who …") are not part of a source."""
    out = []
    for child in tok.children:
        if child.dep_ in _COMMA_REL and child.i > tok.i:
            left = child.left_edge
            if left.i > 0 and tok.doc[left.i - 1].text == ",":
                out.append(child)
    return out


def _trim_np(toks: list[Token]) -> list[Token]:
    """Drop conjunctions, marks, quotes and adverbs the parser hung on a noun phrase's edges."""
    while toks and (toks[-1].is_punct and toks[-1].text not in "’'" or toks[-1].tag_ in {"RB", "CC"}
                    or toks[-1].lower_ in _EDGE_DROP):
        if toks[-1].text == ")" and sum(t.text == "(" for t in toks) > sum(t.text == ")" for t in toks[:-1]):
            break  # "Sen. Ann Lee (D-Ore.)": the parenthesis closes one the phrase opened
        toks = toks[:-1]
    while toks and (toks[0].is_punct or toks[0].lower_ in _EDGE_DROP | {"by"} or toks[0].is_space
                    or toks[0].tag_ == "IN" and not _approximation(toks)):
        toks = toks[1:]
    return toks


def _when(toks: list[Token]) -> bool:
    """A time phrase ("Friday", "last week", "Dec. 2", "early Tuesday morning")."""
    return any(t.lower_ in _WHEN_WORDS for t in toks) and all(
        t.lower_ in _WHEN_WORDS or t.like_num or t.lower_ in _WHEN_MODIFIERS or t.is_punct for t in toks)


def _contiguous(tokens: list[Token]) -> list[list[Token]]:
    """Split a token list into runs of adjacent tokens (a subtree minus a hole)."""
    tokens = sorted(tokens, key=lambda t: t.i)
    runs: list[list[Token]] = []
    for t in tokens:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def _spans_of(text: str, tokens: list[Token]) -> list[CharSpan]:
    out = []
    for run in _contiguous(tokens):
        span = _tok_span(run)
        if span:
            trimmed = _trim(text, span)
            if trimmed:
                out.append(trimmed)
    return out


# ---------------------------------------------------------------- the extractor


class _Extractor:
    def __init__(self, sdoc: SpacyDoc, lex: Lexicon, text: str | None = None) -> None:
        self.sdoc = sdoc
        # spaCy joins Doc.text token by token (0.5 s of PolNeAR dev): the caller's copy if any
        self.text = sdoc.text if text is None else text
        self.lex = lex
        self.lay: TextLayout = layout(self.text)
        self.frames: list[Frame] = []
        self.used_cues: set[int] = set()
        self.venues = lex.report_nouns | _VENUES  # where something was said, not what
        self.studies = lex.report_nouns | _STUDY_NOUNS  # what finds something: "the poll found …"
        # cue words the rules read and found no frame for ("said a prayer", "attacked the
        # base"), by token: the CRF reads them (``crf_tagger``), where a cue word the
        # parse hid from the rules is another matter
        self.declined: dict[int, str] = {}

    # --- cue classification

    def verb_lemma(self, tok: Token) -> str | None:
        lemma = self.lex.lemma(tok.text)
        if lemma is None:
            return None
        if tok.tag_.startswith("VB") or tok.pos_ in {"VERB", "AUX"}:
            return lemma
        # the tagger sometimes calls a sentence-final "said" or "reported" an adjective
        if tok.lower_ in {"said", "says", "told", "reported", "added", "wrote"} and tok.tag_ != "NN":
            return lemma
        # "Viguerie notes that …": tagged a plural noun, parsed as the verb it is
        if any(c.dep_ in _SUBJ for c in tok.children) and any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children):
            return lemma
        # headlines: "…, Ukrainian Intelligence Alleges" (title case fools the tagger)
        if tok.text[:1].isupper() and tok.lower_.endswith("s") and self._last_word(tok):
            return lemma
        if self._speaker_then_s_form(tok, lemma):
            return lemma
        return None

    def _speaker_then_s_form(self, tok: Token, lemma: str) -> bool:
        """'…,” Viguerie notes.', 'He jokes, “…”', 'Trump predicts that …': a speaking verb's
        -s form the tagger called a plural noun, right after a name or a pronoun and right
        before the frame's punctuation or "that"."""
        if tok.tag_ != "NNS" or tok.lower_ == lemma or not tok.lower_.endswith("s"):
            return False
        if not self.lex.verb_class.get(lemma, "").startswith(("speech", "report")):
            return False
        if tok.i == 0 or tok.i + 1 >= len(self.sdoc):
            return False
        prev, nxt = self.sdoc[tok.i - 1], self.sdoc[tok.i + 1]
        if prev.tag_ not in {"NNP", "PRP"} or prev.lower_ in {"it", "its", "my", "his", "her", "our", "their", "your"}:
            return False
        if nxt.lower_ == "that" or nxt.text in {",", ":"}:
            return True
        # sentence-final after a quotation: '…,” NAME notes.'
        return nxt.text == "." and any(t.text in ALL_MARKS for t in self.sdoc[max(tok.sent.start, tok.i - 8) : tok.i])

    def _last_word(self, tok: Token) -> bool:
        sent = tok.sent
        rest = [t for t in sent if t.i > tok.i and not t.is_space and not t.is_punct]
        return not rest and any(t.text == "," for t in sent if t.i < tok.i)

    def is_passive(self, tok: Token) -> bool:
        return any(c.dep_ in {"aux:pass", "auxpass", "nsubj:pass", "nsubjpass"} for c in tok.children)

    # --- spans

    def cue_tokens(self, verb: Token, lemma: str) -> list[Token]:
        toks = [verb]
        for child in verb.children:
            if child.i < verb.i and child.dep_ in _AUX:
                toks.append(child)
            elif child.i < verb.i and child.dep_ == "advmod" and child.tag_.startswith("RB") and child.lower_ not in {"so", "however", "instead"}:
                # inner adverbs of the verb group: "have repeatedly said", "first reported", "also
                # said", "then asked" (PolNeAR's cues take them: "also" 282 times, left out 21)
                if all(self.sdoc[j].dep_ in _AUX | {"advmod", "neg"} or self.sdoc[j].is_space
                       for j in range(child.i + 1, verb.i)):
                    toks.append(child)
            elif child.dep_ in {"compound:prt", "prt"} and child.lower_ in self.lex.particles.get(lemma, ()):
                toks.append(child)
        nxt = self.sdoc[verb.i + 1] if verb.i + 1 < len(self.sdoc) else None
        if nxt is not None and nxt.lower_ in self.lex.particles.get(lemma, ()) and nxt not in toks:
            toks.append(nxt)  # "ruled out" even where the parser made "out" a preposition
        toks.sort(key=lambda t: t.i)
        # the verb group is contiguous: drop tokens separated by a non-group token
        group = [t.i for t in toks]
        start = verb.i
        while start - 1 in group:
            start -= 1
        end = verb.i
        while end + 1 in group:
            end += 1
        return [self.sdoc[i] for i in range(start, end + 1)]

    def is_negated(self, cue: list[Token]) -> bool:
        return any(t.lower_ in {"not", "n't", "never", "no"} for t in cue)

    def _quote_split(self, a: Token, b: Token) -> bool:
        """True when one token is inside a quotation and the other is not."""
        qa, qb = self.lay.innermost_quote(a.idx), self.lay.innermost_quote(b.idx)
        return qa != qb

    def valid_subject(self, tok: Token) -> bool:
        """A source is a nominal: not a date ("Monday"), conjunction or stray mark."""
        if tok.pos_ not in {"NOUN", "PROPN", "PRON", "NUM", "X", "ADJ", "DET"}:
            return False
        return tok.lower_ not in _TIME_WORDS

    def source_of(self, verb: Token, *, depth: int = 0) -> Token | None:
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "csubj"} and self.valid_subject(c)]
        if subjects:  # the parser sometimes hangs two subjects on one verb: take the nearest
            before = [c for c in subjects if c.i < verb.i]
            return before[-1] if before else subjects[0]
        if verb.dep_ == "conj" and depth < 3:
            return self.source_of(verb.head, depth=depth + 1)
        if verb.dep_ in {"advcl", "xcomp"} and depth < 3 and (
            verb.tag_ == "VBG" or any(c.tag_ == "TO" for c in verb.children)
        ):
            return self.source_of(verb.head, depth=depth + 1)
        if (verb.dep_ in {"acl", "dep", "parataxis"} and verb.tag_ == "VBG" and depth < 3 and verb.i > 0
                and self.sdoc[verb.i - 1].text in {",", "–", "—"}):
            # "Obama has been on the sidelines, arguing …": the clause's subject argues (the
            # parser may also call the participle a loose dependent: "flipped – saying …")
            return self.source_of(verb.head, depth=depth + 1)
        return None

    def agent_of(self, verb: Token) -> Token | None:
        for child in verb.children:
            if child.dep_ in {"obl:agent", "agent", "obl"} and any(
                g.lower_ == "by" and g.dep_ in {"case", "prep"} for g in child.children
            ):
                return child
            if child.dep_ == "agent":
                for g in child.children:
                    if g.dep_ == "pobj":
                        return g
        return None

    def np_tokens(self, head: Token) -> list[Token]:
        toks = _subtree_span(head)
        toks = _exclude_subtrees(toks, _comma_relcls(head) + self._asides(head))
        # a clause hung on the noun without a relative word is the parser's mistake, not a
        # modifier ("activists … have been meeting"): "who was not named" stays
        bare = [c for c in head.children if c.dep_ in {"acl:relcl", "acl"} and c.i > head.i
                and c.left_edge.lower_ not in {"who", "which", "that", "whose", "whom"}
                and any(t.pos_ == "AUX" or t.tag_ in _FINITE for t in c.subtree)
                # "everyone I interviewed", "experts we spoke to": a contact clause with its own
                # pronoun subject is a real modifier
                and not (c.left_edge.pos_ == "PRON" and c.left_edge.dep_ == "nsubj" and c.left_edge.head.i == c.i)]
        toks = _exclude_subtrees(toks, bare)
        # a comma followed by a finite clause ends the phrase ("Russia, Moscow's forces have …")
        # (not an appositive of the head: "Paul Chipok, a lawyer who specializes in …")
        appos = {c.left_edge.i for c in head.children if c.dep_ == "appos"}
        for k, t in enumerate(toks):
            if t.text == "," and t.i > head.i and t.i + 1 not in appos and any(x.tag_ in _FINITE for x in toks[k + 1 :]):
                toks = toks[:k]
                break
        return self._title_before(self._poll_share(_trim_np(_after_dateline(toks))))

    def _title_before(self, toks: list[Token]) -> list[Token]:
        """'Retired neurosurgeon Ben Carson', 'Presumptive Democratic nominee Hillary Clinton':
        the parser sometimes makes the title a phrase of its own; a bare title (adjectives
        and nouns, no preposition, no time word) right before a name belongs to it."""
        if not toks or toks[0].tag_ not in {"NNP", "NNPS"}:
            return toks
        lo = toks[0].i
        if toks[0].sent.start >= lo:
            return toks
        title = self.sdoc[lo - 1]
        if title.tag_ not in {"NN", "NNS"} or title.lower_ in _WHEN_WORDS or title.dep_ in {"obl:tmod", "nmod:tmod"}:
            return toks
        span = [t for t in title.subtree if t.i < lo]
        if (not span or span[-1].i != lo - 1 or span[0].i < toks[0].sent.start
                or any(t.tag_ not in {"JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "VBN", "CD", "HYPH"} for t in span)):
            return toks
        return [self.sdoc[k] for k in range(span[0].i, lo)] + toks

    def _poll_share(self, toks: list[Token]) -> list[Token]:
        """'Nine in 10 voters', 'Seventy-four percent of voters', 'more than 4 in 10': the
        parser often hangs the share outside the noun phrase; it is part of who says so (and
        the approximation before it: "only about", "more than")."""
        if not toks:
            return toks
        sent = toks[0].sent
        lo, hi = toks[0].i, toks[-1].i
        if lo - 2 >= sent.start and self.sdoc[lo - 1].lower_ == "in" and _number_like(self.sdoc[lo - 2]) and toks[0].tag_ == "CD":
            lo -= 2  # "Nine in | 10 voters"
        elif toks[0].lower_ in {"percent", "%"} and lo - 1 >= sent.start and _number_like(self.sdoc[lo - 1]):
            lo -= 1  # "Seventy-four | percent of voters"
        elif hi + 2 < sent.end and _number_like(toks[-1]) and self.sdoc[hi + 1].lower_ == "in" and self.sdoc[hi + 2].tag_ == "CD":
            return toks + [self.sdoc[hi + 1], self.sdoc[hi + 2]]  # "More than 4 | in 10"
        else:
            return toks
        while lo - 1 >= sent.start:
            prev = self.sdoc[lo - 1]
            if prev.lower_ in _ROUGHLY | {"only", "just", "roughly", "some"}:
                lo -= 1
            elif prev.lower_ == "than" and lo - 2 >= sent.start and self.sdoc[lo - 2].lower_ in {"more", "fewer", "less"}:
                lo -= 2
            else:
                break
        return [self.sdoc[k] for k in range(lo, toks[0].i)] + toks

    def _asides(self, head: Token) -> list[Token]:
        """Modifiers of a speaker that say when or how, not who: "Biden on Monday", "Rubio,
        speaking at a rally,", "Clinton, clearly frustrated,", "Snyder, for his part,",
        "Gold, 83,". PolNeAR's sources leave them out; "Proponents, including X," stays."""
        out = []
        for c in head.children:
            if c.i < head.i:
                continue
            case = next((g.lower_ for g in c.children if g.dep_ == "case"), "")
            when = c.lower_ in _WHEN_WORDS or c.tag_ == "CD" or c.lower_ == "time"
            if c.dep_ == "nmod" and case in {"on", "in", "at", "during"} and when:
                out.append(c)
            elif c.i > 0 and self.sdoc[c.left_edge.i - 1].text == "," and (
                (c.dep_ == "acl" and c.tag_ in {"VBG", "VBN"}) or c.dep_ == "amod"
                or (c.dep_ == "nmod" and case in {"in", "for", "on", "at", "with"})
                or _is_age(c)
                or (c.dep_ == "nmod" and case == "of" and any(_is_age(a) for a in out))
            ):
                out.append(c)  # "Gold, 83, of Sarasota,": the home town goes with the age
        return out

    def complement(self, verb: Token, lemma: str) -> tuple[list[Token], str] | None:
        """The clausal or nominal content of a cue verb, with the name of the rule used."""
        if lemma == "make":  # only "made the claim / an allegation", "made the case that", "made it clear"
            for child in verb.children:
                if child.dep_ in {"obj", "dobj"} and child.i > verb.i and child.lower_ in _CLAIM_NOUNS:
                    return _subtree_span(child), "obj"
            return self._made_a_case(verb)
        if lemma == "say":
            clause = self._clause_taken_for_object(verb)
            if clause:
                return clause, "ccomp"
        if lemma == "call":
            # "called the plan a disaster", "calling him a fascist": the object and what it is called
            obj = next((c for c in verb.children if c.dep_ in {"obj", "dobj", "iobj"} and c.i > verb.i), None)
            named = [c for c in verb.children if obj is not None and c.i > obj.right_edge.i
                     and c.dep_ in {"xcomp", "obl:unmarked", "oprd", "obj", "dobj"}]
            if obj is not None and named:
                return [self.sdoc[k] for k in range(obj.left_edge.i, max(c.right_edge.i for c in named) + 1)], "obj"
            if obj is not None:
                # "called the report on donors “outrageous.”": the parser hung the name elsewhere;
                # a quotation that closes the sentence after the object is what it is called
                label = self._closing_quotation(verb.sent, obj)
                if label is not None:
                    return [self.sdoc[k] for k in range(obj.left_edge.i, label + 1)], "obj"
        # a clause after the verb first: the parser sometimes also calls a fronted adverbial or
        # the subject's relative clause a complement ("Just days before …, the company said that …");
        # not a participle ("“…,” she said, referencing the bank's …")
        # ("he was facing …" with its own subject is a clause, not such a participle)
        for child in sorted(verb.children, key=lambda c: c.i < verb.i or (
                c.tag_ == "VBG" and not any(g.dep_ in _SUBJ for g in c.children))):
            if child.dep_ in {"ccomp", "xcomp"} and not (child.i < verb.i and child.dep_ == "xcomp"):
                toks = _subtree_span(child)
                if child.i > verb.i:
                    # "repeated Moscow's position that …": the statement noun belongs to the content
                    noun = next((c for c in verb.children if c.dep_ in {"obj", "dobj"} and c.i < child.i
                                 and c.lower_ in self.lex.nouns and c.right_edge.i + 1 == child.left_edge.i), None)
                    if noun is not None:
                        toks = _subtree_span(noun) + toks
                    # "told reporters that": the recipient is not content
                    return toks, "ccomp"
                return toks, "ccomp-before"
        if lemma in _ASKS_SOMEONE_TO:
            # "asked the council to delay …": the parser hung the infinitive on the recipient
            obj = next((c for c in verb.children if c.dep_ in {"obj", "dobj"} and c.i > verb.i), None)
            inf = obj and next((c for c in obj.children if c.dep_ == "acl" and c.i > obj.i
                                and c.left_edge.lower_ == "to" and c.left_edge.i > obj.i), None)
            if inf is not None:
                return _subtree_span(inf), "xcomp"
        if lemma in {"see", "view", "regard", "consider"}:
            # "see Clinton as the stronger candidate", "regards Jerusalem as its capital": the
            # object and what it is seen as (a clause after "as" is another event: "saw him as he left")
            obj = _object_after(verb)
            seen_as = obj and next((c for c in (*verb.children, *obj.children) if c.i > obj.i
                                    and (c.i > obj.right_edge.i or c.head.i == obj.i)
                                    and c.dep_ in {"obl", "nmod", "advcl", "xcomp", "obl:npmod", "acl"}
                                    and self.sdoc[c.left_edge.i].lower_ == "as"
                                    and not any(g.dep_ in _SUBJ for g in c.children)), None)
            if obj is not None and seen_as is not None:
                return [self.sdoc[k] for k in range(obj.left_edge.i, seen_as.right_edge.i + 1)], "obj"
            if lemma in {"view", "regard"}:
                return None  # only "view/regard X as Y"
        if lemma == "consider":  # "considers as a successor … – Bortnikov"
            for child in verb.children:
                if child.dep_ in {"obl", "nmod"} and child.i > verb.i and any(
                    g.lower_ == "as" for g in child.children if g.dep_ == "case"
                ):
                    end = max(t.i for t in verb.subtree)
                    return [self.sdoc[k] for k in range(child.left_edge.i, end + 1)], "obj"
        preps = self.lex.topic_preps.get(lemma, ())
        # "informed the Russian side about this": the topic may hang on the recipient
        objects = [c for c in verb.children if c.dep_ in {"obj", "dobj", "iobj"}]
        for child in [*verb.children, *(g for o in objects for g in o.children)]:
            if child.dep_ in {"obl", "prep", "nmod", "advcl"} and child.i > verb.i:
                # "joked about moving to Canada": a clause after the preposition is a topic too
                case = [g for g in child.children if g.dep_ in ({"mark"} if child.dep_ == "advcl" else {"case", "prep"})]
                first = case[0] if case else None
                if child.dep_ == "prep":
                    first = child
                if first is not None and first.lower_ in preps:
                    if child.lower_ in {"condition", "behalf"}:
                        continue  # "spoke on the condition of anonymity", "on his behalf": no topic
                    if lemma in _PREP_NEXT and any(t.pos_ != "ADV" for t in self.sdoc[verb.i + 1 : first.i]):
                        continue  # "referred to X", not "referred the case to the court"
                    toks = [t for t in _subtree_span(child) if t.i != first.i]
                    if child.dep_ == "prep":
                        toks = [t for t in child.subtree if t.i != child.i]
                    if lemma in _PREP_NEXT and toks:
                        # "referred to Rubio as a bright leader": the "as" phrase too
                        toks += next((list(c.subtree) for c in verb.children
                                      if c.dep_ in {"obl", "advcl", "prep", "xcomp"}
                                      and c.left_edge.i == toks[-1].i + 1 and c.left_edge.lower_ == "as"), [])
                    return toks, "topic:" + str(first.i)
        particles = self.lex.particles.get(lemma, ())
        for child in verb.children:
            # "called for more investment", and "called for reducing the rate" (a clause)
            if child.dep_ in {"obl", "nmod", "advcl"} and child.i > verb.i and any(
                g.dep_ in {"case", "mark"} and g.lower_ in particles and g.i == verb.i + 1 for g in child.children
            ):
                return [t for t in _subtree_span(child) if t.i != verb.i + 1], "obj"
        if lemma == "find" and self._study_subject(verb):
            # "A harbour survey found wide support for …", "The May poll found the mayor
            # leading by four points": what a study finds may be a noun phrase or a small clause
            after = [c for c in verb.children if c.i > verb.i and c.dep_ not in {"punct", "cc", "conj"}]
            obj = next((c for c in after if c.dep_ in {"obj", "dobj"}), None)
            if obj is not None:
                return [self.sdoc[k] for k in range(obj.left_edge.i, max(c.right_edge.i for c in after) + 1)], "obj"
        if lemma in self.lex.nominal_object:
            for child in verb.children:
                if child.dep_ in {"obj", "dobj"} and child.i > verb.i:
                    if _not_a_saying(lemma, verb, child):
                        return None
                    toks = _subtree_span(child)
                    # "accused the GOP of stoking …", "criticized Clinton for accepting …": the
                    # charge right after the object belongs to the content
                    charge = next((c for c in _charges(verb, lemma) if c.left_edge.i == child.right_edge.i + 1), None)
                    if charge is not None:
                        toks = toks + list(charge.subtree)
                    return toks, "obj"
        return None

    def _study_subject(self, verb: Token) -> bool:
        """The verb's subject is a poll, a survey, a study or the like (what it finds is a report)."""
        subj = next((c for c in verb.children if c.dep_ in _SUBJ), None)
        return subj is not None and subj.lower_ in self.studies

    def _topic_prep(self, comp: tuple[list[Token], str] | None) -> Token | None:
        """The preposition of a topic complement ("spoke about the loan"), which joins the cue."""
        if comp is None or not comp[1].startswith("topic:"):
            return None
        return self.sdoc[int(comp[1].split(":")[1])]

    def _closing_quotation(self, sent: SpacySpan, obj: Token) -> int | None:
        """The index of the closing mark of a quotation that opens after ``obj`` with no cue
        verb between them and ends the sentence (only punctuation after it); else None."""
        opening = next((t for t in sent if t.i > obj.i and t.text in "“\""), None)
        if opening is None or any(self.verb_lemma(t) is not None for t in sent if obj.i < t.i < opening.i):
            return None
        closing = next((t for t in sent if t.i > opening.i and t.text in "”\""), None)
        if closing is None or any(not t.is_punct and not t.is_space for t in sent if t.i > closing.i):
            return None
        return closing.i

    def _made_a_case(self, verb: Token) -> tuple[list[Token], str] | None:
        """'made the case that …', 'made a case for …', 'made the point that …', 'made it
        clear (to X) that …', 'made clear Monday they …': the noun (or "it clear") joins the
        cue, and the clause, infinitive or "for" phrase is the content. Named
        "make:LAST" after the last cue token (PolNeAR train: "made clear" a cue 28 times in
        49, "made the case" 12 in 25, mostly where a clause follows)."""
        kids = [c for c in verb.children if c.i > verb.i]
        near = [self.sdoc[k] for k in range(verb.i + 1, min(verb.i + 3, len(self.sdoc)))]
        clear = next((t for t in near if t.lower_ == "clear" and all(u.lower_ == "it" for u in near if u.i < t.i)), None)
        if clear is not None:
            last = clear
            clauses = [c for c in (*kids, *clear.children) if c.dep_ == "ccomp" and c.i > clear.i]
            if not clauses:
                return None
        else:
            noun = next((c for c in kids if c.dep_ in {"obj", "dobj"} and c.lower_ in _CASE_NOUNS
                         and all(self.sdoc[k].dep_ in {"det", "amod", "advmod"} for k in range(verb.i + 1, c.i))), None)
            if noun is None:
                return None
            last = noun
            clauses = [c for c in (*kids, *noun.children) if c.i > noun.i and (
                c.dep_ == "ccomp" or (c.dep_ == "acl" and any(g.lower_ == "to" for g in c.children if g.i < c.i)))]
            if not clauses:
                # "made a case for reading …": the "for" joins the cue, what follows is the content
                after = [c for c in kids if c.i == noun.i + 2 and self.sdoc[noun.i + 1].lower_ == "for"]
                if after:
                    return [t for t in after[0].subtree if t.i > noun.i + 1], f"make:{noun.i + 1}"
                return None
        clause = min(clauses, key=lambda c: c.i)
        toks = [t for t in clause.subtree if t.i > last.i]
        # "made it clear to House Democrats on Wednesday that …": the recipient and time are no content
        start = next((t.i for t in toks if t.lower_ == "that" and t.dep_ in {"mark", "obj", "nsubj"}), toks[0].i)
        return [t for t in toks if t.i >= start], f"make:{last.i}"

    def _clause_taken_for_object(self, verb: Token) -> list[Token]:
        """'says Obama and the leaders should be ready', 'says the tweets … show he is
        unfit': the parser made (part of) the clause's subject an object of "say", and its
        verb a complement of "say" or a word below the object. Such an object and what
        follows it are read as the clause they are."""
        obj = _object_after(verb)
        if obj is None or obj.tag_ == "PRP":
            return []
        end = max(t.i for t in verb.subtree if not t.is_punct or t.text in ALL_MARKS)
        clauses = [c for c in verb.children if c.dep_ in {"ccomp", "parataxis"} and c.i > obj.i]
        # "says Obama and the leaders should …": the object's "and" leads into the clause's subject
        dangling_and = any(g.dep_ == "cc" for g in obj.children) and not any(g.dep_ == "conj" for g in obj.children)
        if dangling_and and not clauses:
            # "says neither the nominee nor her campaign helped …", "says Obama and the leaders
            # should come up with …": the clause hangs as a conjunct of "say". A "neither/either/
            # both" or a modal tells it from "said a prayer and the crowd left"
            preconj = any(g.dep_ == "cc:preconj" for g in obj.children)
            clauses = [c for c in verb.children
                       if c.dep_ == "conj" and c.i > obj.i and any(g.dep_ in _SUBJ for g in c.children)
                       and (preconj or any(g.tag_ == "MD" for g in c.children))]
        if clauses and (dangling_and or not any(g.dep_ in _SUBJ for g in clauses[0].children)):
            return [self.sdoc[k] for k in range(obj.left_edge.i, end + 1)]
        finite = [t for t in obj.subtree if t.tag_ in {"VBZ", "VBD", "VBP", "MD"} and t.i > obj.i]
        relative = {"who", "which", "that", "whom", "whose", "where", "when"}

        def introduced(t: Token) -> bool:
            clause = t.head if t.dep_ in {"aux", "cop", "aux:pass"} else t
            return any(c.lower_ in relative for c in clause.children if c.i < clause.i)

        if finite and all(introduced(t) for t in finite):
            return []
        span = [self.sdoc[k] for k in range(obj.left_edge.i, end + 1)]
        if finite:
            return span
        # no finite verb: "said the same thing", a quotation ("said Obama's words “amount to
        # …”"), or a clause whose verb the tagger took for a noun ("said families of victims
        # file lawsuits"); not "said a prayer"
        if (obj.lower_ in _SAID_THINGS or any(t.text in ALL_MARKS for t in span)
                or any(t.tag_.startswith("VB") and not (t.dep_ == "conj" and t.head.i == verb.i)
                       for t in span if t.i > obj.i)):
            return span
        return []

    # --- quotation frames

    def quote_frame(self, frame_start: int, frame_end: int, cue_pos: int) -> list[CharSpan] | None:
        """The quotation a frame introduces or closes, with its continuations."""
        text = self.text
        para = self.lay.para_of(cue_pos)
        enclosing = self.lay.innermost_quote(cue_pos)
        candidates = [
            q for q in self.lay.quotes_in_para(para)
            if not q.contains(cue_pos)
            and (enclosing is None or (q.level > enclosing.level and enclosing.start <= q.start < enclosing.end))
        ]
        if enclosing is None:
            candidates = [q for q in candidates if q.level == 0] or [
                q for q in candidates if not any(o.level == 0 and o.start <= q.start < o.end for o in self.lay.quotes)
            ]
        before = [q for q in candidates if q.end <= frame_start]
        after = [q for q in candidates if q.start >= frame_end]
        chosen: Quote | None = None
        if before:
            q = before[-1]
            gap = text[q.end : frame_start]
            if gap.strip(" ,—–-\u00a0") == "" and "\n" not in gap:
                chosen = q
        if chosen is None and after:
            q = after[0]
            gap = text[frame_end : q.start].strip()
            if (gap == "" or gap.endswith((",", ":"))) and len(gap.split()) <= 14 and "\n" not in text[frame_end : q.start] and not any(c in gap for c in ALL_MARKS):
                chosen = q
        if chosen is None and enclosing is None:
            chosen = self._quotation_after_colon(para, frame_end)
            if chosen is not None:
                candidates = [q for q in self.lay.quotes_in_para(chosen.para) if q.level == 0]
        if chosen is None:
            return None
        spans = [self._quote_span(chosen)]
        # earlier paragraphs of the same quotation (left open at their end)
        if chosen.level == 0:
            first_in_para = self.lay.quotes_in_para(chosen.para)
            if first_in_para and first_in_para[0] is chosen and chosen.start == self.lay.para_starts[chosen.para]:
                p = chosen.para - 1
                while p >= 0:
                    prev = [q for q in self.lay.quotes_in_para(p) if q.level == 0]
                    if prev and not prev[-1].closed and prev[-1].start == self.lay.para_starts[p]:
                        spans.insert(0, self._quote_span(prev[-1]))
                        p -= 1
                    else:
                        break
        # later quotations in the same paragraph with no frame of their own
        later = [q for q in candidates if q.start > max(chosen.end, frame_end) and q.level == chosen.level]
        for q in later:
            if self._has_own_frame(q):
                break
            spans.append(self._quote_span(q))
        # a quotation left open runs on into the next paragraphs
        last = max((q for q in [chosen, *later] if q.level == chosen.level), key=lambda q: q.start)
        if not last.closed and chosen.level == 0:
            p = last.para + 1
            while p < len(self.lay.para_starts):
                nxt = [q for q in self.lay.quotes_in_para(p) if q.level == 0]
                if nxt and nxt[0].start == self.lay.para_starts[p] and not self._has_own_frame(nxt[0]):
                    spans.append(self._quote_span(nxt[0]))
                    if nxt[0].closed:
                        break
                    p += 1
                else:
                    break
        return [s for s in (_trim(text, sp) for sp in spans) if s]

    def _quotation_after_colon(self, para: int, frame_end: int) -> Quote | None:
        """'Cruz continued:' closing its paragraph: the quotation that opens the next one
        (PolNeAR: 30 times in train), unless that quotation has a frame of its own."""
        if self.text[frame_end : self.lay.para_ends[para]].strip() != ":" or para + 1 >= len(self.lay.para_starts):
            return None
        opening = [q for q in self.lay.quotes_in_para(para + 1) if q.level == 0]
        if not opening or opening[0].start != self.lay.para_starts[para + 1] or self._has_own_frame(opening[0]):
            return None
        return opening[0]

    def _quote_span(self, q: Quote) -> CharSpan:
        return (q.start, q.end)

    def _has_own_frame(self, q: Quote) -> bool:
        """A quotation followed by '…,” she said' belongs to that frame, not to an earlier one."""
        tail = self.text[q.end : q.end + 60]
        first_line = tail.split("\n")[0]
        words = first_line.strip(" ,").split()
        return any(self.lex.lemma(w.strip(".,;:")) in {"say", "add", "tell", "write", "ask", "continue"}
                   for w in words[:5])

    # --- surface fallbacks

    def sentence_final_frame(self, sent: SpacySpan, first: Token) -> list[CharSpan] | None:
        """'CONTENT, SOURCE CUE.': the frame closes the sentence after a comma."""
        j = first.i - 1
        while j >= sent.start and self.sdoc[j].is_space:
            j -= 1
        if j < sent.start or self.sdoc[j].text not in {",", "—"}:
            return None
        span = _tok_span([self.sdoc[k] for k in range(sent.start, j)])
        if span is None:
            return None
        trimmed = _trim(self.text, span)
        return [trimmed] if trimmed else None

    def parenthetical_frame(self, sent: SpacySpan, first: Token, last: Token) -> list[CharSpan] | None:
        """'CONTENT, SOURCE CUE [Friday], CONTENT.': the frame set off by commas inside the
        sentence it reports; the content is the sentence on both sides of it."""
        j = first.i - 1
        while j >= sent.start and self.sdoc[j].is_space:
            j -= 1
        k = last.i + 1
        adjuncts = 0
        while k < sent.end and self.sdoc[k].text != "," and adjuncts <= 3:
            if self.sdoc[k].pos_ in {"VERB", "AUX"} or self.sdoc[k].text in ALL_MARKS:
                return None
            adjuncts += 0 if self.sdoc[k].is_space else 1
            k += 1
        if j <= sent.start or self.sdoc[j].text != "," or k >= sent.end or self.sdoc[k].text != ",":
            return None
        right_toks = [self.sdoc[i] for i in range(k + 1, sent.end)]
        if not any(t.pos_ in {"VERB", "AUX"} for t in right_toks):
            return None  # "…, he said, in an interview.": no clause goes on
        parts = [_tok_span([self.sdoc[i] for i in range(sent.start, j)]), _tok_span(right_toks)]
        trimmed = [_trim(self.text, span) for span in parts if span]
        if len(trimmed) != 2 or not all(trimmed):
            return None
        if any(self.lay.innermost_quote(span[0]) != self.lay.innermost_quote(first.idx) for span in trimmed):
            return None  # a quotation around the frame is the quote rule's business
        return [span for span in trimmed if span]

    def following_clause(self, sent: SpacySpan, after: Token) -> list[CharSpan] | None:
        """'CUE [Tuesday|on Monday] that …' when the parser lost the complement: the rest."""
        nxt = after.i + 1
        skipped = 0
        while nxt < sent.end and (self.sdoc[nxt].is_space or (
            skipped < 6 and self.sdoc[nxt].lower_ not in {"that", "to", "if", "whether"}
            # adjuncts between the cue and its clause: "Tuesday", "in a statement", "to reporters"
            and (self.sdoc[nxt].lower_ in _TIME_WORDS or self.sdoc[nxt].tag_ in {"NNP", "NN", "NNS", "IN", "RB", "RBR", "JJR", "JJ", "DT", "CD", "PRP"})
        )):
            skipped += 0 if self.sdoc[nxt].is_space else 1
            nxt += 1
        if nxt >= sent.end or self.sdoc[nxt].lower_ not in {"that", "if", "whether"} and not (
            self.sdoc[nxt].lower_ == "to" and skipped == 0
        ) or (self.sdoc[nxt].lower_ == "that" and skipped and self.sdoc[nxt - 1].tag_.startswith("NN")
              and self.sdoc[nxt].dep_ in {"nsubj", "obj"}):
            return None
        span = _tok_span([self.sdoc[k] for k in range(nxt, sent.end)])
        trimmed = _trim(self.text, span) if span else None
        return [trimmed] if trimmed else None

    def final_frame_surface(self, sent: SpacySpan, cue: list[Token]) -> tuple[list[Token], list[CharSpan]] | None:
        """'CONTENT, SOURCE CUE [adjuncts].' read off the surface: (source tokens, content)."""
        first = min(cue, key=lambda t: t.i)
        last = max(cue, key=lambda t: t.i)
        if not self._ends_sentence(sent, last):
            return None
        j = first.i - 1
        src: list[Token] = []
        while j >= sent.start and self.sdoc[j].text not in {",", "—"}:
            if self.sdoc[j].pos_ in {"VERB", "AUX"} and self.sdoc[j].tag_ != "VBN":
                return None
            src.insert(0, self.sdoc[j])
            j -= 1
        src = _trim_np(src)
        if j <= sent.start or not src or len(src) > 12 or not self._is_np(src):
            return None
        span = _tok_span([self.sdoc[k] for k in range(sent.start, j)])
        trimmed = _trim(self.text, span) if span else None
        if not trimmed:
            return None
        if self.lay.innermost_quote(trimmed[0]) != self.lay.innermost_quote(first.idx):
            return None  # a quotation before the frame is the quote rule's business
        return src, [trimmed]

    # --- frames

    def add(self, frame: Frame) -> None:
        if not frame.content:
            return
        words = [w.strip(",.").lower() for s, e in frame.content for w in self.text[s:e].split()]
        times = _TIME_WORDS | {"afternoon"}
        if any(w in times for w in words) and all(w in times or w in {"on", "last", "this", "next", "early", "late"} for w in words):
            return  # "said Friday afternoon": a time adjunct is not content
        if frame.cue_class in {"belief", "quote_only"} and frame.source and frame.cue:
            src = self.text[frame.source[0][0] : frame.source[-1][1]].lower()
            if src in _FIRST_PERSON | _THIRD_PERSON and self.lay.innermost_quote(frame.cue[0][0]) is not None:
                return  # a quoted speaker's own "I think", "she doesn't know if": not a new attribution
        self.frames.append(frame)

    def run(self) -> list[Frame]:
        for sent in self.sdoc.sents:
            for tok in sent:
                if tok.is_space or tok.i in self.used_cues:
                    continue
                if tok.lower_ == "according" and tok.i + 1 < len(self.sdoc) and self.sdoc[tok.i + 1].lower_ == "to":
                    self.according_to(sent, tok)
                elif tok.lower_ in self.lex.agentless_adverbs:
                    self.agentless_adverb(sent, tok)
                elif tok.lower_ in self.lex.raising and tok.pos_ in {"VERB", "AUX"}:
                    self.raising(tok, self.lex.raising[tok.lower_])
                elif tok.lower_ == "saying" and tok.i > 0 and self.sdoc[tok.i - 1].lower_ == "as":
                    continue  # handled with its governing "quoted"/"cited"
                elif (lemma := self.verb_lemma(tok)) is not None:
                    found = len(self.frames)
                    self.verbal(sent, tok, lemma)
                    if len(self.frames) == found:
                        self.declined[tok.i] = "verb"
                elif tok.lower_ in self.lex.nouns and tok.pos_ in {"NOUN", "PROPN"}:
                    found = len(self.frames)
                    self.nominal(sent, tok)
                    if len(self.frames) == found:
                        self.declined[tok.i] = "noun"
        self.punctuation_frames()
        self.headline_frame()
        return self.frames

    def punctuation_frames(self) -> None:
        """Cue-less layouts of transcripts and vox pops: 'NAME: text' and '“quote” ― NAME'."""
        text = self.text
        for start, end in zip(self.lay.para_starts, self.lay.para_ends, strict=True):
            line = text[start:end]
            m = _SPEAKER_COLON.match(line)
            if (m and m.group(1).strip().lower().replace("’", "'") not in _LABELS and not self._headline_clause(m.group(1))
                    and not self._one_word_no_noun(start + m.start(1), start + m.end(1))):
                colon = start + m.end(1)
                self._speaker_colon_frame((start + m.start(1), colon), colon, (start + m.end() - 1, end))
                continue
            m = _HEADLINE_FRAME.match(line)
            if m and self.lex.lemma(m.group(3)) in self.lex.verb_class:
                lemma = self.lex.lemma(m.group(3)) or ""
                cue_start = start + m.start(3)
                self.frames.append(Frame(
                    cue=[(cue_start, cue_start + len(m.group(3)))],
                    source=[(start + m.start(2), start + m.start(2) + len(m.group(2).rstrip()))],
                    content=[(start + m.start(1), start + m.end(1))],
                    cue_class=self.lex.verb_class[lemma], lemma=lemma))
                continue
            m = _DASH_SPEAKER.search(line)
            if m:
                quote = _trim(text, (start, start + m.start()))
                body = line[: m.start()].strip()
                if body[:1] in CLOSING and body[-1:] in CLOSING and len(body) > 2:
                    # a closing mark typed for the opening one (”Fear. …”): the whole line
                    quote = (start + line.index(body), start + line.index(body) + len(body))
                if quote and text[quote[0]] in OPENING + CLOSING:
                    dash = start + m.start(1)
                    src = _dash_name(text, start + m.start(2), start + m.end(2))
                    self.frames.append(Frame(cue=[(dash, dash + 1)], source=[src], content=[quote],
                                             cue_class="speech", lemma="―"))

    def headline_frame(self) -> None:
        """A title line the parser misread: in "Harbour Pilots Blast Ferry Plan." or "The
        Latest: Mayor tells riders the fares will fall" title case and headline grammar fool
        the tagger ("Blast" a noun), so no verb rule fires. Where the first paragraph is one short
        line with no frame of its own and a body follows it, the first cue-verb form after a
        name-like subject is read as the cue, the words before it as the source and the rest
        as the content."""
        if not self.lay.para_starts:
            return
        start, end = self.lay.para_starts[0], self.lay.para_ends[0]
        if "\n" in self.text[start:end] or len(self.lay.para_starts) < 2:
            return  # a title stands over a body; a text of one line is a sentence
        found = [f.cue[0][0] for f in self.frames if f.cue and start <= f.cue[0][0] < end]
        colon_at = self.text.find(":", start, end)
        if found and (colon_at < 0 or min(found) < colon_at):
            return  # the title's own frame was read
        line = self.sdoc.char_span(start, end, alignment_mode="expand")
        toks = [t for t in line if not t.is_space] if line is not None else []
        if not 3 <= len(toks) <= _HEADLINE_MAX or any(
            t.text in {".", "?", "!"} and nxt.text not in ALL_MARKS for t, nxt in zip(toks, toks[1:], strict=False)
        ):
            return  # two sentences: not a title
        first = 0
        colon = next((i for i, t in enumerate(toks) if t.text == ":"), None)
        if found:
            # frames only after the colon ("Harbour board: Storm threatens the pier"): the
            # speaker's, if it is one, holds them
            if colon is not None and toks[colon].idx == colon_at:
                self._title_speaker(toks, colon)
            return
        if colon is not None:
            label = self.text[toks[0].idx : toks[colon].idx].strip()
            if label.lower().replace("’", "'") not in _LABELS and not label.isupper():
                # "Mayor: …" is the speaker-colon rule's; "Mayor Wades In: …" is a clause
                self._title_speaker(toks, colon)
                return
            first = colon + 1
        for i in range(first + 1, len(toks) - 1):
            cue = self._headline_cue(toks, first, i)
            if cue is None:
                continue
            rest = toks[i + 1 + (cue[-1] is not toks[i]) :]  # after the verb and its particle
            semi = next((k for k, t in enumerate(rest) if t.text == ";"), len(rest))
            content = _trim(self.text, (rest[0].idx, rest[semi - 1].idx + len(rest[semi - 1]))) if semi else None
            source = _trim(self.text, (toks[first].idx, cue[0].idx))
            lemma = self.lex.lemma(toks[i].text) or ""
            if content and source:
                self.frames.append(Frame(cue=[(cue[0].idx, cue[-1].idx + len(cue[-1]))], source=[source],
                                         content=[content], cue_class=self.lex.verb_class[lemma], lemma=lemma))
            return

    def _title_speaker(self, toks: list[Token], colon: int) -> None:
        """A title's speaker before a colon that the speaker-colon rule (names in title case
        only) passed over: "Harbour board: …", "Mayor to ferry riders: …", "Pilot Mills at
        the inquiry: …", "EXCLUSIVE – Pilot Mills: …". The speaker is a noun phrase with a
        name in it, adjectives allowed ("Former pilot Mills"; not "Fact check: …"); a
        recipient, topic or venue after it ("to …", "on …", "at …") stays out of the source."""
        if colon + 1 >= len(toks):
            return  # nothing said after the colon
        pre = toks[:colon]
        if len(pre) > 2 and pre[0].text.isupper() and pre[1].text in _DASHES:
            pre = pre[2:]  # "EXCLUSIVE – …": a label, then the speaker
        cut = next((k for k, t in enumerate(pre) if t.lower_ in {"to", "on", "at"}), len(pre))
        speaker = pre[:cut]
        if not speaker or len(speaker) > 6 or len(pre) > 12 or (cut < len(pre) and cut + 1 == len(pre)):
            return
        if not speaker[0].text[:1].isupper() or not speaker[-1].tag_.startswith("NN"):
            return
        if not any(t.tag_ in {"NNP", "NNPS"} for t in speaker) or any(
            not (t.tag_.startswith(("NN", "JJ")) or t.text == ".") for t in speaker
        ):
            return  # "The Ninth Circle: …", "Fact check: …", "Why it matters: …"
        if self._headline_clause(self.text[speaker[0].idx : speaker[-1].idx + len(speaker[-1])]):
            return
        self._speaker_colon_frame((speaker[0].idx, speaker[-1].idx + len(speaker[-1])), toks[colon].idx,
                                  (toks[colon + 1].idx, toks[-1].idx + len(toks[-1])))

    def _speaker_colon_frame(self, source: CharSpan, colon: int, after: CharSpan) -> None:
        """'SPEAKER: statement': the colon is the cue and what follows it, trimmed, the
        content, unless that is a tally or a list ('Votes: 12, 9, 3')."""
        body = _trim(self.text, after)
        if body and not _tally_or_list(self.text[body[0] : body[1]]):
            self.frames.append(Frame(cue=[(colon, colon + 1)], source=[source], content=[body],
                                     cue_class="speech", lemma=":"))

    def _headline_cue(self, toks: list[Token], first: int, i: int) -> list[Token] | None:
        """The cue of a headline frame if toks[i] is one: a cue verb's finite form after a
        subject of nouns and names, not a noun of that subject ("Harbour Reports Show …")."""
        tok, nxt = toks[i], toks[i + 1]
        lemma = self.lex.lemma(tok.text)
        if lemma is None or lemma == "make" or tok.lower_.endswith("ing"):
            return None
        subject = toks[first:i]
        if subject[-1].text == ",":  # "Mayor, Council, Pledge New Ferry"
            subject = subject[:-1]
        last = subject[-1]
        if last.lower_ in _HEADLINE_ADVERBS:  # "Mayor Just Rejected …": the adverb joins the cue
            subject = subject[:-1]
        if not subject or subject[-1].tag_ not in {"NN", "NNS", "NNP", "NNPS", "PRP"} or subject[-1].lower_.endswith(("’s", "'s")):
            return None
        if subject[0].lower_ in _HEADLINE_OPENERS or any(t.tag_ in _FINITE or t.text in ALL_MARKS + ":;" for t in subject):
            return None
        if tok.lower_ == lemma and not subject[-1].lower_.endswith("s"):
            return None  # a bare form needs a plural subject ("Pilots Blast Plan")
        if tok.lower_.endswith("ed") and nxt.lower_ in {"by", "of", "as"}:
            return None  # "Captain Named By Board", "Accused Of …": passive or naming
        if nxt.tag_ in _FINITE or self.lex.lemma(nxt.text) is not None and nxt.lower_ not in self.lex.topic_preps.get(lemma, ()):
            return None  # the verb comes later: "Harbour Reports Show …", "Fare report gives …"
        cue = [last, tok] if last is not subject[-1] else [tok]
        if nxt.lower_ in self.lex.particles.get(lemma, ()) + self.lex.topic_preps.get(lemma, ()):
            cue.append(nxt)
        return cue

    def _one_word_no_noun(self, start: int, end: int) -> bool:
        """'Wow: …', 'Revealed: …', 'Look: …', 'Contributing: …': one word before a colon that
        the tagger calls no noun is an interjection or a label, not a speaker ('Poll: …' and
        'Historians: …' are nouns, 'Berg: …' a name)."""
        span = self.sdoc.char_span(start, end, alignment_mode="expand")
        return span is not None and len(span) == 1 and not span[0].tag_.startswith("NN")

    def _headline_clause(self, name: str) -> bool:
        """'Carly Fiorina Endorses Ted Cruz: …', 'Clinton Wades In: …', 'FIX IS IN: …': a
        headline clause before the colon, not a speaker's name (it has a verb)."""
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", name)]
        return any(w in _HEADLINE_VERBS or (w in self.lex.form_to_lemma and w.endswith(("s", "ed"))) for w in words[1:])

    def verbal(self, sent: SpacySpan, verb: Token, lemma: str) -> None:
        lex = self.lex
        cls = "allege" if lemma == "make" else lex.verb_class[lemma]  # "made the claim"
        if lemma == "add" and verb.i + 1 < len(self.sdoc) and self.sdoc[verb.i + 1].lower_ == "to":
            return  # "adding to her delegate lead": a sum, not a saying
        if lemma == "make" and self.complement(verb, lemma) is None:
            return  # "made" is a cue only with a claim for its object, never a frame of its own
        if verb.dep_ == "acl" and verb.tag_ in {"VBG", "VBN", "VB"} and cls not in {"speech_strong", "report"}:
            return  # "persons opposing Putin", "the decision to reject": a description, not a report
        cue = self.cue_tokens(verb, lemma)
        nxt = self.sdoc[verb.i + 1] if verb.i + 1 < len(self.sdoc) else None
        if lemma in lex.needs_particle and not any(t.lower_ in lex.particles.get(lemma, ()) for t in cue) and not (
            # "pointed to the decision as an example", "pointed to attacks on her campaign" (a cue
            # 18 times in 23 in PolNeAR train), not "pointed to the door"
            nxt is not None and nxt.lower_ in lex.topic_preps.get(lemma, ())
            and not any(t.lower_ in _POINTED_AT for t in verb.subtree if t.i > nxt.i)
        ):
            return
        # "was quoted as saying" / "cited X as saying": the "as saying" clause
        as_saying = next(
            (c for c in verb.children if c.lower_ == "saying" and c.i > 0 and self.sdoc[c.i - 1].lower_ == "as"),
            None,
        )
        if as_saying is None and lemma in {"quote", "cite"}:
            nxt = [self.sdoc[k] for k in range(verb.i + 1, min(sent.end, verb.i + 16))
                   if self.sdoc[k].lower_ == "saying" and self.sdoc[k - 1].lower_ == "as"]
            if nxt:
                as_saying = nxt[0]
        passive = self.is_passive(verb)
        if as_saying is not None and lemma == "quote" and passive:
            cue = [self.sdoc[i] for i in range(cue[0].i, as_saying.i + 1)]
            self.used_cues.add(as_saying.i)
            subj = next((c for c in verb.children if c.dep_ in _SUBJ), None)
            content = self.as_saying_content(sent, as_saying)
            self.add(self.make(cue, subj, content, "report", lemma))
            return
        if as_saying is not None and lemma == "cite":
            obj = next((c for c in verb.children if c.dep_ in {"obj", "dobj"}), None)
            subj = self.source_of(verb)
            end = sent.end
            content_toks = [self.sdoc[i] for i in range(verb.i + 1, end)]
            self.add(self.make(cue, subj, _spans_of(self.text, content_toks), "speech", lemma))
            src_toks = self.np_tokens(obj) if obj is not None else _trim_np(
                [self.sdoc[k] for k in range(verb.i + 1, as_saying.i - 1)])
            src_toks = [t for t in src_toks if t.i < as_saying.i - 1]
            if src_toks and self._is_np(src_toks):
                self.used_cues.add(as_saying.i)
                self.add(self.make([self.sdoc[as_saying.i - 1], as_saying], None,
                                   self.as_saying_content(sent, as_saying), "speech", "say",
                                   source_toks=[t for t in src_toks if t.i < as_saying.i - 1]))
            return
        subj = None if passive else self.source_of(verb)
        if subj is not None and self._quote_split(subj, verb):
            subj = None  # the parser took a word of the quotation as the speaker
        if subj is not None and subj.lower_ == "it" and verb.tag_ == "VBN" and any(
            c.lower_ in {"is", "was", "be", "been"} for c in verb.children
        ):
            subj, passive = None, True  # "It is known that …": the parser missed the passive
        agent = self.agent_of(verb) if passive else None
        if subj is None and not passive:
            np = _trim_np(self.adjacent_np(sent, cue))
            if np:
                content = self.content_for(sent, verb, lemma, cue + np, None)
                if content:
                    self.add(self.make(cue, None, content, cls, lemma, source_toks=np))
                return
            np = self._subject_set_off(sent, cue) or self._subject_misread(sent, verb, cue)
            if np:
                content = self.content_for(sent, verb, lemma, cue, None)
                if content:
                    self.add(self.make(cue, None, content, cls, lemma, source_toks=np))
                return
            prev = self._previous_source(sent, verb)
            if prev:  # "X have ruled out … and said …": the coordinated verb shares X
                content = self.content_for(sent, verb, lemma, cue, None)
                if content:
                    self.add(self.make(cue, None, content, cls, lemma, source_toks=prev))
                return
            if cls not in {"speech_strong", "report"}:
                return  # a plain verb with no one doing it is not an attribution
        if subj is not None and subj.lower_ in _PRONOUN_EXPLETIVE and passive:
            subj = None
        # "US media reports said": the report noun joins the cue, its modifiers are the source
        if subj is not None and subj.lower_ in {"reports", "report"} and subj.i == verb.i - 1:
            mods = [c for c in subj.children if c.i < subj.i and c.dep_ not in {"det", "punct"}]
            if mods:
                cue = [subj, *cue]
                src_toks = [t for m in mods for t in m.subtree]
                content = self.content_for(sent, verb, lemma, cue, None)
                self.add(self.make(cue, None, content, "report", lemma, source_toks=src_toks))
                return
        if passive and agent is None:
            self.agentless_passive(verb, lemma, cue)
            return
        if passive and agent is not None:
            pass_subj = next((c for c in verb.children if c.dep_ in {"nsubj:pass", "nsubjpass"}), None)
            comp = self.complement(verb, lemma)
            content_toks = comp[0] if comp else (list(pass_subj.subtree) + self._passive_charge(verb, lemma)
                                                 if pass_subj is not None else [])
            if lemma == "label":
                content_toks = [t for c in verb.children if c.dep_ in {"xcomp", "obj", "dobj", "attr", "oprd"} for t in c.subtree]
            self.add(self.make(cue, agent, _spans_of(self.text, content_toks), cls, lemma))
            return
        if (cls in {"report", "speech_strong", "allege"} and not self._has_own_object(verb, lemma)
                and self._answer_word(verb, cue) is None):
            surface = self.final_frame_surface(sent, cue)
            if surface is not None and (subj is None or subj.i >= surface[0][0].i):
                quoted = self.quote_frame(surface[0][0].idx, verb.idx + len(verb.text), verb.idx)
                if quoted is None:
                    self.add(self.make(cue, None, surface[1], cls, lemma, source_toks=surface[0]))
                    return
        content = self.content_for(sent, verb, lemma, cue, subj)
        if not content:
            return
        self.add(self.make(cue, subj, content, cls, lemma))

    def _has_own_object(self, verb: Token, lemma: str) -> bool:
        """'Shortly after the vote, Holder announced his resignation.': a cue whose own object
        follows it is no 'CONTENT, SOURCE CUE.' frame; a recipient ("told reporters") is no
        such object."""
        if lemma not in self.lex.nominal_object:
            return False
        return any(c.dep_ in {"obj", "dobj"} and c.i > verb.i and c.tag_ != "PRP" and c.lower_ not in _RECIPIENTS
                   and c.ent_type_ not in {"PER", "ORG"} and not _not_a_saying(lemma, verb, c)
                   for c in verb.children)

    def _previous_source(self, sent: SpacySpan, verb: Token) -> list[Token]:
        """The source of the last frame of this sentence, when the cue is coordinated with it."""
        coordinated = verb.dep_ == "conj" or any(
            self.sdoc[k].lower_ in {"and", "but"} for k in range(max(sent.start, verb.i - 3), verb.i)
        )
        if not coordinated:
            return []
        for f in reversed(self.frames):
            if f.source and f.cue and sent.start_char <= f.cue[0][0] < verb.idx:
                s, e = f.source[0][0], f.source[-1][1]
                return [t for t in sent if s <= t.idx < e]
        return []

    def adjacent_np(self, sent: SpacySpan, cue: list[Token]) -> list[Token]:
        """The source next to a frame the parser did not connect ("“…,” X said" / "said X")."""
        first = min(cue, key=lambda t: t.i)
        left: list[Token] = []
        j = first.i - 1
        while j >= sent.start and self.sdoc[j].text not in ALL_MARKS + ",;:" and "\n" not in self.sdoc[j].text:
            if not self.sdoc[j].is_space:
                left.insert(0, self.sdoc[j])
                if len(left) > 12:
                    break  # no noun phrase of _is_np's; and no scan of a whole sentence per cue
            j -= 1
        boundary = self.sdoc[j].text if j >= sent.start else "^"
        if left and boundary in CLOSING + ",^" and self._is_np(left):
            return left
        last = max(cue, key=lambda t: t.i)
        right: list[Token] = []
        k = last.i + 1
        while k < sent.end and self.sdoc[k].text not in ALL_MARKS + ",;:." and "\n" not in self.sdoc[k].text:
            if not self.sdoc[k].is_space:
                right.append(self.sdoc[k])
                if len(right) > 12:
                    break
            k += 1
        b = first.i - 1
        while b > sent.start and self.sdoc[b].is_space:
            b -= 1
        before = self.sdoc[b].text if b >= sent.start else ""
        if right and before in {",", "”", "\""} and self._is_np(right) and (k >= sent.end or self.sdoc[k].text in ".,;"):
            return right
        return []

    def _subject_set_off(self, sent: SpacySpan, cue: list[Token]) -> list[Token]:
        """The subject the parser lost behind commas: "Sanders, a senator from Vermont and
        self-described democratic socialist, said …" or "In a statement, her adviser, Jake
        Sullivan, said: …", where it hung the name under an aside and left the verb with
        none. Of the comma-separated pieces between the clause's start and the cue, fronted
        adverbials ("In a statement", "However", "Reached by phone") are passed over; the
        first noun phrase is the subject and the appositions after it join it, up to a
        relative clause or a participle ("…, who runs the group, said")."""
        first = min(cue, key=lambda t: t.i)
        j = first.i - 1
        while j > sent.start and self.sdoc[j].is_space:
            j -= 1
        if j <= sent.start or self.sdoc[j].text != "," or first.tag_ not in _FINITE:
            return []
        k = j - 1  # back to the clause's start: a quoted statement's close ("…,” Texas
        # delegate Bill Eastland, wearing “Ted Cruz” pins, said), a colon, a dash, a parenthesis
        while k >= max(sent.start, j - 60) and "\n" not in self.sdoc[k].text and not (
                self.sdoc[k].text in ";:()—–" or self.sdoc[k].text in {*CLOSING, "''"} and k > sent.start
                and self.sdoc[k - 1].text in {",", ".", "?", "!"}):
            k -= 1
        if k < j - 60 and j - 60 > sent.start:
            return []  # a clause of over 60 words before the cue: not read (nor scanned per cue)
        pieces: list[list[Token]] = [[]]
        for t in self.sdoc[k + 1 : j]:
            if t.text == ",":
                pieces.append([])
            elif not t.is_space:
                pieces[-1].append(t)
        if pieces[0] and pieces[0][0].tag_ == "CC":
            pieces[0] = pieces[0][1:]  # "But Murshed Zaheed, …", "But in a call, …"

        def fronted(piece: list[Token]) -> bool:
            if piece[0].lower_ in {"just", "only"}:
                piece = piece[1:]  # "Just over a quarter, 26 percent, say": a share, not an adverbial
            return not piece or _when(piece) or (
                piece[0].tag_ in _FRONTED and piece[0].dep_ not in {"amod", "compound"}  # "Retired Gen. …"
                and not _approximation(piece))

        def place(piece: list[Token]) -> bool:
            return bool(piece) and all(t.ent_type_ == "LOC" or t.is_punct for t in piece)

        last_popped: list[Token] = []
        while pieces and (not pieces[0] or fronted(pieces[0]) or (
                place(pieces[0]) and last_popped and last_popped[-1].ent_type_ == "LOC")):
            last_popped = pieces.pop(0)  # "In a statement to the Observer, …", "Last week, …",
            # "In Reston, Va., …" (the state of a place passed over; not "On Monday, China, …")
        if not pieces or not self._is_np(pieces[0]):
            return []  # not a subject ("Officials familiar with the server taken from …, N.Y.")
        subject = list(pieces[0])
        for piece in pieces[1:]:
            np = piece[1:] if piece and piece[0].lower_ == "acting" else piece  # "acting director"
            if not np or np[0].lower_ in _RELATIVE_OPENERS or (
                    np[0].tag_ in _FRONTED and np[0].dep_ not in {"amod", "compound"}) or not (
                    self._is_np(np) or all(t.like_num for t in np)):
                break
            subject = list(self.sdoc[subject[0].i : piece[-1].i + 1])  # with the comma between them
        return subject if len(subject) <= 24 else []

    def _subject_misread(self, sent: SpacySpan, verb: Token, cue: list[Token]) -> list[Token]:
        """A subject the parser read as something else, right before the cue: a share it took
        for a prepositional phrase ("About 4 in 10 say …"), or a noun phrase with a reduced
        relative that it took for a clause of its own ("Large majorities of voters going to
        the polls on Tuesday said …")."""
        first = min(cue, key=lambda t: t.i)
        if first.tag_ not in _FINITE:
            return []
        for c in verb.children:
            if c.i >= first.i or c.right_edge.i != first.i - 1 or c.left_edge.i != sent.start:
                continue
            span = list(self.sdoc[c.left_edge.i : c.right_edge.i + 1])
            if c.dep_ in {"obl", "nmod"} and _approximation(span) and not any(t.pos_ in {"VERB", "AUX"} for t in span):
                return span
            if c.dep_ in {"advcl", "ccomp", "dep", "parataxis", "acl"} and c.tag_ in {"VBG", "VBN"}:
                subj = next((g for g in c.children if g.dep_ in _SUBJ and g.i < c.i), None)
                if subj is not None and subj.left_edge.i == c.left_edge.i and self._is_np(list(self.sdoc[subj.left_edge.i : c.i])):
                    return span
        return []

    def _is_np(self, toks: list[Token]) -> bool:
        return (
            0 < len(toks) <= 12
            and all(t.pos_ not in {"VERB", "AUX"} or t.tag_ == "VBN" and t.dep_ == "amod" for t in toks)
            and any(t.pos_ in {"NOUN", "PROPN", "PRON"} for t in toks)
        )

    def _answer_word(self, verb: Token, cue: list[Token]) -> Token | None:
        """'40 percent of riders said yes', 'half said so in the spring': the answer word
        right after the cue is all that was said (before, the frame took the clause before it)."""
        k = max(t.i for t in cue) + 1
        if k >= len(self.sdoc):
            return None
        tok = self.sdoc[k]
        if tok.lower_ not in _ANSWER_WORDS or tok.dep_ == "det" or any(True for _ in tok.children):
            return None
        if any(c.dep_ in {"ccomp", "xcomp"} and c.i > k for c in verb.children):
            return None  # "said so in a speech that …": the clause is what was said
        # the parser may hang the word on what follows ("so in the spring"): then it must be
        # followed by punctuation or a preposition, not by what it modifies ("so many")
        nxt = self.sdoc[k + 1] if k + 1 < len(self.sdoc) else None
        if tok.head.i == verb.i or nxt is None or nxt.is_punct or nxt.pos_ == "ADP":
            return tok
        return None

    def content_for(self, sent: SpacySpan, verb: Token, lemma: str, cue: list[Token], subj: Token | None) -> list[CharSpan]:
        cls = self.lex.verb_class[lemma]
        comp = self.complement(verb, lemma)
        frame_toks = list(cue) + (self.np_tokens(subj) if subj is not None else [])
        first = min(frame_toks, key=lambda t: t.i)
        last = max(frame_toks, key=lambda t: t.i)
        frame_start = first.idx
        frame_end = max(t.idx + len(t.text) for t in frame_toks)
        answer = self._answer_word(verb, cue)
        if answer is not None:
            return _spans_of(self.text, [answer])
        # "said …, adding that Trump's campaign will …": the that-clause, not the next quotation
        if lemma == "add" and comp is not None and comp[1] == "ccomp" and comp[0][0].lower_ == "that":
            return _spans_of(self.text, comp[0])
        # what one refers or alludes to is the topic after "to", never a quotation nearby
        if cls in {"speech_strong", "speech", "report", "allege", "quote_only"} and lemma not in {"make", *_PREP_NEXT}:
            quoted = self.quote_frame(frame_start, frame_end, verb.idx)
            if quoted and not self._own_complement_first(verb, lemma, comp, quoted):
                return quoted
        if cls == "quote_only":
            # "responded that it had expanded": a that-clause is what was answered
            if comp is not None and comp[1] == "ccomp" and comp[0][0].lower_ == "that":
                return _spans_of(self.text, comp[0])
            return []
        extracted = self._extracted_subject_clause(sent, cue, subj)
        if extracted:
            return extracted
        around = self._as_frame(sent, verb, subj)
        if around:
            return around
        if comp is not None and comp[1].startswith("make:"):
            last = int(comp[1].split(":")[1])
            cue.extend(self.sdoc[k] for k in range(max(t.i for t in cue) + 1, last + 1))
            return _spans_of(self.text, comp[0])
        relative = verb.dep_ in _COMMA_REL or (subj is not None and subj.lower_ in {"who", "which", "that"})
        if cls in {"speech_strong", "speech", "report", "allege"} and not relative and verb.tag_ in _FINITE:
            # "The museum, Mr. Bush said, celebrated …": whatever the parser made of it (a
            # participle set off by commas describes: "The man, arguing loudly, was led away")
            inserted = self.parenthetical_frame(sent, first, last)
            if inserted:
                return inserted
        if comp is not None and comp[1] == "ccomp" and comp[0][0].text not in OPENING:
            return _spans_of(self.text, self._continued(verb, comp[0]))
        prep = self._topic_prep(comp)
        if prep is not None:
            cue.append(prep)
            cue.sort(key=lambda t: t.i)
            return _spans_of(self.text, comp[0])
        if comp is not None:
            return _spans_of(self.text, self._continued(verb, comp[0]) if comp[1] != "ccomp-before" else comp[0])
        if lemma in _TELL_THAT:
            # "who tells us Kabaeva, 38, is believed to …": recipient, then a clause without "that"
            nxt = verb.i + 1
            if nxt < sent.end and self.sdoc[nxt].tag_ in {"PRP", "NNS", "NN"} and self.sdoc[nxt].lower_ in _RECIPIENTS:
                rest = [self.sdoc[k] for k in range(nxt + 1, sent.end)]
                if any(t.pos_ in {"VERB", "AUX"} for t in rest):
                    return _spans_of(self.text, rest)
            # "told POLITICO he had kept up …": the parser made the clause a relative clause of
            # the recipient, though no relative word opens it
            for obj in (c for c in verb.children if c.dep_ in {"obj", "dobj", "iobj"} and c.i > verb.i
                        and (c.pos_ == "PROPN" or c.ent_type_ in {"PER", "ORG"} or c.lower_ in _RECIPIENTS)):
                for clause in obj.children:
                    if (clause.dep_ in _COMMA_REL and clause.left_edge.i > obj.i
                            and any(g.dep_ in _SUBJ and g.tag_ == "PRP" for g in clause.children)
                            and clause.left_edge.lower_ not in {"who", "whom", "that", "which", "whose"}):
                        return _spans_of(self.text, list(clause.subtree))
        if cls in {"speech_strong", "report", "allege"} or lemma in {"note", "repeat", "suggest", "confirm"}:
            if self._ends_sentence(sent, last):
                final = self.sentence_final_frame(sent, first)
                if final:
                    return final
            following = self.following_clause(sent, max(cue, key=lambda t: t.i))
            if following:
                return following
        if lemma == "say" and subj is not None:
            return self._bare_clause_after(sent, verb, max(cue, key=lambda t: t.i))
        return []

    def _bare_clause_after(self, sent: SpacySpan, verb: Token, after: Token) -> list[CharSpan]:
        """'The historian, author of …, said the years when the port had one ferry were over.':
        the parser made no clause of what follows "said" (here an adverbial "the years" and a
        "when" clause); if the rest of the sentence starts with a word and holds a finite verb,
        it is what was said."""
        rest = [t for t in self.sdoc[after.i + 1 : sent.end] if not t.is_space]
        if not rest or not rest[0].is_alpha or any(c.dep_ in {"obj", "dobj"} and c.i > after.i for c in verb.children):
            return []  # "said a prayer": an object of its own
        if not any(t.tag_ in _FINITE and not (t.dep_ == "conj" and t.head.i == verb.i) for t in rest):
            return []  # "said a prayer and left": the finite verb is the speaker's next act
        span = _tok_span(rest)
        trimmed = _trim(self.text, span) if span else None
        return [trimmed] if trimmed else []

    def _as_frame(self, sent: SpacySpan, verb: Token, subj: Token | None) -> list[CharSpan]:
        """'…, as the report noted.', 'As the mayor put it on Monday, …', 'The bridge, as she
        said, is …': the frame set off by "as" reports the rest of its sentence (PolNeAR
        train: a cue 38 times in 41). Read off the surface: the "as" clause runs from "as" to
        the next comma, dash or bracket."""
        mark = next((c for c in verb.children if c.dep_ == "mark" and c.lower_ == "as" and c.i < verb.i), None)
        if mark is None or subj is None or not mark.i < subj.i < verb.i:
            return []
        if mark.i > sent.start and self.sdoc[mark.i - 1].text not in {",", "—", "–", "(", "“", '"'}:
            return []
        end = next((t.i for t in sent if t.i > verb.i and t.text in {",", "—", "–", ")", ";", ":"}), sent.end)
        parts = [[t for t in sent if t.i < mark.i - (1 if mark.i > sent.start else 0)], [t for t in sent if t.i > end]]
        if not any(t.pos_ in {"VERB", "AUX"} for p in parts for t in p):
            return []
        spans = [_trim(self.text, sp) for sp in (_tok_span(p) for p in parts) if sp]
        return [sp for sp in spans if sp]

    def _extracted_subject_clause(self, sent: SpacySpan, cue: list[Token], subj: Token | None) -> list[CharSpan]:
        """'the changes, which officials said will take effect in May, …': the relative word
        is the subject of the reported clause, which starts with its verb right after the
        cue; the content is the relative word and that clause (to the next comma or the end
        of the sentence), as PolNeAR marks it. The parser rarely gets this shape right."""
        if subj is None:
            return []
        start = subj.left_edge.i
        rel = self.sdoc[start - 1] if start > sent.start else None
        if rel is None or rel.lower_ not in {"which", "who"}:
            return []  # not "that": the seeds leave it out ("an operation that Kyiv says includes …")
        k = max(t.i for t in cue) + 1
        while k < sent.end and self.sdoc[k].tag_ in {"RB", "RBR"}:
            k += 1
        if k >= sent.end or self.sdoc[k].tag_ not in _FINITE:
            return []
        end = k
        while end + 1 < sent.end and not self.sdoc[end + 1].is_punct:  # to the next comma, dash, bracket, stop
            end += 1
        body = _tok_span([self.sdoc[i] for i in range(k, end + 1)])
        if body is None:
            return []
        return [(rel.idx, rel.idx + len(rel.text)), body]

    def _own_complement_first(self, verb: Token, lemma: str, comp: tuple[list[Token], str] | None,
                              quoted: list[CharSpan]) -> bool:
        """A cue's own complement, right after it, wins over a nearby quotation that is not
        its own: one the complement stands before ('asserted that France had lost its
        identity: “…,” he claimed') or one that another cue already introduces ('who he
        dubbed “the little senator.” He mocked Rubio for …'). A recipient ("told CNN") or
        a participle ("…,” he said, adding …") is no such complement."""
        if comp is None or comp[1] == "ccomp-before" or not comp[0]:
            return False
        toks = sorted(comp[0], key=lambda t: t.i)
        head = toks[0]
        if not 0 < head.i - verb.i <= 3 or head.tag_ == "VBG":
            return False
        if lemma in _TELLING and (head.tag_ in {"PRP", "NNP", "NNPS"} or head.lower_ in _RECIPIENTS
                                  or head.ent_type_ in {"PER", "ORG"}):
            return False
        if any(s <= t.idx < e for t in toks for s, e in quoted):
            return False
        first = quoted[0][0]
        if first > verb.idx:
            return all(t.idx < first for t in toks)
        opening = self.sdoc.char_span(first, first + 1, alignment_mode="expand")
        if opening is None:
            return False
        # "“…,” he said, repeating a false claim": the cue between has the quotation already
        closing = self.sdoc.char_span(quoted[0][1] - 1, quoted[0][1], alignment_mode="expand")
        between = (self.sdoc[k] for k in range(closing.end if closing is not None else verb.i, verb.i))
        return any(self.verb_lemma(t) is not None
                   for t in (*(t for t in opening[0].sent if t.i < opening.start), *between))

    def _continued(self, verb: Token, toks: list[Token]) -> list[Token]:
        """The complement with what goes on saying it, hung on the cue verb right after it:
        "said that A and that B", "said A, B", "criticized the law as a crazy system",
        "offered advice to Clinton". In PolNeAR train, where such a sibling directly follows
        the content, the gold content takes it in 44 times to 2 (a second clause), 48 to 16
        (a coordinated verb phrase or clause), 33 to 23 (an adverbial clause) and 19 to 0 (an
        "as" phrase). A sibling that is itself a cue ("and denied that …") stays out."""
        if not toks:
            return toks
        out = list(toks)
        end = max(t.i for t in out)
        for kid in sorted(verb.children, key=lambda c: c.i):
            if kid.i <= end:
                continue
            gap = [self.sdoc[k] for k in range(end + 1, kid.left_edge.i)]
            if any(not (g.is_space or g.text == ",") for g in gap) or not self._goes_on(kid):
                break
            # not a cue coordinated inside it ("praised the plan as bold and denied that …")
            cues = [d for d in kid.subtree if d.dep_ in {"conj", "parataxis"} and d.i != kid.i
                    and self.verb_lemma(d) is not None]
            added = _exclude_subtrees(list(kid.subtree), cues)
            out += added
            if cues:
                break
            end = kid.right_edge.i
        return out

    def _goes_on(self, kid: Token) -> bool:
        if kid.dep_ in {"conj", "parataxis", "advcl"}:
            return self.verb_lemma(kid) is None  # "said A and denied B": a second attribution
        if kid.dep_ in {"ccomp", "obj"}:
            return True
        if kid.dep_ == "obl":
            case = next((c.lower_ for c in kid.children if c.dep_ == "case"), None)
            if case is None:
                return not (kid.lower_ in _WHEN_WORDS or kid.tag_ == "CD")
            # "made the claim in a post", "said … in an interview with CNN": where it was said
            return case in _GOES_ON_PREPS and kid.lower_ not in self.venues
        return False

    def _ends_sentence(self, sent: SpacySpan, last: Token) -> bool:
        """Only adjuncts (time, place, 'in an interview…') follow the frame."""
        words = 0  # a bounded look, not a scan of the sentence for every cue ("said said said …")
        for k in range(last.i + 1, sent.end):
            t = self.sdoc[k]
            if t.is_space or t.is_punct:
                continue
            words += 1
            if words > 12 or t.pos_ in {"VERB", "AUX"}:
                return False
        return True

    def as_saying_content(self, sent: SpacySpan, saying: Token) -> list[CharSpan]:
        comp = self.complement(saying, "say")
        if comp is not None:
            return _spans_of(self.text, comp[0])
        quoted = self.quote_frame(saying.idx, saying.idx + len(saying.text), saying.idx)
        if quoted:
            return quoted
        following = self.following_clause(sent, saying)
        return following or []

    def _passive_charge(self, verb: Token, lemma: str) -> list[Token]:
        """'He was accused of lying', 'the plan was criticized for its cost': the charge
        after a passive charging verb goes with its subject into the content."""
        charge = next((c for c in _charges(verb, lemma) if c.i > verb.i), None)
        return list(charge.subtree) if charge is not None else []

    def agentless_passive(self, verb: Token, lemma: str, cue: list[Token]) -> None:
        hint = self.lex.agentless_passives.get(lemma)
        pass_subj = next((c for c in verb.children if c.dep_ in {"nsubj:pass", "nsubjpass"}), None)
        expl = pass_subj is not None and pass_subj.lower_ in _PRONOUN_EXPLETIVE
        comp = self.complement(verb, lemma)
        content_toks: list[Token] = []
        if hint is not None and pass_subj is not None and not expl:
            xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
            if xcomp is not None:
                subj_toks = _exclude_subtrees(list(pass_subj.subtree), _comma_relcls(pass_subj))
                # relative clauses on an apposition ("by X, a former member …, who claimed …")
                # describe X; they are not part of what was said
                in_appos = {t.i for a in xcomp.subtree if a.dep_ == "appos" for t in a.subtree}
                relcls = [r for t in xcomp.subtree for r in _comma_relcls(t)] + [
                    c for t in xcomp.subtree if t.i in in_appos for c in t.children if c.dep_ in _COMMA_REL
                ]
                x_toks = _exclude_subtrees(list(xcomp.subtree), relcls)
                content_toks = subj_toks + x_toks
            elif lemma not in {"say", "report"}:
                content_toks = list(pass_subj.subtree)
        elif comp is not None and (expl or pass_subj is None):
            content_toks = comp[0]
        elif pass_subj is not None and not expl and lemma in self.lex.nominal_object:
            content_toks = list(pass_subj.subtree) + self._passive_charge(verb, lemma)  # "Mizintsev's offer was rejected"
        elif lemma == "ask" and comp is not None:
            content_toks = comp[0]  # "Sanders was asked whether …": the question, by someone unnamed
        if not content_toks:
            return
        prep = self._topic_prep(comp) if comp is not None and content_toks is comp[0] else None
        if prep is not None and prep.i == max(t.i for t in cue) + 1:
            cue = [*cue, prep]  # "was asked about the loan": as in the active voice
        self.add(Frame(cue=[s for s in [_tok_span(cue)] if s], source=[],
                       content=_spans_of(self.text, content_toks), cue_class="agentless", lemma=lemma,
                       negated=self.is_negated(cue), certainty_hint=hint))

    def agentless_adverb(self, sent: SpacySpan, adv: Token) -> None:
        head = adv.head
        while head.dep_ in {"aux", "aux:pass", "cop"} and head.head.i != head.i:
            head = head.head
        if head.i == adv.i:
            return
        toks = [t for t in head.subtree if t.i != adv.i]
        if len(toks) < 3:  # the parser lost the clause: take the sentence around the adverb
            toks = [t for t in sent if t.i != adv.i]
        # a concessive or contrasting clause after a comma is the writer's, not the report's
        drop = [c for c in head.children if c.dep_ in {"advcl", "conj", "parataxis"} and c.i > adv.i
                and any(g.lower_ in {"though", "although", "while", "but", "whereas"} for g in c.subtree if g.i <= c.i)]
        toks = _exclude_subtrees(toks, drop)
        toks = [t for t in toks if sent.start <= t.i < sent.end]
        hint = self.lex.agentless_adverbs[adv.lower_]
        self.add(Frame(cue=[(adv.idx, adv.idx + len(adv.text))], source=[],
                       content=_spans_of(self.text, toks), cue_class="agentless", lemma=adv.lower_,
                       certainty_hint=hint))

    def raising(self, verb: Token, lemma: str) -> None:
        """'The plan seems to work', 'the team appeared paralyzed': an impression with no one
        named to hold it, a hedge. The content is the subject with the complement; the cue is
        the verb group. PolNeAR annotates seem/appear with such a complement 203 times in 373
        (train); inside a quotation the hedge is the quoted speaker's, not a new attribution."""
        if self.lay.innermost_quote(verb.idx) is not None:
            return
        subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
        comp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
        if subj is None or comp is None or subj.lower_ in _PRONOUN_EXPLETIVE:
            return
        if self.verb_lemma(comp) is not None:
            return  # "appeared to suggest that …": the frame of "suggest"
        subj_toks = _exclude_subtrees(list(subj.subtree), _comma_relcls(subj))
        cue = self.cue_tokens(verb, lemma)
        self.used_cues.add(verb.i)
        self.add(Frame(cue=[s for s in [_tok_span(cue)] if s], source=[],
                       content=_spans_of(self.text, subj_toks + list(comp.subtree)), cue_class="agentless",
                       lemma=lemma, negated=self.is_negated(cue), certainty_hint=self.lex.raising_hint[lemma]))

    def according_to(self, sent: SpacySpan, acc: Token) -> None:
        to = self.sdoc[acc.i + 1]
        self.used_cues.update({acc.i, to.i})
        # the object of "to": the parser attaches it to "to", to "according" or as obl with case
        obj = None
        for cand in (to, acc):
            for c in cand.children:
                if c.dep_ in {"pobj", "obj", "obl", "nmod"} and c.i > to.i:
                    obj = c
                    break
            if obj is not None:
                break
        if obj is None and acc.head.i > to.i and acc.head.i < sent.end:
            obj = acc.head if acc.dep_ in {"case", "mwe", "fixed"} else None
        if obj is None:
            later = [t for t in sent if t.i > to.i and t.pos_ in {"NOUN", "PROPN", "PRON"}]
            obj = later[0] if later else None
        if obj is None:
            return
        # the source runs from "to" up to the first comma, quote mark or clause boundary
        # (its first word is never a verb: "according to exit polls", "to state records", where
        # the tagger read an infinitive)
        stop = to.i + 1
        while stop < sent.end and self.sdoc[stop].text not in ALL_MARKS + ",;:" and not self.sdoc[stop].is_space \
                and not (self.sdoc[stop].pos_ in {"VERB", "AUX"} and self.sdoc[stop].tag_ != "VBN" and stop > to.i + 1):
            stop += 1
        src_toks = _trim_np([self.sdoc[k] for k in range(to.i + 1, stop)])
        if not src_toks:
            return
        phrase_end = max([to.i, *[t.i for t in obj.subtree if t.i < stop]], default=stop - 1)
        phrase_end = max(phrase_end, stop - 1)
        # ", according to a source, who tells us …": the relative clause belongs to the phrase
        after_np = phrase_end + 1
        if after_np + 1 < sent.end and self.sdoc[after_np].text == "," and self.sdoc[after_np + 1].lower_ in {"who", "which"}:
            # at the start of a sentence the clause ends at the next comma; at its end, with it
            at_start = all(t.is_space or t.is_punct for t in sent if t.i < acc.i)
            nxt_comma = next((t.i for t in sent if t.i > after_np + 1 and t.text == ","), None)
            phrase_end = nxt_comma if at_start and nxt_comma is not None else sent.end - 1
        phrase = set(range(acc.i, phrase_end + 1))
        # content: the rest of the clause around the phrase, within its quotation if inside one
        enclosing = self.lay.innermost_quote(acc.idx)
        lo, hi = sent.start, sent.end
        cand = [self.sdoc[i] for i in range(lo, hi) if i not in phrase]
        if enclosing is not None:
            cand = [t for t in cand if enclosing.start < t.idx < enclosing.end - 1 and t.text not in ALL_MARKS]
        else:
            # "…, according to X," then a new clause: keep the side that is a clause
            before = [t for t in cand if t.i < acc.i]
            after = [t for t in cand if t.i > phrase_end]
            if after and any(t.pos_ in {"VERB", "AUX"} for t in after) and (not before or len(after) > len(before)):
                cand = after
            elif before:
                cand = before
        self.add(Frame(cue=[(acc.idx, to.idx + len(to.text))], source=_spans_of(self.text, src_toks),
                       content=_spans_of(self.text, cand), cue_class="according_to", lemma="according to"))

    def nominal(self, sent: SpacySpan, noun: Token) -> None:
        poss = next((c for c in noun.children if c.dep_ in {"nmod:poss", "poss"}), None)
        agent = None
        for c in noun.children:
            if c.dep_ in {"nmod", "prep"} and any(g.lower_ == "by" for g in [c, *c.children] if g.dep_ in {"case", "prep"}):
                agent = c
        src = poss or agent
        content: list[Token] = []
        cue = [noun]
        for c in noun.children:
            if c.i > noun.i and c.dep_ in {"acl", "ccomp"} :
                content = list(c.subtree)
                break
            if c.i > noun.i and c.dep_ in {"nmod", "prep"} and c is not agent:
                first = [g for g in c.subtree][0]
                if first.lower_ == "for" and any(t.tag_ == "TO" for t in c.subtree):
                    content = list(c.subtree)
                    break
        if not content and noun.dep_ in {"obj", "dobj"}:
            # the parser hung the noun's clause on the verb: "repeated Moscow's position that …"
            nxt_clause = next((c for c in noun.head.children if c.dep_ == "ccomp"
                               and c.left_edge.i == noun.right_edge.i + 1), None)
            if nxt_clause is not None:
                content = list(nxt_clause.subtree)
        # "Their goal is to remove …": noun + copula, then the complement
        nxt = noun.i + 1
        if not content and nxt + 1 < sent.end and self.sdoc[nxt].lower_ in {"is", "was", "are", "were"} and self.sdoc[nxt + 1].lower_ in {"to", "that"}:
            cue = [noun, self.sdoc[nxt]]
            start = nxt + 1
            head = self.sdoc[start].head
            end = max(t.i for t in head.subtree) if head.i >= start else sent.end - 1
            content = [self.sdoc[i] for i in range(start, min(end + 1, sent.end))]
        if src is None or not content:
            return
        src_toks = list(src.subtree)
        if agent is not None and src is agent:
            src_toks = [t for t in src_toks if t.lower_ != "by" or t.i != src_toks[0].i]
        self.add(Frame(cue=[(noun.idx, noun.idx + len(noun.text)) if len(cue) == 1 else _tok_span(cue)],  # type: ignore[list-item]
                       source=_spans_of(self.text, src_toks) if poss is None else [s for s in [_tok_span(src_toks)] if s],
                       content=_spans_of(self.text, content), cue_class="noun", lemma=noun.lower_))

    def make(self, cue: list[Token], subj: Token | None, content: list[CharSpan], cls: str, lemma: str,
             *, source_toks: list[Token] | None = None) -> Frame:
        src_toks = source_toks if source_toks is not None else (self.np_tokens(subj) if subj is not None else [])
        cue_span = self._with_colon(_tok_span(cue), content)
        return Frame(cue=[cue_span] if cue_span else [], source=self._closing_comma(_spans_of(self.text, src_toks), cue_span),
                     content=content, cue_class=cls, lemma=lemma, negated=self.is_negated(cue))

    def _with_colon(self, cue: CharSpan | None, content: list[CharSpan]) -> CharSpan | None:
        """A colon between the cue and its content joins the cue ("said: “…”"), as PolNeAR
        marks it 368 times to 18 in train. Not inside a quotation: PolNeAR has no nested
        statements, and the seeds' one nested case ("I wrote: ‘…’") leaves the colon out."""
        if cue is None or not content or self.lay.innermost_quote(cue[0]) is not None:
            return cue
        after = self.text[cue[1] : cue[1] + 4]
        colon = cue[1] + len(after) - len(after.lstrip(" \u00a0"))
        if self.text[colon : colon + 1] == ":" and min(s for s, _ in content) > colon:
            return (cue[0], colon + 1)
        return cue

    def _closing_comma(self, source: list[CharSpan], cue: CharSpan | None) -> list[CharSpan]:
        """A source set off by commas keeps its closing one when the cue follows: "Jane Roe,
        the port's director, said" (PolNeAR's convention: 852 times to 76 in train, where the
        source holds a comma of its own; without one, the comma after it is a separate
        aside's and stays out)."""
        if not source or cue is None or source[-1][1] > cue[0]:
            return source
        start, end = source[-1]
        gap = self.text[end : cue[0]]
        if gap.strip() != "," or "," not in self.text[source[0][0] : end]:
            return source
        return [*source[:-1], (start, end + gap.index(",") + 1)]


def _overlaps(a: CharSpan, b: CharSpan) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _resolve_overlaps(frames: list[Frame]) -> list[Frame]:
    """One cue, one attribution: drop frames whose cue repeats or lies inside another's cue."""
    out: list[Frame] = []
    for f in sorted(frames, key=lambda f: -(f.cue[0][1] - f.cue[0][0]) if f.cue else 0):
        if f.cue and any(g.cue and _overlaps(f.cue[0], g.cue[0]) for g in out):
            continue
        # a source or content can't contain its own cue
        if f.cue and any(s[0] <= f.cue[0][0] and f.cue[0][1] <= s[1] for s in f.source):
            continue
        f.content = [c for c in f.content if not (f.cue and c[0] <= f.cue[0][0] and f.cue[0][1] <= c[1])] or f.content
        out.append(f)
    return sorted(out, key=lambda f: (f.cue[0][0] if f.cue else f.content[0][0]))


def _drop_inner_hedges(frames: list[Frame], raising: Iterable[str]) -> list[Frame]:
    """'reportedly'/'allegedly' inside content that already has a source only sets certainty;
    a 'seems to' there is that source's hedge, not a new attribution."""
    raising = set(raising)

    def inside_other(f: Frame) -> bool:
        return any(
            g is not f and any(c[0] <= f.cue[0][0] and f.cue[0][1] <= c[1] for c in g.content)
            for g in frames
        )
    return [f for f in frames if not (f.cue_class == "agentless" and (f.lemma.endswith("ly") or f.lemma in raising)
                                      and inside_other(f))]


def _runs_on(quoted: str) -> bool:
    """Quoted words that can go on a statement: not a label ("Related:") or a headline in
    capitals."""
    return len(quoted.split()) >= 3 and not quoted.rstrip().endswith(":") and quoted != quoted.upper()


def _quotations_run_on(frames: list[Frame], lay: TextLayout) -> None:
    """A quotation with no frame of its own goes on the statement just before it: in the
    same paragraph when only punctuation stands between them ("Kerry said that … . “That
    adds up to …”"), or as a paragraph that is one whole quotation, on the last statement
    of the paragraph before ("…,” she said.  ¶ “Next paragraph.”). In PolNeAR train (250
    articles) such a quotation belongs to that statement 33 times in 45."""
    text = lay.text

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for f in frames for s, e in (*f.cue, *f.content))

    def outermost(candidates: list[Frame]) -> Frame:
        return min(candidates, key=lambda f: min(s for s, _ in f.content))

    ends = {id(f): max(e for _, e in f.content) for f in frames if f.content and f.cue}
    for q in lay.quotes:
        if q.level or not q.closed or not _runs_on(text[q.start + 1 : q.end - 1]) or not free(q.start, q.end):
            continue
        para_start = lay.para_starts[q.para]
        if q.start == para_start and not text[q.end : lay.para_ends[q.para]].strip():
            if q.para == 0 or not free(para_start, lay.para_ends[q.para]):
                continue
            # a whole paragraph: the statement ending last in the paragraph before
            ending = [f for f in frames if lay.para_starts[q.para - 1] <= ends.get(id(f), -1) <= para_start]
            last = max((ends[id(f)] for f in ending), default=None)
            before = [f for f in ending if ends[id(f)] == last]
        else:
            before = [f for f in frames if id(f) in ends and ends[id(f)] <= q.start
                      and re.fullmatch(r"[ .,:;\u00a0]*", text[ends[id(f)] : q.start])]
        if before:
            holder = outermost(before)
            holder.content.append(_trim(text, (q.start, q.end)) or (q.start, q.end))
            ends[id(holder)] = holder.content[-1][1]


def find_frames(sdoc: SpacyDoc, *, lexicon: Lexicon | None = None, text: str | None = None) -> list[Frame]:
    """All attribution frames of a parsed document, in text order (``text``: the document's
    text, which the parse was made from, if the caller has it)."""
    lex = lexicon or load_lexicon()
    extractor = _Extractor(sdoc, lex, text)
    frames = _drop_inner_hedges(_resolve_overlaps(extractor.run()), lex.raising_hint)
    _quotations_run_on(frames, extractor.lay)
    sdoc.user_data[DECLINED] = extractor.declined
    return frames
