"""course_utils.text.tokenize: the course's regex tokeniser (notebooks/01_one_hot.ipynb)."""

import pytest

from course_utils.errors import CourseError
from course_utils.text import TOKEN_PATTERN, tokenize


def test_lowercases_and_drops_punctuation():
    assert tokenize("The Cat sat, on THE mat!") == ["the", "cat", "sat", "on", "the", "mat"]


def test_keeps_in_word_apostrophes_and_numbers():
    assert tokenize("Don't stop: Einstein's 1905 papers") == ["don't", "stop", "einstein's", "1905", "papers"]


def test_documented_failures_of_the_regex():
    # what notebook 01 shows the learner: abbreviations, symbols, hyphens, decimals, accents
    assert tokenize("U.S. forces") == ["u", "s", "forces"]
    assert tokenize("C++ and Fortran") == ["c", "and", "fortran"]
    assert tokenize("self-governed") == ["self", "governed"]
    assert tokenize("21.7 million") == ["21", "7", "million"]



def test_agrees_with_sklearn_token_pattern_on_real_text():
    from sklearn.feature_extraction.text import CountVectorizer

    from course_utils.data import load_lee

    docs, _ = load_lee()
    analyzer = CountVectorizer(token_pattern=TOKEN_PATTERN.pattern, lowercase=True).build_analyzer()
    assert all(tokenize(d) == analyzer(d) for d in docs)


def test_letters_of_any_script_and_the_typographic_apostrophe():
    assert tokenize("café in Zürich") == ["café", "in", "zürich"]  # was ['caf', 'in', 'z', 'rich']
    assert tokenize("Henri Poincaré, Ångström") == ["henri", "poincaré", "ångström"]
    assert tokenize("Don’t stop") == ["don't", "stop"]
    assert tokenize("cafe\u0301") == ["café"]  # a combining accent is composed first
    assert tokenize("Москва и Київ") == ["москва", "и", "київ"]


def test_scripts_without_spaces_are_not_segmented_and_emoji_dropped():
    assert tokenize("我爱北京。你好") == ["我爱北京", "你好"]  # one token per run between punctuation
    assert tokenize("great 👍") == ["great"]


def test_text_without_words_gives_no_tokens():
    assert tokenize("!!! ... ???") == []


@pytest.mark.parametrize("bad, message", [("", "empty"), ("   ", "empty"), (None, "must be a string"),
                                          (["a list"], "must be a string")])
def test_bad_input_names_the_fix(bad, message):
    with pytest.raises(CourseError, match=message):
        tokenize(bad)
