"""Clickbait cues in the headline, each one a span with its explanation.

These cues are the evidence shown to the reader; the learned clickbait probability
(``scores.clickbait``) is added by the ``clickbait`` analyzer.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..analysis import Analysis
from .base import Analyzer, register
from .rules import Hit, drop_overlaps, find_hits, rule

_BAIT = "Bait marker: a label such as WATCH or SHOCKING that sells the click before the story."
_FORWARD = ("Forward reference: the headline points at information it withholds "
            "(\"this is why\", \"what happened next\"), so the reader must click to close the gap.")
_QUESTION = ("Question headline: asks instead of telling; often a claim the story cannot back "
             "(Betteridge's law).")
_SENSATIONAL = "Sensational wording: emotional or superlative words that inflate the story."
_LISTICLE = "Listicle number: a numbered list headline, a classic clickbait format."
_SHOUT = "Shouting capitals: words in capitals for emphasis, not acronyms."
_ADDRESS = "Direct address: speaks to \"you\", making the story about the reader to draw a click."
_EXCLAIM = "Exclamation: punctuation that signals excitement rather than information."

RULES = [
    rule("bait marker", r"^\s*(?:watch|video|breaking|shocking|just\s+in|must\s+(?:see|watch|read)|exclusive|"
         r"bombshell|look|photos?|pics|revealed|omg|wow|wtf|boom|busted|viral)\s*[:!|\-–—]", 0.75, _BAIT),
    rule("bait marker", r"[\[(]\s*(?:watch|video|photos?|pics|gallery|must\s+see|graphic)\s*[\])]", 0.75, _BAIT),
    rule("forward reference", r"\b(?:this\s+is\s+(?:why|what|how|the\s+reason|who)|here'?s\s+(?:why|what|how|who|the\s+\w+)|"
         r"here\s+(?:is|are)\s+(?:why|what|how|the\s+\w+)|the\s+reason\s+why|you\s+won'?t\s+believe|"
         r"what\s+happen(?:s|ed)\s+next|will\s+(?:blow\s+your\s+mind|make\s+you\s+\w+|change\s+your\s+life|"
         r"leave\s+you\s+\w+|restore\s+your\s+faith)|(?:one|simple|weird|little|crazy)\s+(?:trick|thing|secret)|"
         r"can\s+you\s+(?:guess|spot|tell)|guess\s+(?:what|who)|find\s+out\s+(?:what|who|why|how)|"
         r"(?:is|are)\s+(?:breaking|taking\s+over|going\s+viral)\s+the\s+internet|"
         r"what\s+(?:he|she|they|it)\s+(?:said|did|found)\s+next|the\s+answer\s+(?:will|may)\s+surprise)\b",
         0.7, _FORWARD),
    rule("sensational wording", r"\b(?:the\s+)?(?:best|worst|greatest|biggest|cutest|funniest|weirdest|"
         r"craziest|scariest|most\s+\w+)\s+(?:\w+\s+){0,4}?(?:ever|of\s+all\s+time|in\s+history)\b", 0.7, _SENSATIONAL),
    rule("sensational wording", r"\b(?:shocking|unbelievable|incredible|amazing|insane|jaw[-\s]?dropping|"
         r"mind[-\s]?blowing|epic|stunning|heartbreaking|heart[-\s]?warming|hilarious|adorable|awesome|"
         r"outrageous|terrifying|horrifying|must[-\s]see|can'?t\s+stop|literally|totally|"
         r"slams|destroys|obliterates|eviscerates|annihilates|rips|blasts|epic\s+fail|savage|"
         r"devastating|explosive|bombshell|disgusting|you\s+need\s+to\s+see)\b", 0.6, _SENSATIONAL),
    rule("listicle number", r"^\s*(?:the\s+)?\d{1,3}\s+(?:\w+\s+){0,3}?(?:things|reasons|ways|times|signs|facts|"
         r"photos|pictures|pics|tips|tricks|secrets|people|celebrities|moments|questions|books|movies|"
         r"songs|places|foods|products|habits|mistakes|lessons|quotes|memes|tweets|gifs|struggles|words|"
         r"kinds|types|stages|rules|steps|myths|of\s+the|that|which|who|you|we)\b", 0.75, _LISTICLE),
    rule("direct address", r"\byou(?:r|'re|’re|'ll|’ll|'ve|’ve|rself)?\b", 0.4, _ADDRESS),
    rule("exclamation", r"[!?]*![!?]*", 0.5, _EXCLAIM),
]

# A word in capitals ends on a capital: "MTV's" is "MTV", "DON'T" stays whole.
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’]*[A-Z]\b")
_MIN_CAPS_LETTERS = 4
# Capitalised words that are names, not shouting. A short list beats false alarms on news titles.
_ACRONYMS = {
    "NASA", "NATO", "FIFA", "UEFA", "AIDS", "COVID", "OPEC", "ISIS", "UNICEF", "UNESCO", "NAACP", "NCAA",
    "NASCAR", "NASDAQ", "FEMA", "DACA", "NAFTA", "USMCA", "ICE", "HIV", "CNN", "MSNBC", "BBC", "ESPN",
    "NBC", "ABC", "CBS", "FBI", "CIA", "NSA", "IRS", "EPA", "CDC", "WHO", "GOP", "USA", "NYPD", "LAPD",
    "LGBT", "LGBTQ", "SWAT", "BREXIT", "ASEAN", "SARS", "MERS", "DARPA", "NOAA", "IMF",
    "CEO", "CFO", "NFL", "NBA", "MLB", "NHL", "MLS", "UFC", "WWE", "HBO", "AT&T", "IKEA", "GIF", "JPEG",
    "USSR", "NHS", "MPS", "UKIP", "ANC", "PTSD", "ADHD", "DNA", "GDP", "OECD", "ACLU", "SCOTUS", "POTUS",
    "FLOTUS", "NRA", "PAC", "NPR", "PBS", "AP", "AFP", "AARP", "HUD", "USDA", "FDA", "DHS", "DOJ", "TSA",
}
_SHOUT_RULE = rule("shouting capitals", r"$^", 0.6, _SHOUT)


@register
class HeadlineAnalyzer(Analyzer):
    name = "headline"
    version = "1.1.0"
    order = 10

    def analyze(self, batch: Sequence[Analysis]) -> None:
        for analysis in batch:
            title = analysis.document.title
            if not title.strip():
                continue
            body = analysis.text[analysis.document.body_start:]
            for hit in self.cues(title, body):
                analysis.add_span(hit.start, hit.end, "headline", hit.rule.label, hit.rule.score,
                                  hit.rule.explanation)

    def cues(self, title: str, body: str = "") -> list[Hit]:
        hits = find_hits(RULES, title)
        hits += self._question(title)
        hits += self._shouting(title, body)
        # Different cues may share words ("DESTROYS" is loud and sensational); dedupe per label.
        by_label: dict[str, list[Hit]] = {}
        for hit in hits:
            by_label.setdefault(hit.rule.label, []).append(hit)
        return sorted((h for group in by_label.values() for h in drop_overlaps(group)),
                      key=lambda h: (h.start, h.end, h.rule.label))

    @staticmethod
    def _question(title: str) -> list[Hit]:
        stripped = title.rstrip()
        if not stripped.endswith("?"):
            return []
        # The question is the last clause of the title (titles often read "Topic: Question?").
        start = max(stripped.rfind(sep, 0, len(stripped) - 1) for sep in (":", ".", "|", " - ", "!"))
        start = start + 1 if start >= 0 else 0
        while start < len(stripped) and stripped[start] in " -|:":
            start += 1
        return [Hit(start, len(stripped), rule("question headline", r"$^", 0.45, _QUESTION))]

    @staticmethod
    def _shouting(title: str, body: str = "") -> list[Hit]:
        letters = [c for c in title if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(letters) > 12:
            return [Hit(0, len(title.rstrip()), _SHOUT_RULE)]  # a whole title in capitals
        return [Hit(m.start(), m.end(), _SHOUT_RULE) for m in _CAPS_WORD.finditer(title)
                if _shouted(m.group(0), body)]


def _shouted(word: str, body: str) -> bool:
    """A word in capitals is shouted, not an acronym, when the article writes it in lower case
    ("HUGE" in the title, "huge" in the body). One the article also writes in capitals ("IAAF",
    "RFID") is an acronym, as are the known ones; with neither to go by, words of four letters are
    taken as acronyms (most are: FARC, HSBC, UCLA) unless they are common English words ("THIS",
    "MUST", "NEVER": spaCy's stop words), and longer ones as shouting."""
    from spacy.lang.en.stop_words import STOP_WORDS

    letters = re.sub(r"['’]", "", word)
    if len(letters) < _MIN_CAPS_LETTERS or letters in _ACRONYMS:
        return False
    if re.search(rf"\b{re.escape(word.lower())}\b", body):
        return True
    if re.search(rf"\b{re.escape(word)}\b", body):
        return False
    return len(letters) > _MIN_CAPS_LETTERS or word.lower() in STOP_WORDS
