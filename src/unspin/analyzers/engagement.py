"""Engagement bait: calls to share, like, comment, subscribe, sign, donate, reader polls, and
share-widget text left behind by extraction."""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..analysis import Analysis
from .base import Analyzer, register
from .rules import Hit, drop_overlaps, find_hits, rule

# The rest of the call, up to its end punctuation or to a second call joined by "and".
_TAIL = (r"(?:(?!\s+and\s+(?:let|tell|leave|comment|subscribe|follow|like|sign|donate|share|vote)\b)"
         r"[^.!?\n”]){0,60}[.!?]*")
_NETWORKS = r"(?:facebook|twitter|x|instagram|tiktok|youtube|whatsapp|linkedin|reddit|pinterest|telegram|gab|truth\s+social)"

# A call is an imperative: not after "to", a modal, "not" or a subject ("pledged to donate $1
# million", "would not make a contribution", "they would then share it with each other").
_NOT_A_CALL = "".join(rf"(?<!\b{w}\s)" for w in ("to", "not", "would", "will", "could", "can", "should", "must",
                                                   "then", "they", "we", "i", "so", "you"))


def _call(first: str) -> str:
    """Where a call starting with ``first`` may begin: the word is looked for before the (costly)
    look-behinds, which would otherwise run at every character of the article."""
    return rf"\b(?={first})" + _NOT_A_CALL
_SHAREABLE = (r"(?:article|story|stories|post|video|news|message|page|link|photos?|images?|pictures?|memes?|"
              r"info(?:rmation)?|report|clip|footage|petition|warning|alert)\b")

_SHARE = ("Asks readers to share or spread the story: engagement bait that trades on reach, "
          "not information.")
_LIKE = "Asks readers to like or follow: a call to action for engagement, not information."
_COMMENT = "Invites readers to react in the comments: engagement bait that rewards reaction."
_SUBSCRIBE = "Asks readers to subscribe or sign up: a call to action, not part of the reporting."
_PETITION = "Asks readers to sign a petition: a call to political action inside the article."
_DONATE = "Asks readers for money: a fundraising call inside the article."
_POLL = ("Asks the reader a yes/no opinion question (a reader poll): it invites a reaction "
         "instead of informing.")
_WIDGET = "Leftover share-button text from the page; a sign of a social-media-driven page layout."

# Words one of which must occur before a family of rules is tried (a cheap pre-filter).
_T_SHARE = ("share", "spread", "pass", "retweet", "repost", "forward", "viral")
_T_LIKE = ("like", "follow")
_T_COMMENT = ("comment", "let us know", "tell us", "sound off", "thoughts", "opinion", "views", "what do you think")
_T_SUBSCRIBE = ("subscribe", "sign up", "follow", "join", "bell", "notification")
_T_PETITION = ("petition", "your name")
_T_DONATE = ("donat", "chip in", "give", "contribution", "support", "patron", "member")
_T_POLL = ("poll", "survey", "quiz", "vote", "yes or no", "agree or disagree")

