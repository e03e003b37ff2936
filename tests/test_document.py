from unspin.document import Document, content_hash
from unspin.ingest import parse_text
from unspin.segment import split_sentences


def test_canonical_text_is_title_blank_line_body():
    doc = Document(title="Headline", body="First line.\nSecond line.")
    assert doc.text == "Headline\n\nFirst line.\nSecond line."
    assert doc.body_start == len("Headline\n\n")
    assert doc.text[doc.body_start:] == doc.body


def test_doc_id_is_a_hash_of_the_canonical_text():
    a = Document(title="T", body="same body")
    b = Document(title="T", body="same body", url="https://other.example")
    c = Document(title="T", body="other body")
    assert a.doc_id == b.doc_id == content_hash("T\n\nsame body")
    assert a.doc_id != c.doc_id
    assert a.id == a.doc_id  # no id given: the hash is the id


def test_offsets_are_code_points_not_bytes():
    doc = parse_text("Café “naïve” 😀 headline\n\nZoë said “hello”.")
    sentences = split_sentences(doc)
    body_sentence = sentences[1]
    assert doc.text[body_sentence.start:body_sentence.end] == "Zoë said “hello”."
    assert body_sentence.start == len("Café “naïve” 😀 headline") + 2


def test_sentences_never_cross_a_line_break_and_title_is_its_own_sentence():
    doc = parse_text("A title\n\nA heading\nThe first sentence. The second one!\n\nLast one")
    texts = [doc.text[s.start:s.end] for s in split_sentences(doc)]
    assert texts == ["A title", "A heading", "The first sentence.", "The second one!", "Last one"]
    assert split_sentences(doc)[0].in_title


def test_an_opening_quotation_mark_belongs_to_the_sentence_it_opens():
    body = ('"We won," Trump added. "It was huge." He left. “Next,” she said. (It rained.) '
            'He said "no." Then he left.')
    doc = parse_text(f"Title\n\n{body}")
    texts = [doc.text[s.start:s.end] for s in split_sentences(doc)[1:]]
    assert texts == ['"We won," Trump added.', '"It was huge."', "He left.", "“Next,” she said.",
                     "(It rained.)", 'He said "no."', "Then he left."]


def test_the_sentencizer_vocabulary_stays_bounded_over_a_long_scan(monkeypatch):
    # spaCy keeps every string it has seen; unique tokens (numbers, names) must not grow it forever.
    from unspin import segment

    monkeypatch.setattr(segment, "MAX_LEXEMES", 2_000)
    words = iter(range(10**9))
    for _ in range(30):  # 30 articles of 200 never-seen words
        body = " ".join(f"w{next(words)}." for _ in range(200)) + "\nEnd. Of text."
        sentences = split_sentences(parse_text(f"Title\n\n{body}"))
        assert len(sentences) == 1 + 200 + 2
        assert len(segment._nlp().vocab) <= 2_000 + 200 * 2  # at most one article past the cap


def test_a_rank_or_title_before_a_name_does_not_end_a_sentence():
    doc = parse_text("Title\n\nFerguson Police Lt. Col. Al Eickhoff told the paper. Det. Sgt. Ann Lee agreed. "
                     'Asked again, he said: "No." Then he left.')
    texts = [doc.text[s.start:s.end] for s in split_sentences(doc)[1:]]
    assert texts == ["Ferguson Police Lt. Col. Al Eickhoff told the paper.", "Det. Sgt. Ann Lee agreed.",
                     'Asked again, he said: "No."', "Then he left."]


def test_the_python_api_says_what_it_takes():
    """Validation at the edges, scikit-learn style: a wrong type is a TypeError naming what was
    given, not an AttributeError from deep inside."""
    import pytest

    import unspin
    from unspin import Document, Pipeline

    for wrong in (None, 123, ["a", "b"]):
        with pytest.raises(TypeError, match=f"takes the article as text .*not {type(wrong).__name__}"):
            unspin.analyze(wrong, analyzers=["engagement"])
    with pytest.raises(TypeError, match="Document.title must be text"):
        Document(title=5, body="b")
    with pytest.raises(TypeError, match="Document.url must be text .* or None, not int"):
        Document(title="t", body="b", url=5)
    with pytest.raises(TypeError, match="a Pipeline analyses Document objects, not str"):
        Pipeline(["engagement"])("Title\n\nShare this!")
    # bytes are read as the CLI reads a file: the encoding is detected, binary data refused.
    text = "Título\n\nShare this with your friends if you agree with the café owner."
    assert unspin.analyze(text.encode("cp1252"), analyzers=["engagement"]).document.title == "Título"
    with pytest.raises(unspin.InputError, match="binary file"):
        unspin.analyze(b"\x00\x01\x02\x03binary\x00", analyzers=["engagement"])
