"""The corpus stage: entities across documents, citation chains, claims, independence.

Unit tests build Documents by hand (tests/corpus_helpers.py) and load no model; the
articles are short texts written for these tests. The last test runs the real pipeline on
the two seed articles and compares with ../shared/seeds/corpus.gold.json.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import sourcetrace.link as link_pkg
from sourcetrace.link import citations as citations_mod
from sourcetrace.link import claims as claims_mod
from sourcetrace.link import entities as entities_mod
from sourcetrace.link import independence as independence_mod
from sourcetrace.link import link_documents
from sourcetrace.link.citations import credit_names
from sourcetrace.link.entities import canonical_name, normalise_name
from sourcetrace.link.independence import ChainEnd, assess
from sourcetrace.model import Document

from .conftest import SEEDS, need_shared
from .corpus_helpers import A, make_doc

BRIDGE = "the old river bridge will close for repairs in May"


def _source(links: Any, name: str) -> dict[str, Any]:
    found = [s for s in links.sources if s["name"] == name]
    assert len(found) == 1, [s["name"] for s in links.sources]
    return found[0]


def _edges(links: Any) -> set[tuple[str, str, str]]:
    return {(c["from"], c["to"], c["basis"]) for c in links.citations}


def _claim_with(links: Any, doc_id: str, attr: str) -> dict[str, Any]:
    for claim in links.claims:
        if {"doc_id": doc_id, "attribution": attr} in claim["members"]:
            return claim
    raise AssertionError(f"no claim has {doc_id}:{attr}")


# -- entities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "typ"),
    [
        ("Ukraine’s Ministry of Defense", "the Ministry of Defense of Ukraine", "government"),
        ("Ukrainian Ministry of Defence", "Ministry of Defense of Ukraine", "government"),
        ("Moscow", "the Russian government", "government"),
        ("The Wall Street Journal", "Wall Street Journal", "outlet"),
        ("President Volodymyr Zelensky", "Volodymyr Zelensky", "person"),
    ],
)
def test_link_normalise_name_same_entity(a: str, b: str, typ: str) -> None:
    assert normalise_name(a, typ) == normalise_name(b, typ)


def test_link_normalise_name_keeps_different_things_apart() -> None:
    assert normalise_name("Moscow", "place") != normalise_name("Moscow", "government")
    assert normalise_name("Britain’s Ministry of Defense", "government") != normalise_name(
        "Ukraine’s Ministry of Defense", "government")


def test_link_entities_spelling_variants_merge_across_documents() -> None:
    docs = [
        make_doc("k1", "President Volodymyr Zelensky said that the front held.",
                 [A("President Volodymyr Zelensky", "said", "the front held", "Volodymyr Zelensky")]),
        make_doc("k2", "Volodymyr Zelenskiy said that talks were over.",
                 [A("Volodymyr Zelenskiy", "said", "talks were over", "Volodymyr Zelenskiy")]),
        make_doc("k3", "Zelensky said that aid had arrived.",
                 [A("Zelensky", "said", "aid had arrived", "Zelensky")]),
    ]
    links = link_documents(docs)
    zel = _source(links, "Volodymyr Zelensky")  # the spelling most documents use, in full
    assert zel["documents"] == ["k1", "k2", "k3"]
    assert set(zel["aliases"]) >= {"Volodymyr Zelenskiy", "Zelensky"}
    assert zel["attributions"] == 3


def test_link_documents_refuses_a_document_the_store_refuses() -> None:
    """It linked the rest and said nothing of the refused one."""
    from sourcetrace.errors import InputError

    good = make_doc("g1", "Jane Roe said that the pier would close.",
                    [A("Jane Roe", "said", "the pier would close", "Jane Roe")])
    bad = Document("b1", "Short.", attributions=good.attributions)  # spans past its text
    with pytest.raises(InputError, match=r"^b1: E202: span .* outside text"):
        link_documents([good, bad])
    assert [s["name"] for s in link_documents([good]).sources] == ["Jane Roe"]


def test_link_entities_ambiguous_surname_stays_apart() -> None:
    docs = [
        make_doc("c1", "Hillary Clinton said that the vote mattered.",
                 [A("Hillary Clinton", "said", "the vote mattered", "Hillary Clinton")]),
        make_doc("c2", "Bill Clinton said that the speech went well.",
                 [A("Bill Clinton", "said", "the speech went well", "Bill Clinton")]),
        make_doc("c3", "Clinton said that the polls were wrong.",
                 [A("Clinton", "said", "the polls were wrong", "Clinton")]),
    ]
    names = sorted(s["name"] for s in link_documents(docs).sources)
    assert names == ["Bill Clinton", "Clinton", "Hillary Clinton"]


def test_link_entities_ministry_possessive_and_of_forms_merge() -> None:
    docs = [
        make_doc("m1", "Ukraine’s Ministry of Defense said that the convoy was hit.",
                 [A("Ukraine’s Ministry of Defense", "said", "the convoy was hit",
                    "Ukraine’s Ministry of Defense", "government")]),
        make_doc("m2", "The Ministry of Defense of Ukraine said that drills would start.",
                 [A("The Ministry of Defense of Ukraine", "said", "drills would start",
                    "the Ministry of Defense of Ukraine", "government")]),
    ]
    links = link_documents(docs)
    assert [s["name"] for s in links.sources] == ["Ministry of Defense of Ukraine"]
    assert links.sources[0]["documents"] == ["m1", "m2"]


def test_link_entities_anonymous_sources_never_merge_across_articles() -> None:
    docs = [
        make_doc(f"n{i}", f"A source said that the plant {w} close.",
                 [A("A source", "said", f"the plant {w} close", "a source", "anonymous")])
        for i, w in enumerate(["will", "may"])
    ]
    assert [s["name"] for s in link_documents(docs).sources] == ["a source", "a source"]


def test_link_entities_acronym_alias_joins_full_name() -> None:
    docs = [
        make_doc("h1", "The Chief Directorate of Intelligence said that troops moved.",
                 [A("The Chief Directorate of Intelligence", "said", "troops moved",
                    "Chief Directorate of Intelligence", "intelligence")],
                 aliases={"Chief Directorate of Intelligence": ["HUR"]}),
        make_doc("h2", "HUR said that a convoy left.", [A("HUR", "said", "a convoy left", "HUR", "intelligence")]),
    ]
    links = link_documents(docs)
    assert [(s["name"], s["documents"]) for s in links.sources] == [
        ("Chief Directorate of Intelligence", ["h1", "h2"])]


def test_link_canonical_name_fullest_best_spelled() -> None:
    assert canonical_name([("Zelenskiy", "person", 1), ("Volodymyr Zelensky", "person", 2),
                           ("Zelensky", "person", 3)]) == ("Volodymyr Zelensky", "person")
    assert canonical_name([("Journal", "outlet", 5), ("The Wall Street Journal", "outlet", 1)])[0] == \
        "The Wall Street Journal"


# -- citations -------------------------------------------------------------------------

CHAIN_TEXT = (
    "The Wall Street Journal reported that Interfax said that Mikhail Mizintsev said "
    "the city must answer by dawn on Monday."
)


def _chain_doc(doc_id: str = "chain") -> Document:
    return make_doc(doc_id, CHAIN_TEXT, [
        A("The Wall Street Journal", "reported",
          "Interfax said that Mikhail Mizintsev said the city must answer by dawn on Monday",
          "The Wall Street Journal", "outlet"),
        A("Interfax", "said", "Mikhail Mizintsev said the city must answer by dawn on Monday",
          "Interfax", "outlet", parent=1),
        A("Mikhail Mizintsev", "said", "the city must answer by dawn on Monday", "Mikhail Mizintsev", parent=2),
    ])


def test_link_citations_nested_chain_gives_one_edge_per_hop() -> None:
    links = link_documents([_chain_doc()])
    assert _edges(links) == {
        ("chain", "The Wall Street Journal", "explicit"),
        ("The Wall Street Journal", "Interfax", "explicit"),
        ("Interfax", "Mikhail Mizintsev", "explicit"),
    }
    by_to = {c["to"]: c for c in links.citations}
    assert by_to["Interfax"]["evidence"] == [{"doc_id": "chain", "attribution": "a2"}]
    assert by_to["Mikhail Mizintsev"]["to_type"] == "person"
    claim = _claim_with(links, "chain", "a3")
    assert claim["chains"] == [["chain", "The Wall Street Journal", "Interfax", "Mikhail Mizintsev"]]
    assert {m["attribution"] for m in claim["members"]} == {"a1", "a2", "a3"}
    assert claim["original_sources"] == ["Mikhail Mizintsev"]
    assert claim["echoes"] == ["chain", "Interfax", "The Wall Street Journal"]


def test_link_citations_credit_line_and_meta_author() -> None:
    text = "Officials said that the port reopened.\nWith Gazette wires"
    doc = make_doc("cr", text, [A("Officials", "said", "the port reopened", "officials", "group")],
                   credit="With Gazette wires", meta={"outlet": "Daily Planet", "author": "Reuters"})
    links = link_documents([doc])
    credit = [c for c in links.citations if c["basis"] == "credit"]
    assert {c["to"] for c in credit} == {"Gazette wires", "Reuters"}
    gazette = next(c for c in credit if c["to"] == "Gazette wires")
    start = text.index("With")
    assert gazette["evidence"] == [{"doc_id": "cr", "attribution": None, "boilerplate": [start, len(text)]}]


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("With Post wires", ["Post wires"]),
        ("Reuters contributed to this report.", ["Reuters"]),
        ("Additional reporting by AP and Agence France-Presse", ["AP", "Agence France-Presse"]),
        ("— with staff reports", []),
    ],
)
def test_link_credit_names(line: str, names: list[str]) -> None:
    assert credit_names(line) == names


def test_link_citations_inferred_relay_of_a_quote_after_an_outlet_report() -> None:
    text = (
        "Euractiv reported that the exiles, among them a former regional deputy, met near Warsaw. "
        "“The main goal is a change of power,” said Viacheslav Maltsev, a former regional deputy."
    )
    doc = make_doc("inf", text, [
        A("Euractiv", "reported", "the exiles, among them a former regional deputy, met near Warsaw",
          "Euractiv", "outlet"),
        A("Viacheslav Maltsev", "said", "“The main goal is a change of power,”", "Viacheslav Maltsev"),
    ])
    # the resolver would also have found the earlier mention of Maltsev inside the report
    mention = (text.index("a former regional deputy"), text.index("a former regional deputy") + 24)
    ents = tuple(e if e.name != "Viacheslav Maltsev" else e.__class__(e.id, e.name, e.type, (mention, *e.mentions))
                 for e in doc.entities)
    links = link_documents([doc.with_(entities=ents)])
    assert ("Euractiv", "Viacheslav Maltsev", "inferred") in _edges(links)
    assert ("inf", "Viacheslav Maltsev", "explicit") in _edges(links)


# -- claims and independence -------------------------------------------------------------


def _ledger() -> Document:
    return make_doc("ledger-1", f"Mayor Jane Doe said {BRIDGE}.",
                    [A("Mayor Jane Doe", "said", BRIDGE, "Jane Doe")], meta={"outlet": "Daily Ledger"})


def test_link_claim_relayed_through_another_outlet_counts_once() -> None:
    # (1) the Star relays the Ledger's story, whose source is the mayor
    star = make_doc("star-1", f"The Daily Ledger reported that {BRIDGE}.",
                    [A("The Daily Ledger", "reported", BRIDGE, "Daily Ledger", "outlet")],
                    meta={"outlet": "Evening Star"})
    links = link_documents([_ledger(), star])
    assert len(links.claims) == 1
    claim = links.claims[0]
    assert claim["independent_sources"] == 1
    assert claim["original_sources"] == ["Jane Doe"]
    assert "Daily Ledger" in claim["echoes"]
    assert {"ledger-1", "star-1"} <= set(claim["echoes"])
    assert sorted(claim["chains"]) == [["ledger-1", "Jane Doe"], ["star-1", "Daily Ledger"]]


def test_link_claim_relayed_with_nested_attribution_counts_once() -> None:
    text = f"The Daily Ledger reported that Mayor Jane Doe said {BRIDGE}."
    star = make_doc("star-2", text, [
        A("The Daily Ledger", "reported", f"Mayor Jane Doe said {BRIDGE}", "Daily Ledger", "outlet"),
        A("Mayor Jane Doe", "said", BRIDGE, "Jane Doe", parent=1),
    ])
    links = link_documents([_ledger(), star])
    claim = _claim_with(links, "star-2", "a2")
    assert claim == _claim_with(links, "ledger-1", "a1")
    assert claim["independent_sources"] == 1
    assert ["star-2", "Daily Ledger", "Jane Doe"] in claim["chains"]
    assert "Daily Ledger" in claim["echoes"]


ARTICLE = (
    "Riverton will shut its old iron bridge for at least six weeks this spring, council staff "
    "told residents on Tuesday evening. A city engineer, who asked not to be named, said the "
    "bridge deck has corroded much faster than the last inspection predicted. Traffic will be "
    "diverted over the northern ring road, and the two bus lines that cross the river will run "
    "on a temporary timetable. Shop owners on Mill Street worry that fewer customers will reach "
    "them during the closure, and several asked the council for a cut in local business fees. "
    "The council promised to publish a plan for cyclists and pedestrians before the end of the "
    "month. Repairs were last carried out twelve years ago, when the bridge was closed for a "
    "single week in August. Residents can send questions to the public works office or attend "
    "an open meeting at the library next Thursday."
)
CLAIM = "the bridge deck has corroded much faster than the last inspection predicted"
ENGINEER = "A city engineer, who asked not to be named"


def _engineer_doc(doc_id: str, text: str, outlet: str) -> Document:
    return make_doc(doc_id, text, [A(ENGINEER, "said", CLAIM, "city engineer", "anonymous")],
                    meta={"outlet": outlet, "published": "2024-03-05"})


def test_link_claim_syndicated_copy_counts_once() -> None:
    # (2) the Herald runs the Gazette's article with a new first line and one word changed
    copy = ARTICLE.replace("Riverton will shut", "Riverton is to shut").replace("a cut in", "a reduction in")
    original = _engineer_doc("gazette-1", ARTICLE, "Riverton Gazette")
    syndicated = _engineer_doc("herald-7", "Bridge to close\n" + copy, "Valley Herald")
    links = link_documents([original, syndicated])
    assert links.duplicates == [["gazette-1", "herald-7"]]
    claim = _claim_with(links, "herald-7", "a1")
    assert {m["doc_id"] for m in claim["members"]} == {"gazette-1", "herald-7"}
    assert claim["independent_sources"] == 1  # one unnamed engineer, not two
    assert ("herald-7", "gazette-1", "inferred") in _edges(links)


def test_link_claim_unnamed_sources_in_separate_articles_count_twice() -> None:
    other = (f"Engineers have inspected the Riverton crossing again. {ENGINEER}, said {CLAIM}. "
             "The mayor did not comment on the cost of the works.")
    other_doc = make_doc("post-3", other, [A(ENGINEER, "said", CLAIM, "city engineer", "anonymous")])
    links = link_documents([_engineer_doc("gazette-1", ARTICLE, "Riverton Gazette"), other_doc])
    assert links.duplicates == []
    assert _claim_with(links, "post-3", "a1")["independent_sources"] == 2


def test_link_claim_genuinely_independent_second_source_counts_twice() -> None:
    # (3) an engineer confirms the mayor's statement to a third paper, in other words
    roe = make_doc("gaz-1", "Transport engineer Bob Roe said the old river bridge would be closed for repairs in May.",
                   [A("Transport engineer Bob Roe", "said", "the old river bridge would be closed for repairs in May",
                      "Bob Roe")])
    links = link_documents([_ledger(), roe])
    assert len(links.claims) == 1
    claim = links.claims[0]
    assert claim["independent_sources"] == 2
    assert claim["original_sources"] == ["Bob Roe", "Jane Doe"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("more than 77,000 soldiers have been killed since February", "more than 7,000 soldiers have been killed since February"),
        ("the old river bridge will close for repairs in May", "the old river bridge will not close for repairs in May"),
        ("the harbour fees will rise sharply next year", "the old river bridge will close for repairs in May"),
    ],
)
def test_link_claims_different_propositions_stay_apart(first: str, second: str) -> None:
    docs = [
        make_doc("p1", f"Officials said that {first}.", [A("Officials", "said", first, "Officials", "group")]),
        make_doc("p2", f"Analysts said that {second}.", [A("Analysts", "said", second, "Analysts", "group")]),
    ]
    assert len(link_documents(docs).claims) == 2


def test_link_same_proposition_paraphrase_and_fragment() -> None:
    def content(text: str) -> dict[str, Any]:
        from sourcetrace.link import sketch

        words = sketch.normalise_words(text)
        return {"norm": " ".join(words), "names": sorted(sketch.names_in(text)),
                "numbers": sorted(sketch.numbers_in(words)), "negated": sketch.negated(words)}

    assert claims_mod.same_proposition(content(BRIDGE), content("the old river bridge would be closed for repairs in May"))
    long_quote = ("the old river bridge will close for repairs in May and the ferry will run every "
                  "half hour while the works last, with extra boats at weekends")
    assert claims_mod.same_proposition(content("the ferry will run every half hour while the works last"),
                                       content(long_quote))


def test_link_assess_unidentified_and_outlet_relay_rules() -> None:
    unnamed = [ChainEnd("d1", "d1", None, None), ChainEnd("d2", "d2", None, None)]
    verdict = assess(unnamed)
    assert (verdict.independent_sources, verdict.identified) == (1, False)
    named = assess([*unnamed, ChainEnd("d3", "d3", None, ("e:x", "X"))])
    assert (named.independent_sources, named.original_sources) == (1, ["X"])
    # an outlet cited as origin whose own article has no deeper source stays the origin
    own_voice = assess([ChainEnd("a", "a", "e:ledger", None), ChainEnd("b", "b", None, ("e:ledger", "Ledger"))])
    assert own_voice.original_sources == ["Ledger"] and own_voice.independent_sources == 1


def test_link_unlinkable_short_contents_are_single_claims() -> None:
    docs = [
        make_doc("s1", "The White House did not deny the talks.", [A("The White House", "did not deny", "the talks", "White House", "government")]),
        make_doc("s2", "The Kremlin welcomed the talks.", [A("The Kremlin", "welcomed", "the talks", "Kremlin", "government")]),
    ]
    assert len(link_documents(docs).claims) == 2


def test_link_modules_all_are_public() -> None:
    for mod in (link_pkg, claims_mod, citations_mod, entities_mod, independence_mod):
        for name in mod.__all__:
            assert hasattr(mod, name), (mod.__name__, name)


# -- integration: the seed articles through the real pipeline ------------------------


def test_link_seeds_against_corpus_gold(tmp_path: Any) -> None:
    """The issue's Done-when on the seeds, scored by sourcetrace.corpus_eval."""
    need_shared(SEEDS / "corpus.gold.json")
    from sourcetrace.corpus_eval import score_corpus
    from sourcetrace.evaluate import load_records
    from sourcetrace.pipeline import analyze
    from sourcetrace.store import Store, as_is

    gold_docs = load_records(SEEDS)
    gold = json.loads((SEEDS / "corpus.gold.json").read_text(encoding="utf-8"))
    pred = [analyze(Document(g.doc_id, g.text)) for g in gold_docs]
    with Store(tmp_path / "seeds.duckdb") as store:
        store.add_documents(pred, analyze=as_is)
        score = score_corpus(gold, gold_docs, pred, store)
    # every entity present in both articles, the New York Post included (000 is its
    # article by its "With Post wires" credit; 002 names it in full)
    assert score.shared_found == score.shared_gold == 6, score.misses
    # every explicit edge; three go through the Ukrainian government's tweet, which our
    # graph records as its author
    assert score.edges_found == score.edges_gold == 25, score.misses
    assert score.edges_node_for_node >= 22, score.misses
    # two gold claims are out of reach: k1 groups eight attributions by story, not by
    # wording; k14 is stated in the article's own voice (no attribution carries it)
    assert score.claims_carried >= 29 and score.claims_same_count >= 28, score.misses


