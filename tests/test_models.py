"""The shipped models (ONNX via onnxruntime, heads) on articles written here; the claims analyzer
and its matcher are in test_claims_analyzer.py."""
import json
import re

import pytest

import unspin
from tests.conftest import ROOT
from unspin import Pipeline
from unspin.factchecks.service import import_files
from unspin.ingest import parse_text
from unspin.techniques import TECHNIQUE_NAMES

FLAG_WAVING = ("Patriots must stand up for our great nation\n\n"
               "Every true American knows that our great nation was built by heroes who loved this country more "
               "than anything. We will never let the radical globalists destroy the greatest country on earth. "
               "Stand with America, stand with our flag, and defend the homeland our fathers died for.\n")
WEATHER = ("Weather for Tuesday\n\n"
           "Tuesday will be mostly cloudy with a high of 14 degrees and a light westerly wind. "
           "Temperatures will fall to 6 degrees overnight.\n")
PARTISAN = ("The Democrats' Socialist Scheme to Destroy America\n\n"
            "The radical left has finally shown its true face. Nancy Pelosi and her gang of socialist extremists "
            "want to tax hardworking Americans into poverty while flooding our borders with illegal aliens. "
            "This is a war on everything conservatives hold dear, and patriots must fight back before it is "
            "too late.\n")
QUOTED = ("Senator speaks at rally\n\n"
          '"Every true American knows that our great nation was built by heroes. Stand with America, stand with '
          'our flag, and defend the homeland our fathers died for," Senator Jane Doe told the crowd on Saturday.\n'
          "The rally lasted two hours and ended peacefully.\n")
NEUTRAL = ("Council approves library budget\n\n"
           "The city council approved a budget of 2.1 million dollars for the public library on Monday. "
           "The budget includes funds for longer opening hours and new computers.\n")


@pytest.fixture(scope="module")
def analyses():
    pipe = Pipeline()
    texts = {"flag": FLAG_WAVING, "weather": WEATHER, "partisan": PARTISAN, "neutral": NEUTRAL, "quoted": QUOTED}
    return dict(zip(texts, pipe.analyze(parse_text(t) for t in texts.values())))


def test_propaganda_flags_flag_waving_and_leaves_a_weather_report_alone(analyses):
    flag = analyses["flag"]
    spans = flag.spans_in("propaganda")
    assert spans and all(s.label in TECHNIQUE_NAMES for s in spans)
    stand = flag.text.index("Stand with America")
    assert any(s.start <= stand < s.end and s.label == "Flag-Waving" for s in spans)
    assert all("\n" not in flag.text[s.start:s.end] for s in spans)  # spans never cross a line
    assert analyses["weather"].spans_in("propaganda") == []


def test_classify_given_spans():
    doc = parse_text(FLAG_WAVING)
    start = doc.text.index("Stand with America")
    ranking = unspin.classify_techniques(doc, [(start, doc.text.index("died for") + 8)])[0]
    assert ranking[0][0] == "Flag-Waving"
    assert len(ranking) == 14 and abs(sum(p for _, p in ranking) - 1) < 1e-4
    with pytest.raises(ValueError, match="outside the text"):
        unspin.classify_techniques(doc, [(5, 10_000)])