RULES = [
    # "Share this" as a call: what is shared is the piece itself ("share this!", "share this alarming
    # story", "share it with"), not "Americans share this goal"; never after "to" ("pledged to share").
    rule("share", _call(r"(?:please\s+)?(?:re)?share") + r"(?:please\s+)?(?:re)?share\s+(?:(?:this|it)(?=\s*[.!]|\s+(?:with|on|now|today|"
         r"everywhere|if|so|before|to)\b|\s+(?:\w+\s+)?" + _SHAREABLE + r")|if\s+you\s+(?:agree|care|support)"
         r"|the\s+(?:article|story|post|video|news)|with\s+(?:all\s+)?(?:your\s+)?(?:friends|family|everyone))\b"
         + _TAIL, 0.9, _SHARE, triggers=_T_SHARE),
    # "Spread the word" is a call where a sentence starts it or "please", "help (us)" or "and" lead
    # in; "his campaign mistakenly spread the word that ..." reports a past act.
    rule("share", r"\b(?=spread)(?:(?<![^\s\"“(])(?<![\w,;:]\s)|(?<=\bplease\s)|(?<=\bhelp\s)|(?<=\bus\s)|"
         r"(?<=\band\s))spread\s+the\s+word\b" + _TAIL, 0.85, _SHARE, triggers=_T_SHARE),
    rule("share", _call("pass") + r"pass\s+(?:it|this)\s+on\b[.!?]*", 0.8, _SHARE, triggers=_T_SHARE),
    rule("share", r"\bplease\s+(?:retweet|repost|forward)\b" + _TAIL, 0.9, _SHARE, triggers=_T_SHARE),
    rule("share", r"\bmake\s+(?:this|it)\s+go\s+viral\b" + _TAIL, 0.9, _SHARE, triggers=_T_SHARE),
    rule("like", r"\b(?:like|follow)\s+(?:us|our\s+page)\s+on\s+" + _NETWORKS + r"\b" + _TAIL, 0.9, _LIKE, triggers=_T_LIKE),
    rule("like", r"\b(?:hit|smash|tap|click)\s+(?:the|that)\s+like(?:\s+button)?\b" + _TAIL, 0.9, _LIKE, triggers=_T_LIKE),
    rule("like", r"\bgive\s+(?:it|this|us)\s+a\s+like\b" + _TAIL, 0.9, _LIKE, triggers=_T_LIKE),
    rule("like", r"(?:^|(?<=[.!?]\s))like\s+(?:this\s+if|if\s+you)\b" + _TAIL, 0.85, _LIKE, triggers=_T_LIKE),
    rule("comment", r"\b(?:leave|post|drop|add)\s+(?:a|your)\s+comments?\b" + _TAIL, 0.85, _COMMENT, triggers=_T_COMMENT),
    rule("comment", r"\bcomment\s+below\b" + _TAIL, 0.9, _COMMENT, triggers=_T_COMMENT),
    rule("comment", r"\b(?:let\s+us\s+know|tell\s+us|sound\s+off)\b[^.!?\n]{0,40}\bin\s+the\s+comments?\b"
         + _TAIL, 0.9, _COMMENT, triggers=_T_COMMENT),
    rule("comment", r"\b(?:let\s+us\s+know|tell\s+us)\s+(?:what\s+you\s+think|your\s+(?:thoughts|opinions?|views))\b"
         + _TAIL, 0.85, _COMMENT, triggers=_T_COMMENT),
    rule("comment", r"\b(?:share|leave|post|drop)\s+your\s+(?:thoughts|opinions?|views)\b" + _TAIL, 0.85, _COMMENT,
         triggers=_T_COMMENT),
    rule("comment", r"\bwhat\s+do\s+you\s+think\s*\?+", 0.7, _COMMENT, triggers=_T_COMMENT),
    rule("comment", r"\bwhat\s+are\s+your\s+thoughts\s*\?+", 0.7, _COMMENT, triggers=_T_COMMENT),
    rule("subscribe", r"\b(?:subscribe|sign\s+up)\s+(?:to|for)\s+(?:our|the|my)\s+(?:free\s+|daily\s+|weekly\s+)?"
         r"(?:newsletters?|channel|podcast|updates|mailing\s+list|e-?mails?|alerts)\b" + _TAIL, 0.85, _SUBSCRIBE, triggers=_T_SUBSCRIBE),
    rule("subscribe", r"\bsubscribe\s+(?:now|today|here)\b" + _TAIL, 0.85, _SUBSCRIBE, triggers=_T_SUBSCRIBE),
    rule("subscribe", r"\bdon'?t\s+forget\s+to\s+(?:subscribe|follow)\b" + _TAIL, 0.9, _SUBSCRIBE, triggers=_T_SUBSCRIBE),
    rule("subscribe", r"\bfollow\s+us\s+on\s+" + _NETWORKS + r"\b" + _TAIL, 0.85, _SUBSCRIBE, triggers=_T_SUBSCRIBE),
    rule("subscribe", r"\bjoin\s+our\s+(?:mailing\s+list|newsletter|community|telegram|channel)\b" + _TAIL,
         0.85, _SUBSCRIBE, triggers=_T_SUBSCRIBE),
    rule("subscribe", r"\bhit\s+the\s+(?:bell|notification)\b" + _TAIL, 0.9, _SUBSCRIBE, triggers=_T_SUBSCRIBE),
    rule("petition", r"\bsign\s+(?:the|our|this|my)\s+petition\b" + _TAIL, 0.9, _PETITION, triggers=_T_PETITION),
    rule("petition", r"\badd\s+your\s+name\b" + _TAIL, 0.75, _PETITION, triggers=_T_PETITION),
    rule("donate", _call("donate|chip|give") + r"(?:donate|chip\s+in|give)\s+(?:now|today|\$\s?\d+)\b" + _TAIL, 0.85, _DONATE,
         triggers=_T_DONATE),  # not "pledged to donate $1 million"
    rule("donate", _call("make") + r"make\s+a\s+(?:donation|contribution)\b" + _TAIL, 0.8, _DONATE, triggers=_T_DONATE),
    rule("donate", _call("support") + r"support\s+(?:our|independent)\s+(?:journalism|work|reporting)\b" + _TAIL, 0.8,
         _DONATE, triggers=_T_DONATE),
    rule("donate", r"\bbecome\s+a\s+(?:patron|paying\s+member|supporter)\b" + _TAIL, 0.8, _DONATE, triggers=_T_DONATE),
    rule("poll", r"\b(?:take|vote\s+in|answer)\s+(?:our|this|the)\s+(?:poll|survey|quiz)\b" + _TAIL, 0.9, _POLL, triggers=_T_POLL),
    rule("poll", r"\bvote\s+(?:now|below|here)\b" + _TAIL, 0.85, _POLL, triggers=_T_POLL),
    rule("poll", r"\b(?:yes\s+or\s+no|agree\s+or\s+disagree)\s*\?+", 0.8, _POLL, triggers=_T_POLL),
]

