"""HTML report: every character of the text exactly once, escaped, highlighted, self-contained."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcetrace import files, report
from sourcetrace.model import Attribution, Boilerplate, Document, Entity
from sourcetrace.report import render_html, write_html

from .conftest import seed_gold_records

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
XSS_ATTR = "\" onmouseover=\"alert(1)\" x='"


class _PageParser(HTMLParser):
    """Checks tag nesting and collects the text inside each ``div.article``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.articles: list[str] = []
        self.pieces: list[dict[str, str]] = []
        self.attr_names: set[str] = set()
        self._article_depth: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attr_names.update(k for k, _ in attrs)
        if tag in VOID:
            return
        self.stack.append(tag)
        values = {k: v or "" for k, v in attrs}
        if tag == "div" and "article" in values.get("class", "").split():
            self._article_depth = len(self.stack)
            self.articles.append("")
        elif self._article_depth is not None:
            self.pieces.append({"tag": tag, **values})

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        if self._article_depth == len(self.stack):
            self._article_depth = None
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._article_depth is not None:
            self.articles[-1] += data


def _parse(page: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def _span(text: str, part: str) -> tuple[int, int]:
    """Offsets of the first occurrence of ``part`` (spans are found, never typed)."""
    start = text.index(part)
    return (start, start + len(part))


def _nested_doc() -> Document:
    """Overlapping roles: the inner attribution's source and cue sit inside the outer content."""
    t = (
        "WORLD\nThe Journal reported that Interfax said that Mizintsev said "
        "\u201cthe city must surrender.\u201d\nPhoto: Reuters\n"
    )
    quote = "\u201cthe city must surrender.\u201d"
    return Document(
        doc_id="d1",
        text=t,
        meta={"title": "Relay & test", "outlet": "Example Post", "published": "2022-11-08"},
        boilerplate=(
            Boilerplate((0, 5), "section-label"),
            Boilerplate(_span(t, "Photo: Reuters"), "caption", credit_span=_span(t, "Reuters")),
        ),
        attributions=(
            Attribution(
                "a1", (_span(t, "The Journal"),), (_span(t, "reported"),),
                (_span(t, "that Interfax said that Mizintsev said " + quote),),
                kind="according_to", speaker="e1", certainty="reported",
            ),
            Attribution(
                "a2", (_span(t, "Interfax"),), ((t.index("said"), t.index("said") + 4),),
                (_span(t, "that Mizintsev said " + quote),),
                kind="according_to", parent="a1", speaker="e2",
            ),
            Attribution(
                "a3", (_span(t, "Mizintsev"),), ((t.rindex("said"), t.rindex("said") + 4),),
                (_span(t, quote),), kind="direct", parent="a2", speaker="e3",
            ),
        ),
        entities=(
            Entity("e1", "The Wall Street Journal", "outlet", (_span(t, "The Journal"),)),
            Entity("e2", "Interfax", "outlet", (_span(t, "Interfax"),)),
            Entity("e3", "Mikhail Mizintsev", "person", (_span(t, "Mizintsev"), (0, 0))),
        ),
    )


def _hostile_doc() -> Document:
    """Markup-bearing text in every untrusted place: text, meta, ids, names, kinds."""
    t = f"Intro {XSS_SCRIPT} said {XSS_IMG} & {XSS_ATTR} 'done'."
    evil = XSS_SCRIPT + XSS_IMG + XSS_ATTR
    return Document(
        doc_id=evil,
        text=t,
        meta={"title": evil, "outlet": evil, "published": evil, "genre": evil},
        boilerplate=(Boilerplate((0, 5), evil),),
        attributions=(
            Attribution(
                evil, (_span(t, XSS_SCRIPT),), (_span(t, "said"),), (_span(t, XSS_IMG),),
                kind=evil, certainty=evil, speaker="e1", parent=evil,
                extra={"confidence": evil},
            ),
        ),
        entities=(Entity("e1", evil, evil, (_span(t, XSS_SCRIPT),)),),
    )


def _seed_docs() -> list[Document]:
    return seed_gold_records()


def test_report_all_lists_public_names() -> None:
    assert set(report.__all__) == {"render_html", "write_html"}
    for name in report.__all__:
        assert callable(getattr(report, name))


def test_report_article_text_is_kept_exactly() -> None:
    doc = _nested_doc()
    parsed = _parse(render_html([doc]))
    assert parsed.articles == [doc.text]


def test_report_overlapping_spans_get_every_class() -> None:
    parsed = _parse(render_html([_nested_doc()]))
    marks = [p for p in parsed.pieces if p["tag"] == "mark"]
    # "Interfax" is a2's source inside a1's content.
    interfax = [m for m in marks if m.get("data-src") == "a2"]
    assert len(interfax) == 1
    assert interfax[0]["class"].split() == ["cnt", "src"]
    assert interfax[0]["data-cnt"] == "a1"
    # The quote is content of all three levels.
    quote = [m for m in marks if m.get("data-cnt") == "a1 a2 a3"]
    assert len(quote) == 1
    assert quote[0]["data-attr"] == "a1 a2 a3"
    # The outer source is not inside any content.
    journal = [m for m in marks if m.get("data-src") == "a1"]
    assert journal[0]["class"] == "src"


def test_report_boilerplate_is_labelled_with_kind() -> None:
    parsed = _parse(render_html([_nested_doc()]))
    spans = [p for p in parsed.pieces if "bp" in p.get("class", "").split()]
    kinds = {p["data-bp"] for p in spans}
    assert kinds == {"section-label", "caption"}
    starts = [p for p in spans if "bp-start" in p["class"].split()]
    assert [p["data-bp"] for p in starts] == ["section-label", "caption"]
    assert any("credit" in p["class"].split() for p in spans)


def test_report_has_tables_chains_entities_and_meta() -> None:
    page = render_html([_nested_doc()], title="My report")
    assert "<title>My report</title>" in page
    assert "The Wall Street Journal › Interfax › Mikhail Mizintsev" in page
    assert "Relay &amp; test" in page
    assert "Example Post" in page
    assert "2022-11-08" in page
    assert '<tr data-attr="a3">' in page
    assert "<td>Mikhail Mizintsev</td><td>person</td><td>2</td>" in page
    for label in ("source", "cue", "content", "boilerplate"):
        assert f">{label}</span>" in page


def test_report_escapes_untrusted_values() -> None:
    page = render_html([_hostile_doc()], title=XSS_SCRIPT)
    assert "<script>alert" not in page
    assert "<img" not in page
    assert "onerror=alert(1)>" not in page
    assert page.count("<script>") == 1  # the page's own script only
    parsed = _parse(page)
    assert parsed.articles == [_hostile_doc().text]
    for piece in parsed.pieces:
        assert piece["tag"] in {"mark", "span"}
    assert not [name for name in parsed.attr_names if name.startswith("on")]


def test_report_is_self_contained() -> None:
    page = render_html([_nested_doc()])
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page
    assert "url(" not in page
    assert "<link" not in page


def test_report_csp_allows_only_own_inline_blocks() -> None:
    page = render_html([_nested_doc()])
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S)
        assert body is not None
        digest = base64.b64encode(hashlib.sha256(body[1].encode()).digest()).decode()
        assert f"{directive} &#x27;sha256-{digest}&#x27;" in page
    assert "default-src &#x27;none&#x27;" in page