@pytest.mark.parametrize("marked, shown", [
    ('in [fabricated, noncompetitive "]markets"', "fabricated, noncompetitive"),
    ("it go[, like many women do, because] he", "like many women do, because"),
    ("the [Iconic ‘]Caddyshack’", "Iconic"),
    ("ridiculous [liberal (]Democrat)", "liberal"),
    ("his usual [whimsical, boorish fashion -]- nevertheless", "whimsical, boorish fashion"),
    ('called him [a "bigot" and "racist"]. Then', 'a "bigot" and "racist"'),
    ("[Kill All Indoor Odor,] Mold", "Kill All Indoor Odor"),
    ("accused of [shirking its] responsibilities", "shirking"),
    ("[the radical left and] its allies", "the radical left"),
    ("we see it [across America and in] Europe", "across America"),
    ("people are [the positive force in the world, a] force", "the positive force in the world"),
    # A quotation left open inside the span takes in the mark that closes it, at either end.
    ('Trump and his followers are ["white supremacists]". Then', '"white supremacists"'),
    ("an agent of [the “vast right-wing conspiracy]” that", "the “vast right-wing conspiracy”"),
    ("labelled “[brownfacing”] by critics", "“brownfacing”"),
    ('they said "[no] way"', "no"),  # no quotation open inside it
])
def test_a_span_never_begins_or_ends_on_a_separator_or_a_stray_quotation_mark(marked, shown):
    from unspin.inference.propaganda import _trim

    text = marked.replace("[", "").replace("]", "")
    start, end, _ = _trim(text, marked.index("["), marked.index("]") - 1, 0.5)
    assert text[start:end] == shown


@pytest.mark.parametrize("marked, shown", [
    # ⟦ ⟧ mark the run the tagger found; brackets and single curly quotes close as quotations do.
    ("grab [⟦women] by the pussy⟧, he said", "[women] by the pussy"),
    ("The Donkey ⟦(“The Raven” parody⟧) again", "(“The Raven” parody)"),
    ("a rant against ⟦‘evil⟧’ forces", "‘evil’"),
    ("called ‘⟦SOB,’⟧ by him", "‘SOB,’"),
    ("⟦Franken’s crimes⟧ are", "Franken’s crimes"),  # an apostrophe opens nothing
    ("the ⟦‘Franken’s crimes⟧’ line", "‘Franken’s crimes’"),
    # Across the one punctuation mark that US style puts inside a quotation (1.0.8).
    ('his followers are ⟦"white supremacists⟧." Then', '"white supremacists."'),
    ("described them as ⟦“liars⟧.” Then", "“liars.”"),
    ("calling her ⟦“Hillary Rotten Clinton⟧,” according to", "“Hillary Rotten Clinton,”"),
    ("a ⟦‘total disaster⟧!’ he said", "‘total disaster!’"),
])
def test_a_span_takes_in_the_bracket_or_quotation_mark_it_leaves_open(marked, shown):
    from unspin.inference.propaganda import _trim

    text = marked.replace("⟦", "").replace("⟧", "")
    start, end, _ = _trim(text, marked.index("⟦"), marked.index("⟧") - 1, 0.5)
    assert text[start:end] == shown


def test_a_phrase_said_once_is_never_repetition_and_found_spans_are_never_repetition(monkeypatch):
    text = ("Build the wall\n\nWe must build the wall. The senator said: build the wall now.\n"
            "Crime is out of control, and so is the border.\nBuild   the wall!")
    doc = parse_text(text)
    once = (doc.text.index("Crime"), doc.text.index("control") + 7)
    again = (doc.text.index("build the wall"), doc.text.index("build the wall") + 14)
    ranked = [dict(r) for r in unspin.classify_techniques(doc, [once, again])]
    assert ranked[0]["Repetition"] == 0.0 and abs(sum(ranked[0].values()) - 1) < 1e-4
    assert ranked[1]["Repetition"] > 0.0  # a given span said again may be Repetition
    # Found spans: even a classifier sure of Repetition gives its next technique instead.
    import numpy as np

    from unspin.analyzers.models import shared_encoder

    model = shared_encoder()
    rep = model.labels.index("Repetition")

    def sure_of_repetition(enc, spans, title_end, constrained=True):
        probs = np.full((len(spans), len(model.labels)), 0.1 / (len(model.labels) - 1), dtype=np.float32)
        probs[:, rep] = 0.9
        return probs

    monkeypatch.setattr(model, "classify", sure_of_repetition)
    found = Pipeline(["propaganda"])(parse_text(FLAG_WAVING)).spans_in("propaganda")
    assert found and all(s.label != "Repetition" for s in found)


