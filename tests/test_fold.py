"""A speaker's own nested belief joins the statement around it (attribution/fold.py)."""

from __future__ import annotations

from dataclasses import replace

from sourcetrace.attribution.fold import fold_own_beliefs
from sourcetrace.model import Attribution, Document

#        0         1         2         3         4         5         6         7
#        01234567890123456789012345678901234567890123456789012345678901234567890
TEXT = "Cruz said he thinks the deal is dead and Bo said Ann wants a vote."


def _a(id_: str, source: tuple[int, int], cue: tuple[int, int], content: tuple[int, int], speaker: str,
       parent: str | None = None, cls: str = "speech_strong", certainty: str = "asserted") -> Attribution:
    return Attribution(id_, (source,), (cue,), (content,), parent=parent, speaker=speaker, certainty=certainty,
                       extra={"_cue_class": cls})


CRUZ_SAID = _a("a1", (0, 4), (5, 9), (10, 36), "e1")
HE_THINKS = _a("a2", (10, 12), (13, 19), (20, 36), "e1", parent="a1", cls="belief", certainty="hedged")
BO_SAID = _a("a3", (41, 43), (44, 48), (49, 65), "e2")
ANN_WANTS = _a("a4", (49, 52), (53, 58), (59, 65), "e3", parent="a3", cls="belief")


def test_own_belief_is_folded_and_its_hedge_kept() -> None:
    out = fold_own_beliefs(Document("d", TEXT, attributions=(CRUZ_SAID, HE_THINKS, BO_SAID, ANN_WANTS)))
    # "he thinks" is Cruz's own: folded, Cruz's claim becomes hedged; Ann's want is another
    # speaker's, reported by Bo: it stays, renumbered, under Bo's statement
    assert [(a.id, a.cue, a.parent, a.certainty) for a in out.attributions] == [
        ("a1", ((5, 9),), None, "hedged"), ("a2", ((44, 48),), None, "asserted"),
        ("a3", ((53, 58),), "a2", "asserted")]


def test_nothing_folded_without_the_same_speaker_or_a_belief_cue() -> None:
    other_speaker = replace(HE_THINKS, speaker="e9")
    unresolved = replace(HE_THINKS, speaker=None)
    speech = replace(HE_THINKS, extra={"_cue_class": "speech"})  # "'I wrote: …,' she added" stands
    named = replace(HE_THINKS, source=((24, 28),))  # a named source is someone reported, even if merged
    for child in (other_speaker, unresolved, speech, named):
        doc = Document("d", TEXT, attributions=(CRUZ_SAID, child))
        assert fold_own_beliefs(doc) is doc


def test_a_stronger_parent_certainty_stays_and_grandchildren_move_up() -> None:
    alleged = replace(CRUZ_SAID, certainty="alleged")
    grandchild = _a("a3", (24, 28), (29, 31), (32, 36), "e4", parent="a2")
    out = fold_own_beliefs(Document("d", TEXT, attributions=(alleged, HE_THINKS, grandchild)))
    assert [(a.id, a.parent, a.certainty) for a in out.attributions] == [("a1", None, "alleged"), ("a2", "a1", "asserted")]


def test_a_learned_attribution_without_notes_is_read_from_its_cue_words() -> None:
    learned = replace(HE_THINKS, extra={"learned": True})
    out = fold_own_beliefs(Document("d", TEXT, attributions=(CRUZ_SAID, learned)))
    assert [a.cue for a in out.attributions] == [((5, 9),)]


def test_the_pipeline_folds_a_reported_own_belief() -> None:
    from sourcetrace.pipeline import analyze

    text = "Senator Cruz said on Monday that he thinks the deal is dead."
    out = analyze(Document("d", text))
    assert [(text[s:e], a.parent, a.certainty) for a in out.attributions for s, e in a.cue] == [("said", None, "hedged")]
    assert "he thinks the deal is dead" in text[out.attributions[0].content[0][0] : out.attributions[0].content[-1][1]]
