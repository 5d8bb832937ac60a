from __future__ import annotations

from sourcetrace.attribution.quotes import ALL_MARKS, CLOSING, DOUBLE_CLOSE, DOUBLE_MARKS, DOUBLE_OPEN, OPENING, layout


def test_quotes_nested_single_inside_double() -> None:
    text = "“‘Kyiv rejects it,’ the government said. It cited her,” the Journal reported."
    lay = layout(text)
    levels = sorted((q.level, text[q.start : q.end]) for q in lay.quotes)
    assert levels[0] == (0, "“‘Kyiv rejects it,’ the government said. It cited her,”")
    assert levels[1] == (1, "‘Kyiv rejects it,’")


def test_quotes_apostrophes_are_not_quote_marks() -> None:
    text = "Russia’s demand wasn’t met, ‘she said’ twice."
    lay = layout(text)
    assert [text[q.start : q.end] for q in lay.quotes] == ["‘she said’"]


def test_quotes_unclosed_quote_runs_to_paragraph_end() -> None:
    text = "“First paragraph of a long quote.\n\n“Second part,” she said."
    lay = layout(text)
    first = lay.quotes_in_para(0)[0]
    assert not first.closed and text[first.start : first.end] == "“First paragraph of a long quote."
    assert lay.quotes_in_para(1)[0].closed


def test_quotes_straight_quotes_pair_within_a_paragraph() -> None:
    text = '"One," he said. "Two."'
    lay = layout(text)
    assert [text[q.start : q.end] for q in lay.quotes] == ['"One,"', '"Two."']
    assert lay.para_of(len(text) - 1) == 0


def test_quotes_two_apostrophes_are_a_double_quote_mark() -> None:
    text = "''One,'' he said, ''and two.'' It's Bo's."
    lay = layout(text)
    assert [(q.level, text[q.start : q.end]) for q in lay.quotes] == [(0, "''One,''"), (0, "''and two.''")]


def test_quotes_mixed_straight_and_curly_marks_pair() -> None:
    # scraped text often opens with one kind of mark and closes with the other
    text = '"The ferry is late,” she said. “It always is," he said. "Always."'
    lay = layout(text)
    assert [(q.closed, text[q.start : q.end]) for q in lay.quotes] == [
        (True, '"The ferry is late,”'), (True, '“It always is,"'), (True, '"Always."')]


def test_mark_sets_agree() -> None:
    # every attribution module reads its marks from here: the sets must nest as named
    assert set(DOUBLE_OPEN) <= set(OPENING) and set(DOUBLE_CLOSE) <= set(CLOSING)
    assert set(DOUBLE_MARKS) == set(DOUBLE_OPEN + DOUBLE_CLOSE + '"')
    assert set(ALL_MARKS) == set(OPENING + CLOSING)
    assert not set(DOUBLE_OPEN) & set(DOUBLE_CLOSE)


def test_low_opening_mark_opens_a_quotation_closed_the_german_way() -> None:
    text = "Der Minister sagte: „Wir bleiben.“ Dann ging er. Sie sagte: „Nein.” Ende."
    quotes = layout(text).quotes
    assert [text[q.start : q.end] for q in quotes] == ["„Wir bleiben.“", "„Nein.”"]