def test_link_chain_names_a_relay_once_when_it_speaks_twice_in_a_row() -> None:
    text = ("The Journal reported that the Ukrainian government said it would not surrender and "
            "that it cited Deputy Prime Minister Iryna Vereshchuk as saying the city would hold out.")
    doc = make_doc("gov", text, [
        A("The Journal", "reported", "the Ukrainian government said it would not surrender and that it cited "
          "Deputy Prime Minister Iryna Vereshchuk as saying the city would hold out", "Wall Street Journal", "outlet"),
        A("the Ukrainian government", "said", "it would not surrender and that it cited Deputy Prime Minister "
          "Iryna Vereshchuk as saying the city would hold out", "Ukrainian government", "government", parent=1),
        A("it", "cited", "Deputy Prime Minister Iryna Vereshchuk as saying the city would hold out",
          "Ukrainian government", "government", parent=2),
        A("Deputy Prime Minister Iryna Vereshchuk", "as saying", "the city would hold out", "Iryna Vereshchuk", parent=3),
    ])
    claim = _claim_with(link_documents([doc]), "gov", "a4")
    assert claim["chains"] == [["gov", "Wall Street Journal", "Ukrainian government", "Iryna Vereshchuk"]]


def test_link_entities_unresolved_pronouns_and_untyped_surnames() -> None:
    docs = [
        make_doc("t1", "Donald Trump said that the wall would rise.",
                 [A("Donald Trump", "said", "the wall would rise", "Donald Trump")]),
        make_doc("t2", "Mr. Trump said that polls were rigged.",
                 [A("Mr. Trump", "said", "polls were rigged", "Mr. Trump", "other")]),
        make_doc("t3", "He said that taxes would fall.", [A("He", "said", "taxes would fall", "He", "other")]),
        make_doc("t4", "He said that rates would rise.", [A("He", "said", "rates would rise", "He", "other")]),
    ]
    sources = {s["name"]: s for s in link_documents(docs).sources if s["name"] != "He"}
    assert sources["Donald Trump"]["documents"] == ["t1", "t2"]
    assert sources["Donald Trump"]["type"] == "person"
    assert len([s for s in link_documents(docs).sources if s["name"] == "He"]) == 2


