"""Tests for boilerplate.py: the seed gold exactly, no false positives on body text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sourcetrace.boilerplate as boilerplate
from sourcetrace.boilerplate import in_boilerplate, mark_boilerplate
from sourcetrace.model import Boilerplate, Document

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS = REPO_ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _marked(text: str) -> list[tuple[str, str, str | None]]:
    """(kind, line, credit) for each boilerplate entry, for readable assertions."""
    doc = mark_boilerplate(Document(doc_id="t", text=text))
    out = []
    for b in doc.boilerplate:
        credit = text[b.credit_span[0] : b.credit_span[1]] if b.credit_span else None
        out.append((b.kind, text[b.span[0] : b.span[1]], credit))
    return out


def test_boilerplate_all_lists_public_names() -> None:
    for name in boilerplate.__all__:
        assert hasattr(boilerplate, name), name
        assert not name.startswith("_")
    assert {"mark_boilerplate", "in_boilerplate"} <= set(boilerplate.__all__)


@pytest.mark.parametrize("stem", ["000_8d379f5856399cd0", "002_99a90cb113443b29"])
def test_boilerplate_seeds_match_gold_exactly(stem: str) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared/seeds not found: {SEEDS}")
    gold = json.loads((SEEDS / f"{stem}.gold.json").read_text(encoding="utf-8"))
    text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    assert text == gold["text"]
    doc = mark_boilerplate(Document(doc_id=stem, text=text))
    assert doc.text == text
    assert [b.to_dict() for b in doc.boilerplate] == gold["boilerplate"]


def test_boilerplate_fixture_article() -> None:
    text = (FIXTURES / "plain.txt").read_text(encoding="utf-8")
    assert _marked(text) == [
        ("section-label", "World", None),
        ("advertisement", "Advertisement", None),
        (
            "caption",
            "Waves break against the damaged sea wall in Kellmouth last January. "
            "Example Agency via Getty Images",
            "Example Agency via Getty Images",
        ),
        ("promo", "Sign up for our newsletter", None),
        ("credit", "With wire services", None),
    ]


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Rescuers search the rubble in Antakya on Tuesday. AP", "AP"),
        ("Rescuers search the rubble in Antakya on Tuesday. Reuters", "Reuters"),
        ("Rescuers search the rubble. AFP via Getty Images", "AFP via Getty Images"),
        ("Rescuers search the rubble. Corbis via Getty Images", "Corbis via Getty Images"),
        ("Rescuers search the rubble. Jane Roe/AP Photo", "Jane Roe/AP Photo"),
        ("Rescuers search the rubble. AP Photo/Jane Roe", "AP Photo/Jane Roe"),
        ("Rescuers search the rubble. REUTERS/Jane Roe", "REUTERS/Jane Roe"),
        ("Rescuers search the rubble. EPA", "EPA"),
        ("Rescuers search the rubble. Shutterstock", "Shutterstock"),
        ("Rescuers search the rubble. Bloomberg via Getty Images", "Bloomberg via Getty Images"),
        ("“We keep digging,” a volunteer said. Getty Images", "Getty Images"),
        ("Getty/Instagram.", "Getty/Instagram"),
    ],
)
def test_boilerplate_caption_credit_span(line: str, credit: str) -> None:
    text = f"Quake survivors wait for news of relatives\n\n{line}\n\nBody text, officials said.\n"
    assert _marked(text) == [("caption", line, credit)]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("ADVERTISEMENT", "advertisement"),
        ("Sponsored", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("Test your skills with this Quiz!", "promo"),
        ("Sign up for our newsletter", "promo"),
        ("Click here to get the morning briefing", "promo"),
        ("Read more: What the new rules mean for renters", "promo"),
        ("Subscribe to our podcast", "promo"),
        (
            "OPINION: This article may contain commentary which reflects the author's opinion.",
            "opinion-label",
        ),
        ("With Post wires", "credit"),
        ("With wire services", "credit"),
        ("Additional reporting by Sam Lee in Geneva", "credit"),
        ("— Reuters contributed to this report", "credit"),
        ("The Associated Press contributed to this report.", "credit"),
        ("(Reporting by Sam Lee; Editing by Ann Ray)", "credit"),
    ],
)
def test_boilerplate_line_kinds(line: str, kind: str) -> None:
    text = f"Harbour council backs new sea wall plan\n\nThe council said yes.\n\n  {line}  \n"
    assert _marked(text) == [(kind, line, None)]


def test_boilerplate_section_label_before_headline() -> None:
    text = "Politics\n\nSenate passes budget after all-night session\n\nThe Senate voted 51-49.\n"
    assert _marked(text) == [("section-label", "Politics", None)]


def test_boilerplate_unlisted_label_needs_a_headline_after_it() -> None:
    text = "Climate Desk\n\nCoastal towns brace for a wetter winter\n\nForecasters said so.\n"
    assert _marked(text) == [("section-label", "Climate Desk", None)]


def test_boilerplate_section_label_after_leading_ad() -> None:
    text = "Advertisement\n\nUS News\n\nMayor pledges to fix potholes by spring\n\nBody.\n"
    assert _marked(text) == [
        ("advertisement", "Advertisement", None),
        ("section-label", "US News", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # A short Title-case headline followed by body text is the headline.
        "Putin Meets Xi\n\nThe two leaders met in Beijing on Friday, state media said.\n",
        # A long headline is never a label.
        "Russian Elites Planning To Oust Putin, Officials Allege\n\nBody text here.\n",
        # Only the top line can be a label.
        "Floods hit the valley again this week\n\nWorld\n\nMore rain is expected.\n",
        # A one-word first line that ends a sentence is text.
        "Yes.\n\nThat was all the minister said on the matter.\n",
    ],
)
def test_boilerplate_headline_is_not_a_label(text: str) -> None:
    assert _marked(text) == []


NORMAL_PARAGRAPHS = [
    "The figures were first reported by the AP.",
    "Officials told Reuters that the talks had stalled, and a second source told AFP the same.",
    "“We will not leave,” she told The Associated Press. Reuters could not verify the claim.",
    "The ministry said the strikes hit a depot, according to Bloomberg",
    "A spokesperson declined to comment to Getty Images, which licensed the photo.",
    "Subscribers to the service said the price rise came without warning.",
    "Sponsored by the senator, the bill passed the chamber on Tuesday.",
    "Advertisements for the event appeared in three papers, the organisers said.",
    "Readers said they wanted more local news, the editor wrote.",
    "Opinion polls show the race is tight, with both candidates near 45 percent.",
    "Writing by hand is slower, the teacher said, but pupils remember more.",
    "The EPA said the rules would take effect in March.",
    "Shares fell after the report, Bloomberg said. Analysts had expected a smaller drop.",
    "Photo albums and letters were found in the attic, police said.",
    "Click, the company’s new app, was launched on Monday, its chief executive said.",
]


@pytest.mark.parametrize("paragraph", NORMAL_PARAGRAPHS)
def test_boilerplate_no_false_positive_on_body_text(paragraph: str) -> None:
    text = f"Ministers meet again as deadline nears\n\n{paragraph}\n\nMore text followed.\n"
    assert _marked(text) == []


def test_boilerplate_marks_and_never_cuts() -> None:
    text = "Advertisement\r\n\r\nThe council said yes.\r\n\u00a0With wire services\u00a0\r\n"
    doc = Document(doc_id="t", text=text, meta={"x": 1})
    out = mark_boilerplate(doc)
    assert out.text == text
    assert out.meta == {"x": 1}
    assert [text[s:e] for s, e in (b.span for b in out.boilerplate)] == [
        "Advertisement",
        "With wire services",
    ]


def test_boilerplate_replaces_previous_marks() -> None:
    text = "Advertisement\n\nThe council said yes.\n"
    stale = Document(
        doc_id="t", text=text, boilerplate=(Boilerplate(span=(15, 18), kind="promo"),)
    )
    assert mark_boilerplate(stale).boilerplate == (Boilerplate(span=(0, 13), kind="advertisement"),)


def test_boilerplate_in_boilerplate_finds_the_overlapping_entry() -> None:
    text = "Advertisement\n\nMen march in Rome. The mayor said hello. AP\n\nBody text, he said.\n"
    doc = mark_boilerplate(Document(doc_id="t", text=text))
    caption = doc.boilerplate[1]
    assert caption.kind == "caption"
    said = text.index("said hello")
    assert in_boilerplate(doc, (said, said + 4)) == caption
    assert in_boilerplate(doc, (said, said)) == caption  # zero-width
    body = text.index("he said")
    assert in_boilerplate(doc, (body, body + 7)) is None
    assert in_boilerplate(doc, (0, len(text))) == caption  # the largest overlap wins
    assert in_boilerplate(Document(doc_id="t", text=text), (0, 5)) is None


_LINES = st.sampled_from(
    [
        "Advertisement",
        "US News",
        "World",
        "Men march in Rome. Corbis via Getty Images",
        "Soldiers stand in a line. AP",
        "Getty/Instagram.",
        "Test your skills with this Quiz!",
        "OPINION: This article may contain commentary.",
        "With Post wires",
        "The minister said the talks would go on.",
        "Reuters",
        " . AP",
        "",
    ]
)
_PIECES = st.lists(
    st.one_of(_LINES, st.text(max_size=40)),
    max_size=12,
)
_SEPARATORS = st.sampled_from(["\n", "\n\n", "\r\n", " \n", "\u2028", "\t"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=_PIECES, sep=_SEPARATORS)
def test_boilerplate_spans_lie_within_unchanged_text(pieces: list[str], sep: str) -> None:
    text = sep.join(pieces)
    doc = mark_boilerplate(Document(doc_id="h", text=text))
    assert doc.text == text
    doc.check_spans()
    previous_end = -1
    for b in doc.boilerplate:
        start, end = b.span
        assert 0 <= start < end <= len(text)
        assert start > previous_end  # sorted, disjoint
        previous_end = end
        piece = text[start:end]
        assert piece == piece.strip()
        assert "\n" not in piece
        assert b.kind in boilerplate.BOILERPLATE_KINDS
        if b.credit_span is not None:
            c_start, c_end = b.credit_span
            assert start <= c_start < c_end <= end
            assert b.kind == "caption"