@pytest.mark.parametrize("tagged", [("-", "style"), ("washington", "-")])
def test_a_tagged_run_is_widened_to_the_whole_hyphenated_word(tagged):
    """The tagger works on word pieces: a run of '-style' (or 'Washington-') becomes the word."""
    import numpy as np

    from unspin.analyzers.models import shared_encoder
    from unspin.inference.propaganda import Encoded
    from unspin.inference.windows import pack_windows, tokenize

    model = shared_encoder()
    text = "Title\n\nThey hate Washington-style bureaucrats."
    ids, offsets = tokenize(model.tokenizer, text)
    (window,) = pack_windows(ids, offsets, [(0, 5), (7, len(text))], first_alone=False)
    probs = np.tile(np.array([[1.0, 0.0, 0.0]], dtype=np.float32), (len(window), 1))
    pieces = [text[a:b].lower() for a, b in window.offsets.tolist()]
    start = next(i for i in range(len(pieces) - 1) if tuple(pieces[i:i + 2]) == tagged)
    probs[start] = [0.0, 1.0, 0.0]
    probs[start + 1] = [0.0, 0.0, 1.0]
    enc = Encoded(text, [window], [probs], [np.zeros((len(window), 384), dtype=np.float32)])
    assert [text[s:e] for s, e, _ in model.find_spans(enc, 0.5)] == ["Washington-style"]


def test_document_scores_order_articles_sensibly(analyses):
    from unspin.analyzers.signals import evidence_note

    assert analyses["partisan"].scores["hyperpartisan"] > 0.5 > analyses["neutral"].scores["hyperpartisan"]
    assert analyses["partisan"].scores["manipulation"] > analyses["neutral"].scores["manipulation"]
    for a in analyses.values():
        assert set(a.scores) == {"clickbait", "hyperpartisan", "manipulation"}
        assert all(0.0 <= v <= 1.0 for v in a.scores.values())
    assert analyses["partisan"].evidence["manipulation"] != ["no manipulation signals found"]
    evidence = [s for s in analyses["partisan"].spans_in("bias") if s.label == "hyperpartisan evidence"]
    assert evidence, "a hyperpartisan verdict comes with the sentences behind it"
    assert analyses["partisan"].evidence["hyperpartisan"] == [evidence_note(len(evidence))]
    assert evidence_note(1) == "the sentence that pushes it up most is marked in the bias layer"
    assert evidence_note(0).startswith("no sentence stands out")
    assert evidence_note(3) == "the 3 sentences that push it up most are marked in the bias layer"


def test_flags_inside_a_quotation_say_whose_words_they_are(analyses):
    quoted, flag = analyses["quoted"], analyses["flag"]
    spans = quoted.spans_in("propaganda")
    assert spans and all(s.explanation.endswith("In quotation marks: words the article attributes to "
                                                 "Senator Jane Doe.") for s in spans)
    assert any("in quotation marks)" in reason for reason in quoted.evidence["manipulation"])
    # The article's own voice gets no such note.
    assert flag.spans_in("propaganda") and not any("quotation" in s.explanation for s in flag.spans_in("propaganda"))


def test_clickbait_head():
    pipe = Pipeline(["clickbait"])
    bait = pipe(parse_text("You Won't Believe What This Dog Did Next\n\nThe dog sat down."))
    news = pipe(parse_text("Central bank holds interest rate at 4.5 percent\n\nThe bank held rates."))
    assert bait.scores["clickbait"] > 0.9 and news.scores["clickbait"] < 0.1
    assert bait.spans_in("headline")  # the cues stay as evidence
    # The words that push it up are quoted as the headline writes them, not as model tokens.
    pushed = next(w for w in bait.evidence["clickbait"] if w.startswith("words that push it up"))
    words = re.findall(r"“(.+?)”", pushed)
    assert words and all(w in "You Won't Believe What This Dog Did Next" for w in words), pushed