def test_link_claims_short_topics_do_not_link_across_articles() -> None:
    docs = [
        make_doc(f"q{i}", f"{who} discussed her fifty-state strategy.",
                 [A(who, "discussed", "her fifty-state strategy", who)])
        for i, who in enumerate(["John Podesta", "Bill Clinton"])
    ]
    assert len(link_documents(docs).claims) == 2


def test_link_entities_short_surnames_need_exact_spelling_and_coordinations_stay_apart() -> None:
    docs = [
        make_doc("r1", "Marco Rubio said that the debate was fair.",
                 [A("Marco Rubio", "said", "the debate was fair", "Marco Rubio")]),
        make_doc("r2", "Jennifer Rubin said that the debate was dull.",
                 [A("Jennifer Rubin", "said", "the debate was dull", "Jennifer Rubin")]),
        make_doc("r3", "Rubio said that the polls would turn.", [A("Rubio", "said", "the polls would turn", "Rubio", "other")]),
        make_doc("r4", "Rubio and Cruz said that the rules were unfair.",
                 [A("Rubio and Cruz", "said", "the rules were unfair", "Rubio and Cruz")]),
    ]
    by_name = {s["name"]: s["documents"] for s in link_documents(docs).sources}
    assert by_name == {"Marco Rubio": ["r1", "r3"], "Jennifer Rubin": ["r2"], "Rubio and Cruz": ["r4"]}