# A question to the reader that asks for an opinion: "Do you support ...?", "Should X ...? Vote".
_POLL_QUESTION = re.compile(
    r"^(?:so,?\s+|now,?\s+|well,?\s+)?(?:do|would|will|did|are|can|could)\s+you\s+"
    r"(?:\w+\s+){0,2}?(?:support|agree|approve|think|believe|like|want|trust|back|oppose|stand|"
    r"side|accept|condemn|applaud|feel|care)\b[^?]*\?+", re.IGNORECASE)

_SPEAKER_LABEL = re.compile(r"(?:^|(?<=[.!?\]\"”]\s))([A-Z][A-Z'.-]+(?:\s[A-Z][A-Z'.-]+)?):\s", re.MULTILINE)

_WIDGET_WORD = (r"(?:share(?:\s+this(?:\s+(?:article|story|post))?)?|share\s+on\s+\w+|tweet(?:\s+this)?|"
                r"pin(?:\s+it)?|e-?mail|print|facebook|twitter|whatsapp|linkedin|reddit|pinterest|"
                r"messenger|telegram|copy\s+link|click\s+to\s+share\s+on\s+\w+(?:\s+\(opens\s+in\s+new\s+window\))?|"
                r"like\s+this|loading\.*|comments?)")
_WIDGET_LINE = re.compile(rf"^[ \t]*(?:{_WIDGET_WORD}[ \t]*[:|,•·/]?[ \t]*){{2,}}$|^[ \t]*(?:share|like)\s+this:\s*$",
                          re.IGNORECASE | re.MULTILINE)


@register
class EngagementAnalyzer(Analyzer):
    name = "engagement"
    # 1.2.0: "spread the word" only as a call (sentence start, "please", "help us", "and");
    # "leave your thoughts", "what are your thoughts?"
    version = "1.2.0"
    order = 20

    def analyze(self, batch: Sequence[Analysis]) -> None:
        for analysis in batch:
            hits = _outside_quotations(analysis, self._hits(analysis))
            for hit in drop_overlaps(hits):
                analysis.add_span(hit.start, hit.end, "engagement", hit.rule.label, hit.rule.score,
                                  hit.rule.explanation)

    def _hits(self, analysis: Analysis) -> list[Hit]:
        text = analysis.text
        start = analysis.document.body_start
        body = text[start:]
        hits = find_hits(RULES, body, start)
        for m in _WIDGET_LINE.finditer(body):
            hits.append(Hit(start + m.start(), start + len(m.group(0).rstrip()) + m.start(), _WIDGET_RULE))
        # In an interview transcript ("COLBERT: ... Do you think ...? CLINTON: ..."), a question
        # is put to the guest, not to the reader.
        transcript = len(set(_SPEAKER_LABEL.findall(body))) >= 2
        for i, sentence in enumerate(analysis.sentences):
            if sentence.in_title or transcript:
                continue
            m = _POLL_QUESTION.match(analysis.sentence_text(i))
            if m:
                hits.append(Hit(sentence.start + m.start(), sentence.start + m.end(), _POLL_RULE))
        return [h for h in hits if h.end > h.start]


def _outside_quotations(analysis: Analysis, hits: list[Hit]) -> list[Hit]:
    """Calls that the article reports someone making ('“Please retweet if you think this hate
    should be banned,” she wrote') are the speaker's, not the article's own: a hit inside a quotation
    closed by its mark is dropped when it starts inside it (one left open to the end of its paragraph may be a stray mark)."""
    if not hits:
        return hits
    from .quotations import find_quotations

    closed = [q for q in find_quotations(analysis) if q.closed]
    return [h for h in hits if not any(q.start < h.start < q.end for q in closed)]


_WIDGET_RULE = rule("share-widget", r"$^", 0.85, _WIDGET)
_POLL_RULE = rule("poll", r"$^", 0.8, _POLL)