def test_clickbait_head_reads_wording_not_letter_case():
    # In the training data nearly every clickbait headline is in Title Case; head 1.0.0 learnt the
    # case and gave the sentence-case headline below 0.12 (its Title Case twin 0.68).
    pipe = Pipeline(["clickbait"])

    def p(title: str) -> float:
        return pipe(parse_text(f"{title}\n\nThe court ruled on Tuesday.")).scores["clickbait"]

    bait = (p("Here's what the supreme court ruling really means for you"),
            p("Here's What the Supreme Court Ruling Really Means for You"))
    news = (p("Parliament passes budget after three days of debate"),
            p("Parliament Passes Budget After Three Days of Debate"))
    assert min(bait) > 0.9 and max(news) < 0.1, (bait, news)


def test_a_plain_headline_about_a_group_is_not_taken_for_clickbait():
    # The viral sites of the clickbait data wrote about some groups far more than the news outlets
    # did; head 1.1.0 gave these headlines 0.27 ("Black") and 0.29 ("Transgender") on average.
    templates = ("{} doctor opens clinic in the town centre", "{} students win regional science prize",
                 "{} family sues council over school bus route", "{} farmer elected to county board")
    # Head 1.2.0 narrowed this and still gave "Gay students win regional science prize" 0.61 and
    # "Black ..." 0.56; head 1.3.0's vector block cannot see the directions of such swaps.
    pipe = Pipeline(["clickbait"])

    def probs(group: str) -> list[float]:
        return [pipe(parse_text(t.format(group) + "\n\nThe story.")).scores["clickbait"] for t in templates]

    local = probs("Local")
    for group in ("Black", "Gay", "Transgender", "Christian"):
        p = probs(group)
        assert max(p) < 0.3 and sum(p) / len(p) - sum(local) / len(local) < 0.07, (group, p, local)


def test_the_group_a_sentence_names_moves_the_bias_score_less():
    # Head 1.2.1 gave the first sentence 0.23 about farmers and 0.72 about Republicans (a spread
    # of 0.51 over these ten groups); head 1.3.0 narrows it (0.35), it does not close it.
    groups = ("local residents", "farmers", "the rowing club", "police officers", "immigrants", "Muslims",
              "Christians", "transgender people", "Democrats", "Republicans")
    sentences = ("{} have complained for years that the council ignores them.",
                 "The mayor praised {} for their work during the floods.",
                 "Critics say the new rules will hurt {} the most.")
    pipe = Pipeline(["bias"], config={"bias": {"threshold": 0.0}})  # every sentence with its probability
    docs = [parse_text("Notes\n\n" + " ".join(t.format(g)[0].upper() + t.format(g)[1:] for t in sentences))
            for g in groups]
    scores = [[s.score for s in a.spans_in("bias") if s.label == "biased sentence"] for a in pipe.analyze(docs)]
    assert all(len(row) == len(sentences) for row in scores)
    for i, sentence in enumerate(sentences):
        column = [row[i] for row in scores]
        assert max(column) - min(column) < 0.42, (sentence, column)


def test_a_plain_sentence_is_not_flagged_for_the_group_it_names():
    # PTC, BABE and SemEval-2019 come from a few years of US politics: a model could learn that
    # naming a charged group is itself propaganda, bias or partisanship. Plain sentences about
    # such groups must read as plainly as the same sentences about a rowing club.
    templates = ("{} met on Tuesday at the community hall to discuss the budget for next year.",
                 "A report published on Monday counted how many of {} live in the county.",
                 "According to the survey, {} were asked about transport, housing and schools.")
    groups = ("Muslims", "immigrants", "refugees", "Democrats", "Republicans", "President Trump", "Palestinians",
              "Israel", "the police", "gun owners", "Black Lives Matter activists", "the rowing club")
    docs = [parse_text("Meeting notes\n\n" + " ".join(t.format(g) for t in templates)) for g in groups]
    for group, a in zip(groups, Pipeline(["propaganda", "bias", "hyperpartisan"]).analyze(docs)):
        assert not a.spans_in("propaganda") and not a.spans_in("bias"), group
        assert a.scores["hyperpartisan"] < 0.05, (group, a.scores["hyperpartisan"])