def test_link_claims_a_topic_inside_two_claims_does_not_chain_them() -> None:
    topic = "the senator's use of a private email server at the department"
    first = f"{topic} broke federal records law and exposed classified cables to foreign hackers"
    second = f"{topic} was approved in advance by agency lawyers and its security officers"
    docs = [
        make_doc("t0", f"Critics discussed {topic}.", [A("Critics", "discussed", topic, "Critics", "group")]),
        make_doc("t1", f"Inspectors said that {first}.", [A("Inspectors", "said", first, "Inspectors", "group")]),
        make_doc("t2", f"Aides said that {second}.", [A("Aides", "said", second, "Aides", "group")]),
    ]
    links = link_documents(docs)
    assert _claim_with(links, "t1", "a1") != _claim_with(links, "t2", "a1")
    assert claims_mod.match(
        {"norm": topic, "names": [], "numbers": [], "negated": False},
        {"norm": first, "names": [], "numbers": [], "negated": False}) == "a<b"


def test_link_claims_a_quoted_fragment_joins_the_full_quote() -> None:
    full = ("the ferry will run every half hour while the works last, with extra boats at weekends "
            "and free tickets for pupils")
    part = "the ferry will run every half hour while the works last"
    docs = [
        make_doc("f1", f"Mayor Jane Doe said {full}.", [A("Mayor Jane Doe", "said", full, "Jane Doe")]),
        make_doc("f2", f"Jane Doe said {part}.", [A("Jane Doe", "said", part, "Jane Doe")]),
    ]
    links = link_documents(docs)
    claim = _claim_with(links, "f1", "a1")
    assert claim == _claim_with(links, "f2", "a1")
    assert claim["independent_sources"] == 1


