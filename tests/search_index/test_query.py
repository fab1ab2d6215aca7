"""How a query is read: words, phrases, exclusions and the word being typed."""

from search_index.query import parse


def test_a_trailing_exclusion_is_not_the_word_being_typed():
    assert parse("open data -santé").partial is None
    assert parse("open data").partial == "data"
    assert parse("open data ").partial is None
