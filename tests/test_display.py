"""Terminal table: rows, relay chains, and literal display of untrusted article text."""

from __future__ import annotations

import io

from rich.console import Console

from sourcetrace import display
from sourcetrace.display import attribution_chain, attribution_rows, render_table, table_text
from sourcetrace.model import Attribution, Document, Entity

from .conftest import seed_gold_records

TEXT = (
    "The Journal reported that Interfax said that Mizintsev said "
    "\u201cthe city must surrender.\u201d"
)


def _span(text: str, part: str) -> tuple[int, int]:
    """Offsets of the first occurrence of ``part`` (spans are found, never typed)."""
    start = text.index(part)
    return (start, start + len(part))


def _nested_doc() -> Document:
    """Three-level relay: Journal › Interfax › Mizintsev."""
    t = TEXT
    first_said = (t.index("said"), t.index("said") + 4)
    last_said = (t.rindex("said"), t.rindex("said") + 4)
    quote = "\u201cthe city must surrender.\u201d"
    return Document(
        doc_id="d1",
        text=t,
        meta={"title": "Relay test"},
        attributions=(
            Attribution(
                "a1", (_span(t, "The Journal"),), (_span(t, "reported"),),
                (_span(t, "that Interfax said that Mizintsev said " + quote),),
                kind="according_to", speaker="e1", certainty="reported",
            ),
            Attribution(
                "a2", (_span(t, "Interfax"),), (first_said,),
                (_span(t, "that Mizintsev said " + quote),),
                kind="according_to", parent="a1", speaker="e2",
            ),
            Attribution(
                "a3", (_span(t, "Mizintsev"),), (last_said,), (_span(t, quote),),
                kind="direct", parent="a2", speaker="e3",
                extra={"negated": True, "in_caption": True},
            ),
        ),
        entities=(
            Entity("e1", "The Wall Street Journal", "outlet", (_span(t, "The Journal"),)),
            Entity("e2", "Interfax", "outlet", (_span(t, "Interfax"),)),
            Entity("e3", "Mikhail Mizintsev", "person", (_span(t, "Mizintsev"),)),
        ),
    )


def _seed_docs() -> list[Document]:
    return seed_gold_records()


def test_display_all_lists_public_names() -> None:
    for name in display.__all__:
        assert hasattr(display, name)
    assert {"attribution_rows", "render_table", "table_text"} <= set(display.__all__)


def test_display_rows_resolve_speaker_type_and_chain() -> None:
    rows = {row["id"]: row for row in attribution_rows(_nested_doc())}
    assert rows["a1"]["speaker"] == "The Wall Street Journal"
    assert rows["a1"]["type"] == "outlet"
    assert rows["a1"]["chain"] == ""
    assert rows["a3"]["chain"] == "The Wall Street Journal › Interfax › Mikhail Mizintsev"
    assert rows["a3"]["chain_ids"] == "a1 › a2 › a3"
    assert rows["a3"]["content"] == "\u201cthe city must surrender.\u201d"
    assert rows["a3"]["kind"] == "direct"
    assert rows["a1"]["certainty"] == "reported"


def test_display_flags_caption_and_negated() -> None:
    rows = {row["id"]: row for row in attribution_rows(_nested_doc())}
    assert rows["a3"]["flags"] == "caption, negated"
    assert rows["a1"]["flags"] == ""


def test_display_speaker_falls_back_to_source_text_then_dash() -> None:
    text = "Officials said it rained. It is believed it will rain."
    doc = Document(
        doc_id="d",
        text=text,
        attributions=(
            Attribution("a1", (_span(text, "Officials"),), (_span(text, "said"),),
                        (_span(text, "it rained"),), speaker="e404"),
            Attribution("a2", (), (_span(text, "is believed"),), (_span(text, "it will rain"),)),
        ),
    )
    rows = attribution_rows(doc)
    assert rows[0]["speaker"] == "Officials"
    assert rows[0]["type"] == ""
    assert rows[1]["speaker"] == "—"