def test_link_photo_credit_names_the_agencies() -> None:
    from sourcetrace.link.citations import credit_names

    assert credit_names("Corbis via Getty Images") == ["Corbis", "Getty Images"]
    assert credit_names("Marco Reyes/AP Photo") == ["AP"]
    assert credit_names("With Post wires") == ["Post wires"]


# -- house credits, short titles, anaphoric contents, withheld and coordinated sources ------


@pytest.mark.parametrize(
    ("line", "name"),
    [("With Post wires", "Post"), ("— Times staff and wire reports", "Times"),
     ("Herald wire services", "Herald"), ("Reuters contributed to this report", None),
     ("With wires", None)],
)
def test_link_house_outlet(line: str, name: str | None) -> None:
    assert entities_mod.house_outlet(line) == name


def test_link_house_credit_makes_the_paper_present_and_joins_its_full_name() -> None:
    own = make_doc("p1", "The mayor said that the bridge would close. With Post wires",
                   [A("The mayor", "said", "the bridge would close", "mayor", "person")],
                   credit="With Post wires")
    other = make_doc("p2", "The New York Post reported that the mayor had resigned.",
                     [A("The New York Post", "reported", "the mayor had resigned", "New York Post", "outlet")])
    post = _source(link_documents([own, other]), "New York Post")
    assert post["documents"] == ["p1", "p2"]