def test_a_span_that_only_names_a_group_is_dropped_and_one_with_a_loaded_word_stays():
    from unspin.inference.group_names import names_only_a_group

    for dropped in ("Black", "white women", "the Jewish community", "African-American voters", "gay artists",
                    "blacks and Hispanics"):
        assert names_only_a_group(dropped), dropped
    for kept in ("illegal immigrants", "radical Muslims", "the American people", "thugs", "the and of"):
        assert not names_only_a_group(kept), kept


def test_a_word_that_names_a_group_is_never_shown_as_the_biased_word():
    # "refugees" is in the experts' lexicon (marked in 3 of the 11 training sentences that use it);
    # the bias is in what the sentence says of them.
    a = Pipeline(["bias"])(parse_text("Town meeting\n\nThe radical left wants to flood our quiet towns with "
                                      "refugees who refuse to obey our laws and values."))
    words = [a.text[s.start:s.end] for s in a.spans_in("bias") if s.label == "biased word"]
    assert "radical" in words and "refugees" not in words, words


def test_hyperpartisan_says_when_a_text_is_shorter_than_the_articles_it_learnt_from(analyses):
    short = [w for w in analyses["partisan"].warnings if w.startswith("hyperpartisan:")]
    assert short and "the text has 50 words" in short[0], analyses["partisan"].warnings
    article = parse_text("Council approves budget\n\n" + " ".join(["The council approved the budget on Monday."] * 15))
    assert not any(w.startswith("hyperpartisan:") for w in Pipeline(["hyperpartisan"])(article).warnings)


def test_bias_head_marks_sentences_and_words(analyses):
    biased = [s for s in analyses["partisan"].spans_in("bias") if s.label == "biased sentence"]
    words = [analyses["partisan"].text[s.start:s.end].lower() for s in analyses["partisan"].spans_in("bias")
             if s.label == "biased word"]
    assert biased and "radical" in words
    # "left" was marked in 2 of the 40 training sentences that use it: too common a word to blame.
    assert "left" not in words
    assert not [s for s in analyses["neutral"].spans_in("bias") if s.label == "biased sentence"]


def test_bias_head_reads_only_sentences_of_the_length_it_learnt():
    # BABE has hardly any sentences this short; in this article the head gives the reader poll
    # p 0.63 (over its 0.51 threshold) when it reads sentences of 5 words and more.
    text = ('SHOCKING: <img src=x onerror="alert(\'title\')"> You Won\'t Believe This!\n\n'
            'Officials said <script>alert("body")</script> the plan failed.\n'
            'Critics "><svg onload=alert(3)> called it a disaster for hardworking families.\n'
            '<iframe src="javascript:alert(4)"></iframe> According to the city clerk, the vote was delayed.\n'
            'Do you support the plan? Share this with your friends!\n')
    analysis = Pipeline(["bias"])(parse_text(text))
    flagged = [analysis.text[s.start:s.end] for s in analysis.spans_in("bias") if s.label == "biased sentence"]
    assert "Do you support the plan?" not in flagged
    assert all(len(sentence.split()) >= 8 for sentence in flagged)


def test_an_article_gets_the_same_analysis_alone_and_in_a_batch(tmp_path):
    """The int8 models quantize activations per call, so texts encoded together used to shift each
    other's scores: now one window (and one claim) per call, and the batch makes no difference."""
    store = tmp_path / "fc.duckdb"
    import_files([ROOT / "tests" / "fixtures" / "claimreview.json"], store)
    claims = ("Council says rates are stable\n\nUnemployment in the county fell to 3.9 percent last year, "
              "the mayor said.\nDrinking hot tap water every hour cures the flu.\n")
    texts = [FLAG_WAVING, WEATHER * 8, PARTISAN, claims, NEUTRAL]
    pipe = Pipeline(config={"claims": {"store": str(store)}}, batch_size=8)

    def result(analysis):
        data = analysis.to_dict()
        data.pop("timings_ms")
        return data

    together = [result(a) for a in pipe.analyze(parse_text(t) for t in texts)]
    alone = [result(pipe(parse_text(t))) for t in texts]
    assert together == alone
    assert together[3]["claims"][1]["matches"]  # matching is part of what is compared


