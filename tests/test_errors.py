import pytest

from course_utils.errors import CourseError, UnknownWordError, require_text, require_texts, unknown_word


def test_unknown_word_suggests_close_spellings():
    err = unknown_word("embeding", ["embedding", "wedding", "cat"])
    assert isinstance(err, KeyError) and isinstance(err, CourseError)
    assert "embedding" in str(err) and "cat" not in str(err)


def test_unknown_word_points_to_lower_case():
    err = unknown_word("Paris", ["paris", "london"])
    assert "try 'paris'" in str(err)


def test_unknown_word_without_suggestions_still_explains():
    assert str(unknown_word("zzzz", ["cat"])) == "'zzzz' is not in the vocabulary."


@pytest.mark.parametrize("bad, fragment", [("", "empty"), ("   ", "empty"), (42, "must be a string"), (None, "must be a string")])
def test_require_text_rejects(bad, fragment):
    with pytest.raises(CourseError, match=fragment):
        require_text(bad)


def test_require_texts_rejects_a_bare_string_and_empty_lists():
    with pytest.raises(CourseError, match="wrap it"):
        require_texts("one document")
    with pytest.raises(CourseError, match="empty"):
        require_texts([])
    with pytest.raises(CourseError, match=r"texts\[1\] is empty"):
        require_texts(["fine", ""])
    assert require_texts(("a b", "c")) == ["a b", "c"]


def test_unknown_word_error_message_is_not_quoted_by_keyerror():
    assert str(UnknownWordError("plain message")) == "plain message"