def test_link_bare_title_stays_apart_when_two_papers_have_it() -> None:
    docs = [
        make_doc("w1", "The Post reported that rates would rise.",
                 [A("The Post", "reported", "rates would rise", "Post", "outlet")]),
        make_doc("w2", "The Washington Post reported that taxes would fall.",
                 [A("The Washington Post", "reported", "taxes would fall", "Washington Post", "outlet")]),
        make_doc("w3", "The New York Post reported that the mayor had resigned.",
                 [A("The New York Post", "reported", "the mayor had resigned", "New York Post", "outlet")]),
    ]
    names = {s["name"]: s["documents"] for s in link_documents(docs).sources}
    assert names["Post"] == ["w1"]
    assert names["Washington Post"] == ["w2"] and names["New York Post"] == ["w3"]


@pytest.mark.parametrize(
    ("cue", "withheld"),
    [("have not been confirmed", True), ("could not independently verify", True), ("denied", True),
     ("didn't confirm", True),
     ("did not deny", False), ("confirmed", False), ("said", False)],
)
def test_link_withholds(cue: str, withheld: bool) -> None:
    assert claims_mod.withholds(cue) is withheld


def test_link_anaphoric_content_joins_its_antecedent_and_a_non_confirmation_is_no_source() -> None:
    text = ("The Daily Planet reported that the mayor had held secret talks with the contractor, "
            "which the contractor has not confirmed. The mayor's office did not deny the talks. "
            "The council said the budget was final.")
    doc = make_doc("talks", text, [
        A("The Daily Planet", "reported", "the mayor had held secret talks with the contractor",
          "Daily Planet", "outlet"),
        A("the contractor", "has not confirmed", "which", "contractor", "organization"),
        A("The mayor's office", "did not deny", "the talks", "mayor's office", "government"),
        A("The council", "said", "the budget was final", "council", "government"),
    ])
    links = link_documents([doc])
    claim = _claim_with(links, "talks", "a1")
    assert {m["attribution"] for m in claim["members"]} == {"a1", "a2", "a3"}
    # the Planet and the mayor's office stand behind it; the contractor only withholds
    assert claim["independent_sources"] == 2
    assert "contractor" not in claim["original_sources"]
    assert _claim_with(links, "talks", "a4") is not claim