def test_a_model_set_in_unspin_models_replaces_encoder_and_heads_together(tmp_path, monkeypatch):
    from unspin.analyzers import models
    from unspin.errors import ModelError

    shipped = {name: models.model_dir(name) for name in ("propaganda", "heads")}
    for name, folder in shipped.items():  # a user's model set: here the shipped files, renamed version
        (tmp_path / name).mkdir()
        for f in folder.iterdir():
            (tmp_path / name / f.name).symlink_to(f)
    config = json.loads((shipped["propaganda"] / "config.json").read_text())
    (tmp_path / "propaganda" / "config.json").unlink()
    (tmp_path / "propaganda" / "config.json").write_text(json.dumps({**config, "version": "test-set"}))
    monkeypatch.setenv("UNSPIN_MODELS", str(tmp_path))
    models._propaganda_model.cache_clear()
    try:
        assert models.model_dir("heads") == tmp_path / "heads"
        assert models.model_dir("minilm") != tmp_path / "minilm"  # not in the set: the shipped one
        analysis = Pipeline(["propaganda"])(parse_text(FLAG_WAVING))
        assert analysis.models["encoder"] == "test-set"
        (tmp_path / "heads" / "config.json").unlink()  # an encoder without its heads is refused
        with pytest.raises(ModelError, match="must be trained on the same encoder"):
            models.model_dir("propaganda")
        monkeypatch.setenv("UNSPIN_MODELS", str(tmp_path / "typo"))  # never a silent fall-back
        with pytest.raises(ModelError, match="holds no model"):
            models.model_dir("minilm")
    finally:
        models._propaganda_model.cache_clear()


def test_sentence_encoder_gives_the_same_vectors_on_one_thread_or_several():
    # Several batches run side by side on a single-threaded session: each text must get the vector
    # it gets when the batches run one after another, in its own row.
    import numpy as np

    from unspin.analyzers.models import model_dir
    from unspin.inference.sentence_encoder import SentenceEncoder

    texts = ["The unemployment rate fell to 3.9 percent in April.", "Crime is up.",
             "The senator said the bill would cost taxpayers $2 billion over ten years, according to the CBO.",
             "Wages rose.", "Our state has the lowest taxes in the region, the governor claimed on Monday."]
    serial, parallel = SentenceEncoder(model_dir("minilm"), threads=1), SentenceEncoder(model_dir("minilm"), threads=2)
    for batch_size in (1, 2):
        one, many = serial.encode(texts, batch_size=batch_size), parallel.encode(texts, batch_size=batch_size)
        assert np.array_equal(one, many)
    alone = serial.encode(texts[2:3], batch_size=1)[0]
    assert np.array_equal(parallel.encode(texts, batch_size=1)[2], alone)  # rows are not mixed up
    assert not np.array_equal(one[0], one[1])


def test_propaganda_encoder_gives_the_same_outputs_with_windows_side_by_side():
    # Windows run side by side on a single-threaded session (threads=2) or one after another
    # (threads=1): each window's tag probabilities and states must be the same, in their places.
    import numpy as np

    from unspin.analyzers.models import model_dir
    from unspin.inference.propaganda import PropagandaModel

    texts = [FLAG_WAVING * 6, WEATHER, PARTISAN * 4]  # several windows of different lengths
    sentences = [[(0, len(t))] for t in texts]
    one = PropagandaModel.load(model_dir("propaganda"), threads=1).encode(texts, sentences)
    two = PropagandaModel.load(model_dir("propaganda"), threads=2).encode(texts, sentences)
    assert sum(len(e.windows) for e in one) >= 4
    for a, b in zip(one, two):
        assert len(a.windows) == len(b.windows)
        for pa, pb, ha, hb in zip(a.tag_probs, b.tag_probs, a.hidden, b.hidden):
            assert np.array_equal(pa, pb) and np.array_equal(ha, hb)
