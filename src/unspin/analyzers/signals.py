"""Learned article signals on the shared encoder: clickbait (headline), biased sentences (BABE),
hyperpartisan (whole article). Each gives a calibrated probability and the text behind it."""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..analysis import Analysis
from ..inference.group_names import IDENTITY_WORDS
from ..inference.text_classifier import LEXICON_WORD
from .base import Analyzer, probability, register
from .models import model_dir, sentence_probabilities
from .quotations import quotation_note, quotations_of


def _older_word_list() -> dict[str, tuple[int, int]]:
    """The word list that heads before bias 1.2.0 kept beside the head (a model set trained then)."""
    import json

    path = model_dir("heads") / "bias_words.json"
    return {w: tuple(c) for w, c in json.loads(path.read_text()).items()} if path.exists() else {}


def _head(name: str):
    from ..inference.text_classifier import TextClassifier

    return TextClassifier.load(model_dir("heads") / f"{name}.json.gz")


@register
class ClickbaitAnalyzer(Analyzer):
    """Learned clickbait probability of the headline; the headline cues stay as evidence."""

    name = "clickbait"
    version = "1.0.0"
    order = 55
    needs_model = True
    requires = ("encoder", "headline")

    def __init__(self, **config) -> None:
        super().__init__(**config)
        self.head = _head("clickbait")
        self.version = self.head.version

    def analyze(self, batch: Sequence[Analysis]) -> None:
        titled = [a for a in batch if a.document.title.strip() and a.sentence_vectors is not None
                  and a.sentences and a.sentences[0].in_title]
        if not titled:
            return
        titles = [a.document.title for a in titled]
        probs = self.head.predict_proba(titles, np.stack([a.sentence_vectors[0] for a in titled]))
        for analysis, title, p in zip(titled, titles, probs):
            analysis.scores["clickbait"] = float(p)
            cues = sorted({s.label for s in analysis.spans_in("headline")})
            why = [f"headline cues: {', '.join(cues)}" if cues else "no explicit headline cue"]
            terms = self.head.top_terms(title, 3) if p >= 0.5 else []
            if terms:
                why.append("words that push it up: " + ", ".join(f"“{t}”" for t in terms))
            analysis.evidence["clickbait"] = why


_LETTER = re.compile(r"[^\W\d_]")


# BABE's sentences have 9 words or more in 99 % of cases (under 8 in 0.2 %): the head never learnt
# what a reader poll or "Share this with your friends!" looks like, and flagged both as biased.
BIAS_MIN_WORDS = 8


@register
class BiasAnalyzer(Analyzer):
    """Sentences written with biased wording (a head trained on BABE expert labels), and the words
    the model holds responsible."""

    name = "bias"
    version = "1.0.0"
    order = 56
    needs_model = True
    requires = ("encoder",)

    options = {"threshold": probability}

    def __init__(self, **config) -> None:
        super().__init__(**config)
        self.head = _head("bias")
        self.version = self.head.version
        self.threshold = self.config.get("threshold", self.head.threshold)
        # word -> (training sentences where experts marked it biased, training sentences holding it):
        # one of the head's feature blocks, and the words a flagged sentence shows.
        self.lexicon: dict[str, tuple[int, int]] = self.head.lexicon or _older_word_list()

    def analyze(self, batch: Sequence[Analysis]) -> None:
        jobs = []
        for analysis in batch:
            if analysis.sentence_vectors is None:
                continue
            idx = [i for i, s in enumerate(analysis.sentences) if not s.in_title
                   and len(analysis.sentence_text(i).split()) >= BIAS_MIN_WORDS]
            if idx:
                jobs.append((analysis, idx, [analysis.sentence_text(i) for i in idx]))
        for (analysis, idx, texts), probs in zip(jobs, sentence_probabilities(self.head, jobs)):
            self._mark(analysis, idx, texts, probs)

    def _mark(self, analysis: Analysis, idx: list[int], texts: list[str], probs: np.ndarray) -> None:
        flagged = 0
        quotations = quotations_of(analysis) if (probs >= self.threshold).any() else []
        for i, text, p in zip(idx, texts, probs):
            if p < self.threshold:
                continue
            flagged += 1
            s = analysis.sentences[i]
            words = self._loaded_words(text)
            why = f"Written with biased wording (probability {p:.2f}, model trained on BABE expert labels)."
            if words:
                why += " Words experts often mark as biased: " + ", ".join(f"“{text[a:b]}”" for a, b, _ in words) + "."
            analysis.add_span(s.start, s.end, "bias", "biased sentence", float(p),
                              why + quotation_note(quotations, s.start, s.end))
            for start, end, (marked, holding) in words:
                analysis.add_span(s.start + start, s.start + end, "bias", "biased word", float(p),
                                  f"The BABE/MBIC expert annotators marked this word as biased in {marked} of "
                                  f"the {holding} training sentences that use it (sentence p={p:.2f}).")
        analysis.evidence["bias"] = [f"{flagged} of {len(idx)} sentences flagged as biased wording"]

    def _loaded_words(self, text: str) -> list[tuple[int, int, list[int]]]:
        """(start, end, [sentences marked, sentences holding it]) of the lexicon's words in ``text``,
        but not a capitalised word inside the sentence: that is a name ("Giant Company Software"),
        whatever the word means elsewhere; nor a word that names a group of people ("refugees",
        marked in 3 of 11 training sentences): the bias is in what is said of them."""
        return [(m.start(), m.end(), self.lexicon[m.group(0).lower()]) for m in LEXICON_WORD.finditer(text)
                if m.group(0).lower() in self.lexicon and m.group(0).lower() not in IDENTITY_WORDS
                and not (m.group(0)[0].isupper() and _LETTER.search(text, 0, m.start()))]


