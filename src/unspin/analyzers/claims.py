"""Check-worthy claims: which sentences state a checkable fact that matters, who the article says
it comes from (or that nobody is named), and whether the local fact-check store already has a
ruling on it."""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..analysis import Analysis, Attribution, Claim, FactCheckMatch
from ..inference.onnx import int8_tag
from .base import Analyzer, count, positive_count, probability, register, text
from .models import model_dir, own_classifier, sentence_encoder, sentence_probabilities
from .quotations import quotations_of

MIN_WORDS = 5  # shorter "sentences" are headings or fragments, not claims
# Which sentences may be claims is decided by rules, apart from the head; the version analyses
# record is "<head version>+rules.<this>" so that a store can tell runs of different rules apart.
# 1: five words, no quotation introducers; 2: embedded tweets' signatures and Title Case lines;
# 3: short lines with no sentence punctuation; 4: a cue in an opening clause of time, cause or condition
# ("As soon as X announced ..., ") does not source the sentence's claim; 5: a cue closing the
# sentence after a comma ("..., a poll suggests.") does.
RULES = 5


@register
class ClaimsAnalyzer(Analyzer):
    """Check-worthy claims with attribution and fact-check matches from the local store."""

    name = "claims"
    version = "1.0.0"
    order = 50
    needs_model = True
    requires = ("encoder", "attribution")

    options = {"threshold": probability, "store": text, "matches": positive_count, "min_similarity": probability,
               "match_top": count}

    def __init__(self, **config) -> None:
        super().__init__(**config)
        from ..inference.text_classifier import TextClassifier

        # A fine-tuned check-worthiness classifier in the model set replaces the head: F1 0.859
        # against 0.829 on CheckThat! 2024 dev-test, for a second encoder pass over every sentence
        # (docs/benchmarks.md). Otherwise the head reads the shared encoder's vectors.
        self.classifier = own_classifier("checkworthy")
        self.head = self.classifier or TextClassifier.load(model_dir("heads") / "checkworthy.json.gz")
        self.version = f"{self.head.version}{'-finetuned' if self.classifier else ''}+rules.{RULES}"
        self.threshold = self.config.get("threshold", self.head.threshold)
        self.k = self.config.get("matches", 3)
        self.min_similarity = self.config.get("min_similarity", 0.5)
        # Matching costs ~5 ms a claim at 100k fact-checks (embedding + search); on news text most
        # sentences are claims, so large scans may match only each article's most check-worthy few.
        self.match_top = self.config.get("match_top")  # None: every claim
        self.store_path = _store_path(self.config.get("store"))
        self.matcher = _open_matcher(self.store_path)
        if self.classifier is not None or self.matcher is not None:  # int8 models run here: once in the tag
            self.version += int8_tag()
        if self.matcher is not None:  # which re-ranker scored the matches, and which encoder found them
            self.version += f"+reranker.{self.matcher.reranker.get('version', 'default')}"
            self.version += _matching_tag(self.matcher.embedding_model)

    def analyze(self, batch: Sequence[Analysis]) -> None:
        jobs = []
        for analysis in batch:
            if analysis.sentence_vectors is None:
                continue
            idx = [i for i, s in enumerate(analysis.sentences)
                   if _words(analysis.sentence_text(i)) >= MIN_WORDS and not _introduces_quote(analysis, i)
                   and (s.in_title or not _heading_like(analysis.sentence_text(i)))
                   and (s.in_title or not _short_bare_line(analysis, i))]
            if idx:
                jobs.append((analysis, idx, [analysis.sentence_text(i) for i in idx]))
        found: list[Claim] = []
        for (analysis, idx, _), probs in zip(jobs, sentence_probabilities(self.head, jobs)):
            scores = [0.0] * len(analysis.sentences)
            for i, p in zip(idx, probs):
                scores[i] = float(p)
                if p >= self.threshold:
                    s = analysis.sentences[i]
                    claim = Claim(s.start, s.end, analysis.text[s.start:s.end], float(p),
                                  attribution_for(analysis, i))
                    analysis.claims.append(claim)
            analysis.sentence_scores["checkworthiness"] = scores
            ranked = sorted(analysis.claims, key=lambda c: -c.checkworthiness)
            if self.match_top is not None and len(ranked) > self.match_top and self.matcher is not None:
                # Say so: an unsearched claim would otherwise look like one no fact-checker has checked.
                analysis.warnings.append(
                    f"fact-checks were searched for the {self.match_top} most check-worthy claims only "
                    f"(claims.match_top); {len(ranked) - self.match_top} other claims were not searched")
                ranked = ranked[:self.match_top]
            if self.matcher is None and ranked:
                # Without a store "no matches" would read as "no fact-checker ruled on this".
                claims = "the claim was" if len(ranked) == 1 else f"the {len(ranked)} claims were"
                analysis.warnings.append(
                    f"no fact-check store at {self.store_path}: {claims} not checked against fact-checks "
                    "(add some with `unspin factchecks import FILE`)")
            found += ranked
        if self.matcher is not None and found:
            self._match(found)

    def _match(self, claims: list[Claim]) -> None:
        # The same sentence in several articles of a batch (wire copy) is embedded and searched once.
        texts = list(dict.fromkeys(c.text for c in claims))
        # One claim per int8 call: claims embedded together shift each other's vectors (cosine by up
        # to 0.02), and a claim's matches must not depend on the other articles of the batch.
        vectors = sentence_encoder().encode(texts, batch_size=1)
        found = dict(zip(texts, self.matcher.search(texts, vectors, k=self.k)))
        for claim in claims:
            for cand in found[claim.text]:
                if cand.similarity < self.min_similarity or not cand.record:
                    continue
                r = cand.record
                claim.matches.append(FactCheckMatch(r["claim"], r.get("verdict"), r.get("publisher"),
                                                    r.get("url"), r.get("date"), cand.similarity))


