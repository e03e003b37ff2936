"""The clickbait recipe's recasing of headlines (training/letter_case.py)."""
from __future__ import annotations

from training.letter_case import is_title_case, other_case, sentence_case, title_case


def test_headlines_change_case_and_keep_their_length():
    title = "Here's What the FBI Found in a Desk Bought for $150"
    assert is_title_case(title)
    assert other_case(title) == sentence_case(title) == "Here's what the FBI found in a desk bought for $150"
    plain = "Parliament passes budget after three days of debate"
    assert not is_title_case(plain)
    assert other_case(plain) == "Parliament Passes Budget After Three Days of Debate"
    assert other_case(other_case(plain)) == plain
    # A letter whose capital is two letters is left alone: offsets into the headline stay valid.
    odd = "straße closes as ﬂood warnings spread"
    assert len(title_case(odd)) == len(odd) and title_case(odd).startswith("Straße Closes")