# Under this many words of body, an article-level score is read off less text than the model
# learnt from: 5 % of the SemEval-2019 by-article articles are shorter (1 % under 30 words).
SHORT_ARTICLE_WORDS = 80


@register
class HyperpartisanAnalyzer(Analyzer):
    """Probability that the article is hyperpartisan (SemEval-2019 Task 4), with the sentences that
    pushed the score up most as evidence."""

    name = "hyperpartisan"
    version = "1.0.0"
    order = 57
    needs_model = True
    requires = ("encoder",)

    def __init__(self, **config) -> None:
        super().__init__(**config)
        self.head = _head("hyperpartisan")
        self.version = self.head.version

    def analyze(self, batch: Sequence[Analysis]) -> None:
        ready = [a for a in batch if a.sentence_vectors is not None and len(a.sentences)]
        if not ready:
            return
        from ..inference.features import article_vector

        vectors = np.stack([article_vector(a.sentence_vectors) for a in ready])
        probs = self.head.predict_proba([a.text for a in ready], vectors)
        for analysis, p in zip(ready, probs):
            analysis.scores["hyperpartisan"] = float(p)
            words = len(analysis.document.body.split())
            if words < SHORT_ARTICLE_WORDS:
                analysis.warnings.append(
                    f"hyperpartisan: the text has {words} words; the model learnt from whole articles (95 % of "
                    f"them {SHORT_ARTICLE_WORDS} words or more), so its probability here is less reliable")
            if p < self.head.threshold:
                analysis.evidence["hyperpartisan"] = ["below the decision threshold: no evidence sentences marked"]
                continue
            top = self._evidence(analysis)
            analysis.evidence["hyperpartisan"] = [evidence_note(len(top))]
            for i, _weight in top:
                s = analysis.sentences[i]
                analysis.add_span(s.start, s.end, "bias", "hyperpartisan evidence", float(p),
                                  f"Among the sentences that push the article's hyperpartisan score "
                                  f"(p={p:.2f}) up most.")

    def _evidence(self, analysis: Analysis, k: int = 3) -> list[tuple[int, float]]:
        """Sentences ranked by their share of the vector block's contribution to the score."""
        kind, scale, dim = self.head.blocks[0]
        if kind != "vector":
            return []
        w = self.head.coef[:dim]
        contributions = (analysis.sentence_vectors.astype(np.float64) * scale) @ w[:analysis.sentence_vectors.shape[1]]
        order = [i for i in np.argsort(-contributions) if contributions[i] > 0
                 and len(analysis.sentence_text(i).split()) >= 5]
        return [(int(i), float(contributions[i])) for i in order[:k]]


def evidence_note(count: int) -> str:
    """The hyperpartisan score's evidence line, for the ``count`` sentences marked."""
    if count == 0:  # every sentence's share is negative or the sentences are fragments
        return "no sentence stands out as evidence: the score comes from the article's wording as a whole"
    if count == 1:
        return "the sentence that pushes it up most is marked in the bias layer"
    return f"the {count} sentences that push it up most are marked in the bias layer"
