"""The cue lexicon (lexicons/cues.json) turned into fast look-up tables.

Kept as data so that a user can extend the cue list without touching code; the forms of
regular verbs are generated here rather than listed by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Lexicon", "load_lexicon"]

_VOWELS = set("aeiou")


def _forms(lemma: str) -> set[str]:
    """Regular English verb forms: say-says-said is irregular and listed in the data."""
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2] not in _VOWELS:
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return {lemma, lemma + "es", lemma + "ed", lemma + "ing"}
    return {lemma, lemma + "s", lemma + "ed", lemma + "ing"}


@dataclass(frozen=True)
class Lexicon:
    form_to_lemma: dict[str, str]
    verb_class: dict[str, str]  # lemma -> speech_strong | speech | report | allege | belief
    particles: dict[str, tuple[str, ...]]
    needs_particle: frozenset[str]
    nominal_object: frozenset[str]
    topic_preps: dict[str, tuple[str, ...]]
    nouns: frozenset[str]
    report_nouns: frozenset[str]
    agentless_adverbs: dict[str, str]
    agentless_passives: dict[str, str]
    raising: dict[str, str]  # form of "seem"/"appear" -> lemma; the hint is raising_hint[lemma]
    raising_hint: dict[str, str]
    allegation_words: frozenset[str]
    unconfirmed_phrases: tuple[str, ...]

    def lemma(self, word: str) -> str | None:
        return self.form_to_lemma.get(word.lower())


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = json.loads(resources.files("sourcetrace.lexicons").joinpath("cues.json").read_text("utf-8"))
    form_to_lemma: dict[str, str] = {}
    verb_class: dict[str, str] = {}
    for cls, lemmas in raw["verbs"].items():
        for lemma in lemmas:
            verb_class.setdefault(lemma, cls)
            forms = set(raw["irregular"].get(lemma, [])) or _forms(lemma)
            for form in forms:
                form_to_lemma.setdefault(form, lemma)
    return Lexicon(
        form_to_lemma=form_to_lemma,
        verb_class=verb_class,
        particles={k: tuple(v) for k, v in raw["particle_verbs"].items()},
        needs_particle=frozenset(raw["needs_particle"]),
        nominal_object=frozenset(raw["nominal_object_cues"]),
        topic_preps={k: tuple(v) for k, v in raw["topic_preps"].items()},
        nouns=frozenset(raw["nouns"]["statement"]),
        report_nouns=frozenset(raw["report_nouns"]),
        agentless_adverbs=dict(raw["agentless_adverbs"]),
        agentless_passives=dict(raw["agentless_passives"]),
        raising={form: lemma for lemma in raw["raising_verbs"] for form in _forms(lemma)},
        raising_hint=dict(raw["raising_verbs"]),
        allegation_words=frozenset(raw["allegation_words"]),
        unconfirmed_phrases=tuple(raw["unconfirmed_phrases"]),
    )