def attribution_for(analysis: Analysis, sentence: int) -> Attribution | None:
    """The attribution of a sentence: a cue of its own outside quotation marks, else -- when the
    whole sentence is inside a quotation ('"The plan failed. It cost millions," she said.') -- the
    quotation's, else a cue inside quotation marks, else None (unattributed). In '"She has
    apologized," they wrote.' the claim comes from "they": "apologized" is part of what is quoted."""
    quotations = quotations_of(analysis)
    here = [a for a in analysis.attributions if a.sentence == sentence and not _in_leading_clause(analysis, sentence, a)]
    outside = [a for a in here if not any(q.start <= a.start and a.end <= q.end for q in quotations)]
    if outside:
        return _trailing(analysis, sentence, outside) or outside[0]
    s = analysis.sentences[sentence]
    for q in quotations:
        if q.start <= s.start and s.end <= q.end + 1 and q.attribution is not None:  # may end on the mark
            return q.attribution
    return here[0] if here else None


# What may follow a closing cue: "..., a poll suggests on Monday.", "..., he said in a statement."
_TAIL = re.compile(r"(?:(?:on|last|this)\s+\w+|(?:in|on)\s+(?:a|an|the)\s+\w+(?:\s+\w+)?|today|yesterday|"
                   r"earlier|recently|also|previously|\w+day)?")


def _trailing(analysis: Analysis, sentence: int, found: list[Attribution]) -> Attribution | None:
    """A cue that closes the sentence after a comma ("..., a poll suggests.", "..., the ONS said.")
    attributes the whole of it, whatever cues the reported statement holds ("A majority of voters
    believe ..., a poll suggests")."""
    s = analysis.sentences[sentence]
    for a in found[1:]:
        tail = analysis.text[a.end:s.end].strip(" \t\n.!?\"”’'")
        if analysis.text[s.start:a.start].rstrip().endswith(",") and _TAIL.fullmatch(tail):
            return a
    return None


# A sentence that opens on a clause of time, cause or condition ("As soon as Comey announced the
# revival of the investigation, Democrats went on the attack"): a cue inside that clause reports
# an event, and what the sentence claims comes after the comma. Not "As X argued, ...", which is
# the attribution itself.
_LEADING_CLAUSE = re.compile(r"[\"“‘'(]*(?:[Aa]s\s+soon\s+as|[Ww]hen(?:ever)?|[Aa]fter|[Bb]efore|[Ss]ince|[Uu]ntil|"
                             r"[Oo]nce|[Ww]hile|[Aa]lthough|[Tt]hough|[Bb]ecause|[Ii]f|[Nn]ow\s+that|[Ee]ven\s+(?:though|if))"
                             r"\b[^,;:—–]{3,200}?,\s")


def _in_leading_clause(analysis: Analysis, sentence: int, attribution: Attribution) -> bool:
    s = analysis.sentences[sentence]
    m = _LEADING_CLAUSE.match(analysis.text, s.start, s.end)
    return bool(m) and attribution.end <= m.end()