def test_report_bad_spans_are_clamped_not_fatal() -> None:
    text = "Short text."
    doc = Document(
        doc_id="d",
        text=text,
        attributions=(Attribution("a1", ((5, 2),), ((6, 99),), ((-3, 5),)),),
        boilerplate=(Boilerplate((50, 60), "advertisement"),),
    )
    parsed = _parse(render_html([doc]))
    assert parsed.articles == [text]


def test_report_empty_inputs() -> None:
    assert "No documents." in render_html([])
    parsed = _parse(render_html([Document(doc_id="e", text="")]))
    assert parsed.articles == [""]


def test_report_multiple_docs_get_toc_and_sections() -> None:
    docs = [_nested_doc(), _hostile_doc()]
    page = render_html(docs)
    assert '<a href="#doc-1">d1</a>' in page
    assert 'id="doc-2"' in page
    assert _parse(page).articles == [doc.text for doc in docs]


def test_report_write_html_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    write_html([_nested_doc()], target, title="T")
    page = target.read_text(encoding="utf-8")
    assert page == render_html([_nested_doc()], title="T")
    assert os.listdir(tmp_path) == ["report.html"]


def test_report_write_html_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")

    def fail(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_html([_nested_doc()], target)
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["report.html"]


def test_report_seed_records_render_with_text_intact() -> None:
    docs = _seed_docs()
    assert len(docs) == 2
    page = render_html(docs)
    parsed = _parse(page)
    assert parsed.articles == [doc.text for doc in docs]
    for doc in docs:
        for attr in doc.attributions:
            assert f'<tr data-attr="{attr.id}">' in page
    assert "The Wall Street Journal › Interfax › Mikhail Mizintsev" in page
    marked = {p["data-attr"] for p in parsed.pieces if "data-attr" in p}
    assert "a33" in " ".join(marked)


@given(
    text=st.text(alphabet=st.sampled_from("ab <>&\"'\n\u2019é"), max_size=40),
    bounds=st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45)), max_size=8),
)
@settings(max_examples=60, deadline=None)
def test_report_any_spans_keep_text_and_nesting(text: str, bounds: list[tuple[int, int]]) -> None:
    roles = [bounds[i::3] for i in range(3)]
    doc = Document(
        doc_id="h",
        text=text,
        attributions=(Attribution("a1", tuple(roles[0]), tuple(roles[1]), tuple(roles[2])),),
        boilerplate=tuple(Boilerplate(span, "ad") for span in bounds[:2]),
    )
    assert _parse(render_html([doc])).articles == [text]