def test_link_coordinated_source_counts_as_two() -> None:
    assert independence_mod.coordinated_parts("Ukrainian and Western accounts") == [
        "Ukrainian accounts", "Western accounts"]
    assert independence_mod.coordinated_parts("Anti-Russia activists and former Russian politicians") == [
        "Anti-Russia activists and former Russian politicians"]
    verdict = assess([ChainEnd("d", "d", None, ("e:acc", "Ukrainian and Western accounts"))])
    assert verdict.independent_sources == 2


@pytest.mark.parametrize(
    ("key", "state", "parent"),
    [("page six of new york post", False, "new york post"),
     ("chief directorate of intelligence for the ministry of defense of ukraine", True,
      "ministry of defense of ukraine"),
     ("ministry of defense of ukraine", True, "government of ukraine"),
     ("media of united states", False, None),  # a country's press is not its government
     ("new york post", False, None)],
)
def test_link_part_of_key(key: str, state: bool, parent: str | None) -> None:
    keys = {"new york post", "ministry of defense of ukraine", "government of ukraine",
            "government of united states", "page six of new york post"}
    assert entities_mod.part_of_key(key, keys, state_body=state) == parent


def test_link_a_column_and_its_paper_are_one_source() -> None:
    claim_text = "the singer had quietly left the country in March"
    docs = [
        make_doc("ps1", f"The New York Post’s Page Six reported that {claim_text}.",
                 [A("The New York Post’s Page Six", "reported", claim_text, "New York Post’s Page Six", "outlet")]),
        make_doc("ps2", f"The New York Post reported that {claim_text}.",
                 [A("The New York Post", "reported", claim_text, "New York Post", "outlet")]),
        make_doc("ps3", f"The Daily Planet reported that {claim_text}.",
                 [A("The Daily Planet", "reported", claim_text, "Daily Planet", "outlet")]),
    ]
    links = link_documents(docs)
    assert _source(links, "New York Post’s Page Six")["part_of"] == "New York Post"
    claim = _claim_with(links, "ps1", "a1")
    assert {m["doc_id"] for m in claim["members"]} == {"ps1", "ps2", "ps3"}
    assert claim["independent_sources"] == 2  # the Post (with its column) and the Planet


def test_link_a_state_is_named_by_its_government_whatever_stood_for_it() -> None:
    docs = [
        make_doc("s1", "Moscow said that the talks were over.",
                 [A("Moscow", "said", "the talks were over", "Moscow", "government")]),
        make_doc("s2", "The Kremlin said that no deal was near.",
                 [A("The Kremlin", "said", "no deal was near", "Kremlin", "government")]),
    ]
    assert _source(link_documents(docs), "Russian government")["documents"] == ["s1", "s2"]
    assert entities_mod.state_name("government of united states", "government") == "US government"
    assert entities_mod.state_name("ministry of defense of ukraine", "government") is None