# The signature of an embedded tweet, as extraction leaves it: "— Name (@handle) October 13, 2017".
_TWEET_SIGNATURE = re.compile(r"(?:[—–-]\s*)?[^—–\n()]{0,60}\(@\w{1,15}\)\s+[A-Z][a-z]+\s+\d{1,2},\s+\d{4}")


def _words(text: str) -> int:
    """Words of a sentence besides an embedded tweet's signature (which states nothing to check)."""
    if "(@" not in text:  # the pattern tries every position; most sentences have no signature
        return len(text.split())
    return len(_TWEET_SIGNATURE.sub(" ", text).split())


_LONG_WORD = re.compile(r"[A-Za-z][\w'’-]{3,}")


def _heading_like(text: str) -> bool:
    """A line of the body in Title Case with no full stop: a photo caption, a byline, a link to
    another story or a subheading ("Hillary Clinton Holds Early Voting Rallies In Iowa"), not a
    claim the article makes. A sentence that names titles ("Their singles include What I Go To
    School For") starts in lower case: at most one of its first four longer words may. On the 644
    hyperpartisan articles this took 162 of 8,170 claims; on the BBC, 70 of 41,024 body sentences,
    mostly lists of award nominees."""
    words = _LONG_WORD.findall(text)
    if len(words) < 3 or text.rstrip(" \"”’'").endswith("."):
        return False
    capitalised = [w[0].isupper() for w in words]
    return sum(capitalised) >= 0.7 * len(words) and capitalised[:4].count(False) <= 1


_ENDS_A_SENTENCE = re.compile(r"[.!?…:;][\"”’')\]]*$")
_LIST_ITEM = re.compile(r"(?:[-–—*•·]|\d{1,3}[.)])\s")
SHORT_LINE_WORDS = 9


def _short_bare_line(analysis: Analysis, sentence: int) -> bool:
    """A body line of fewer than nine words with no sentence punctuation: site furniture ("Today's
    top news by email", "The afternoon's latest local news"), a subheading, a caption or the
    headline of a linked story ("Teacher calls police on special needs student"), not something the
    article states. An item of a list ("- Reduced corporate tax rates to 30%") is still read."""
    s = analysis.sentences[sentence]
    text = analysis.text
    line = text[s.start:s.end]
    if len(line.split()) >= SHORT_LINE_WORDS or _ENDS_A_SENTENCE.search(line) or _LIST_ITEM.match(line):
        return False
    # The sentence must be its whole line (the search for the line's ends comes last: in a long
    # paragraph it would scan back to the paragraph's start for every sentence).
    line_start, line_end = text.rfind("\n", 0, s.start) + 1, text.find("\n", s.end)
    return not (text[line_start:s.start].strip() or text[s.end:None if line_end < 0 else line_end].strip())


def _introduces_quote(analysis: Analysis, sentence: int) -> bool:
    """A sentence that frames the quotation after it and states nothing to check itself: one ending
    on a cue and ':' ("The chairman of the League, Mark Ellison, said:"), or on ',' with little
    besides its attribution ("In a statement ESPN said,")."""
    text = analysis.sentence_text(sentence).rstrip()
    if not text.endswith((":", ",")):
        return False
    start = analysis.sentences[sentence].start
    own = [a for a in analysis.attributions if a.sentence == sentence]
    if text.endswith(":"):
        return any(a.end - start >= len(text) - 2 for a in own)
    rest = list(text)
    for a in own:
        rest[a.start - start:a.end - start] = " " * (a.end - a.start)
    return len("".join(rest).split()) < MIN_WORDS


def _store_path(store: str | None) -> Path:
    from ..factchecks.store import default_store_path

    return Path(store) if store else default_store_path()


def _matching_tag(encoder: str) -> str:
    """Matches found with another sentence encoder than the shipped one (a model set's, such as the
    fast set's 3-layer encoder) are other matches: the version says which encoder found them."""
    from ..factchecks.store import FIRST_EMBEDDING_MODEL

    return "" if encoder == FIRST_EMBEDDING_MODEL else "+matching." + re.sub(r"[^A-Za-z0-9.]+", "-", encoder)


def _open_matcher(path: Path):
    """The matcher over the user's store, or None when there is no store yet."""
    from ..factchecks.matcher import Matcher

    if not path.exists():
        return None
    return Matcher.from_store(path)