def test_display_content_joins_pieces_and_shortens() -> None:
    text = "\u201cFirst part,\u201d he said, \u201csecond part.\u201d " + "word " * 60
    doc = Document(
        doc_id="d",
        text=text,
        attributions=(
            Attribution("a1", (_span(text, "he"),), (_span(text, "said"),),
                        (_span(text, "\u201cFirst part,\u201d"),
                         _span(text, "\u201csecond part.\u201d"))),
            Attribution("a2", (), (), ((0, len(text)),), kind="implicit"),
        ),
    )
    rows = attribution_rows(doc)
    assert rows[0]["content"] == "\u201cFirst part,\u201d … \u201csecond part.\u201d"
    assert len(rows[1]["content"]) <= 120
    assert rows[1]["content"].endswith("…")
    assert attribution_rows(doc, content_limit=None)[1]["content"].endswith("word")


def test_display_chain_survives_cycles_and_unknown_parents() -> None:
    text = "A said B said C."
    doc = Document(
        doc_id="d",
        text=text,
        attributions=(
            Attribution("a1", ((0, 1),), ((2, 6),), ((7, 15),), parent="a2"),
            Attribution("a2", ((7, 8),), ((9, 13),), ((14, 15),), parent="a1"),
            Attribution("a3", ((0, 1),), ((2, 6),), ((7, 15),), parent="missing"),
        ),
    )
    assert [a.id for a in attribution_chain(doc, doc.attributions[0])] == ["a2", "a1"]
    rows = attribution_rows(doc)
    assert rows[2]["chain"] == ""


def test_display_table_text_shows_markup_literally() -> None:
    text = "[red]x[/red] and [bold]y[/bold], said [link=http://e.x]Bob[/link]."
    doc = Document(
        doc_id="[bold]doc[/bold]",
        text=text,
        meta={"title": "[blink]title[/blink]"},
        attributions=(
            Attribution("a1", (_span(text, "[link=http://e.x]Bob[/link]"),), (_span(text, "said"),),
                        (_span(text, "[red]x[/red] and [bold]y[/bold]"),)),
        ),
    )
    out = table_text([doc], width=200)
    assert "[red]x[/red]" in out
    assert "[bold]y[/bold]" in out
    assert "[link=http://e.x]Bob[/link]" in out
    assert "[bold]doc[/bold]" in out
    assert "[blink]title[/blink]" in out


def test_display_strips_terminal_control_codes() -> None:
    text = "Evil\x1b]0;pwned\x07 said \x1b[31mred\x1b[0m."
    doc = Document(
        doc_id="d\x1b[2J",
        text=text,
        attributions=(
            Attribution("a1", ((0, 16),), (_span(text, "said"),), ((22, len(text) - 1),)),
        ),
    )
    out = table_text([doc])
    assert "\x1b" not in out
    assert "\x07" not in out
    # a right-to-left override would make the cell read backwards from there on
    assert "\u202e" not in table_text([Document(doc_id="d\u202etxt.exe", text="x")])


def test_display_render_table_prints_to_given_console() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, color_system=None)
    render_table([_nested_doc()], console=console)
    out = buffer.getvalue()
    assert "d1 — Relay test" in out
    for column in ("speaker", "type", "kind", "certainty", "chain", "content"):
        assert column in out
    assert "Mikhail Mizintsev" in out


def test_display_empty_document_renders() -> None:
    out = table_text([Document(doc_id="empty", text="")])
    assert "empty" in out
    assert "no attributions" in out


def test_display_table_text_respects_width() -> None:
    out = table_text([_nested_doc()], width=80)
    assert max(len(line) for line in out.splitlines()) <= 80


def test_display_seed_chains() -> None:
    docs = {doc.doc_id: doc for doc in _seed_docs()}
    rows = {row["id"]: row for row in attribution_rows(docs["002_99a90cb113443b29"])}
    assert rows["a33"]["chain"] == "The Wall Street Journal › Interfax › Mikhail Mizintsev"
    assert rows["a33"]["chain_ids"] == "a31 › a32 › a33"
    out = table_text(docs.values())
    assert "000_8d379f5856399cd0" in out
    assert "002_99a90cb113443b29" in out
    for doc in docs.values():
        assert len(attribution_rows(doc)) == len(doc.attributions)
