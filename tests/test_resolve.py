from __future__ import annotations

from sourcetrace.model import Attribution, Document
from sourcetrace.resolve import entity_type, person_name, resolve_entities


def _doc_with_sources(text: str, sources: list[str]) -> Document:
    """A hand-built document whose attributions have the given source strings (no model)."""
    attrs = []
    pos = 0
    for n, src in enumerate(sources):
        s = text.index(src, pos)
        pos = s + len(src)
        attrs.append(Attribution(f"a{n + 1}", ((s, s + len(src)),), ((pos, pos),), ((0, 1),)))
    return Document(doc_id="d", text=text, attributions=tuple(attrs))


def test_resolve_person_name_strips_titles() -> None:
    assert person_name("Zelenskiy aide Mykhailo Podolyak") == "Mykhailo Podolyak"
    assert person_name("Ukrainian President Volodymyr Zelensky") == "Volodymyr Zelensky"
    assert person_name("White House spokesperson Karine Jean-Pierre") == "Karine Jean-Pierre"


def test_resolve_apposed_name_with_the_closing_comma_of_its_source() -> None:
    # PolNeAR's sources keep the comma that closes an apposition: the name is still found
    text = "The company, River Port Holdings, said it would wait. Its chief, Ana Lee, agreed."
    doc = resolve_entities(_doc_with_sources(text, ["The company, River Port Holdings,", "Its chief, Ana Lee,"]))
    assert {e.name for e in doc.entities} == {"River Port Holdings", "Ana Lee"}
    assert entity_type("The Capital Weekly's editor, Rosa Lindqvist,") == "person"


def test_resolve_entity_types_from_words() -> None:
    assert entity_type("The New York Post") == "outlet"
    assert entity_type("a translation of the post") == "social-post"
    assert entity_type("a source") == "anonymous"
    assert entity_type("Ukrainian intelligence") == "intelligence"
    assert entity_type("the Ukrainian government") == "government"
    assert entity_type("Ukrainian MP Lesia Vasylenko") == "person"
    assert entity_type("Russian forces") == "military"
    assert entity_type("Ukrainian and Western accounts") == "document"


def test_resolve_spelling_variants_are_one_person() -> None:
    text = ("Ukrainian President Volodymyr Zelensky said no. President Volodymyr Zelelsnky said no. "
            "Zelenskiy said no. Zelensky said no. Podolyak said no.")
    doc = resolve_entities(_doc_with_sources(text, [
        "Ukrainian President Volodymyr Zelensky", "President Volodymyr Zelelsnky", "Zelenskiy", "Zelensky", "Podolyak",
    ]))
    speakers = [a.speaker for a in doc.attributions]
    assert len(set(speakers[:4])) == 1 and speakers[4] != speakers[0]
    ent = next(e for e in doc.entities if e.id == speakers[0])
    assert ent.name == "Volodymyr Zelensky" and ent.type == "person"
    assert len(ent.mentions) == 4


def test_resolve_outlet_alias_and_anonymous_sources_kept_apart() -> None:
    text = "The Wall Street Journal reported it. A source said so. The Journal added. A source said more."
    doc = resolve_entities(_doc_with_sources(text, ["The Wall Street Journal", "A source", "The Journal", "A source"]))
    sp = [a.speaker for a in doc.attributions]
    assert sp[0] == sp[2]
    assert sp[1] != sp[3]


def test_resolve_pronoun_speaker_goes_to_last_person() -> None:
    text = "Mayor Linda Okafor said no. The council said yes. She said it again."
    doc = resolve_entities(_doc_with_sources(text, ["Mayor Linda Okafor", "The council", "She"]))
    sp = [a.speaker for a in doc.attributions]
    assert sp[2] == sp[0]


def test_resolve_first_person_sources_quoting_each_other_end() -> None:
    # each "I" stands inside the other's content: following quoted speakers must stop
    text = "I said I said."
    doc = Document(doc_id="d", text=text, attributions=(
        Attribution("a1", ((0, 1),), ((2, 6),), ((7, 13),)),
        Attribution("a2", ((7, 8),), ((9, 13),), ((0, 6),)),
    ))
    out = resolve_entities(doc)
    assert [a.id for a in out.attributions] == ["a1", "a2"]


def _speakers(text: str) -> list[tuple[str, str | None]]:
    """(cue, speaker's name) of each attribution the whole pipeline finds in ``text``."""
    from sourcetrace.pipeline import analyze

    doc = analyze(Document("d", text))
    names = {e.id: e.name for e in doc.entities}
    return [(text[a.cue[0][0]:a.cue[-1][1]], names.get(a.speaker or "")) for a in doc.attributions]


def test_a_pronoun_reported_by_a_speaker_is_that_speaker() -> None:
    # "she" is the source of an attribution reported in Karimi's words: Karimi, although
    # the apposition hides the name from the type rules (it now takes the NER's PER)
    text = ("Muhammad Babar spoke first. Karimi, executive director of a peace group, said she expects "
            "the vote to pass.")
    assert ("said", "Karimi") in _speakers(text)
    assert [cue for cue, _ in _speakers(text)] == ["said"]  # her own belief is folded into her statement


def test_a_pronoun_inside_a_quotation_or_after_another_name_is_not_the_reporter() -> None:
    from sourcetrace.resolve import _Mention, _Resolver

    text = "Cox says the shootings Obama mentioned when he spoke were different."
    he = text.index(" he ") + 1
    doc = Document("d", text, attributions=(
        Attribution("a1", ((0, 3),), ((4, 8),), ((9, 67),)),
        Attribution("a2", ((he, he + 2),), ((he + 3, he + 8),), ((9, 20),), parent="a1"),
    ))
    res = _Resolver(doc)
    res.collect()
    res.mentions.append(_Mention((23, 28), "Obama", "Obama", "name", "person"))
    res.mentions.sort(key=lambda m: m.span)
    pronoun = next(m for m in res.mentions if m.kind == "pronoun")
    assert res._reporter(pronoun, frozenset()) is None  # Obama comes between
    quoted = "“They lied to us,” the campaign said."
    assert _speakers(quoted) == [("said", "campaign")]


def test_surnames_of_different_initials_are_not_spelling_variants() -> None:
    text = "Marley Anderson said yes. Sanders said no. Bernie Sanders said no."
    doc = resolve_entities(_doc_with_sources(text, ["Marley Anderson", "Sanders", "Bernie Sanders"]))
    assert sorted(e.name for e in doc.entities) == ["Bernie Sanders", "Marley Anderson"]
