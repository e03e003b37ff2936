"""Write the model cards from the recorded figures, so the cards never drift from the measurements.

    python -m training.cards      # after training, `benchmarks/eval_all.py` and `benchmarks/calibration.py`

Reads the models' config/metrics files and build/eval/{results,calibration}.json.
"""
from __future__ import annotations

import json

from unspin.analyzers.models import model_set

from . import splits

# The shipped models, or the model set chosen with UNSPIN_MODELS (its evaluation in build/eval-<set>).
MODELS = model_set() or splits.ROOT / "src" / "unspin" / "models"
EVAL = splits.eval_dir()


def _eval_command() -> str:
    chosen = model_set()
    return f"UNSPIN_MODELS={chosen} make eval" if chosen else "make eval"


def _load(path):
    return json.loads(path.read_text()) if path.exists() else {}


def propaganda_card() -> str:
    config = _load(MODELS / "propaganda" / "config.json")
    results = _load(EVAL / "results.json")
    calibration = _load(EVAL / "calibration.json")
    dev = config.get("dev", {})
    si, flc, tc = (results.get(k, {}).get("score", {}) for k in ("ptc-si", "ptc-flc", "ptc-tc"))
    per_flc, per_tc = flc.get("per_technique", {}), tc.get("per_technique", {})
    rows = "\n".join(
        f"| {t} | {per_tc.get(t, {}).get('gold', 0)} | {per_tc.get(t, {}).get('f1', 0):.3f} | "
        f"{per_flc.get(t, {}).get('f1', 0):.3f} |" for t in sorted(set(per_tc) | set(per_flc)))
    history = "\n".join(f"| {h['epoch']} | {h['loss']:.3f} | {h['si_f1']:.4f} | {h['tc_micro_f1']:.4f} |"
                        for h in config.get("history", []))
    cal = calibration.get("propaganda spans", {})
    aux = config.get("auxiliary_tasks") or []
    if config.get("layers"):  # a distilled student (training/propaganda_student.py)
        what = (f"the shipped propaganda model distilled into {len(config['layers'])} of its 6 encoder layers "
                f"(teacher layers {config['layers']} kept, with its tagger and span classifier), trained on the "
                f"gold labels and the teacher's soft outputs (weight {config.get('alpha')}, temperature "
                f"{config.get('distil_temperature')})")
        recipe = "`make train-fast` (`training/propaganda_student.py`; about 25 min on 2 CPU cores, seeded)"
    else:
        what = ("all-MiniLM-L6-v2 (6 layers, 384-d, 22.6 M parameters) fine-tuned with a BIO token head "
                "(propaganda spans, task SI) and a span classifier (14 techniques, task TC)"
                + (", and auxiliary sentence heads for " + ", ".join(aux) + " (multi-task; dropped after training)"
                   if aux else ""))
        recipe = "`make train-propaganda` (`training/propaganda.py`; about 50-60 min on 2 CPU cores, seeded)"
    sizes = ", ".join(f"{name} {(MODELS / 'propaganda' / name).stat().st_size / 1e6:.1f} MB"
                      for name in ("model.onnx", "span_head.npz", "tokenizer.json")
                      if (MODELS / "propaganda" / name).exists())
    return f"""# Model card: `propaganda` (shared encoder, span tagger, technique classifier)

* **What:** {what}.
  Exported to ONNX (onnxruntime BERT fusion), dynamic int8 quantization per channel; the span
  classifier (a 2-layer MLP) runs in numpy from `span_head.npz`. The encoder also gives the
  sentence vectors every other model head reads (`analyzers/encoder.py`).
* **Version:** {config.get('version', '?')}; seed {config.get('seed')}; {config.get('epochs')} epochs, best epoch {config.get('best_epoch')} (by dev SI F1 + TC micro-F1).{(' ' + config['tuning_note'] + '.') if config.get('tuning_note') else ''}
* **Recipe:** {recipe}.
* **Size:** {sizes}.
* **Decoding (tuned on dev):** token threshold {config.get('threshold')}, spans within {config.get('merge_gap')} characters on a line joined, spans under {config.get('min_chars')} characters dropped;
  classifier temperature {config.get('temperature')}; a second technique is added when its probability is at least {config.get('second_label')}.
* **Score:** calibrated (logistic calibration on dev, coefficients in config.json) probability that
  at least half of the span lies in gold spans of the same technique.

## Data

Propaganda Techniques Corpus v2 (SemEval-2020 Task 11), the 371 training articles in
`../shared/data/ptc` (the official dev and test sets are held back). Split by article
(`data/splits/ptc.json`): {len(splits.load('ptc')['train'])} train, {len(splits.load('ptc')['dev'])} dev, {len(splits.load('ptc')['test'])} test.
**Licence of the data: not stated** by the source. Cite Da San Martino et al., EMNLP 2019 and
SemEval 2020. Base weights: all-MiniLM-L6-v2, Apache-2.0.

## Metrics

Official metrics (SemEval-2020 T11 scorers, re-implemented in `unspin/evaluation/ptc.py`).

| split | SI F1 (P / R) | FLC F1 | TC micro-F1 |
|---|---|---|---|
| dev ({dev.get('articles', '?')} articles, int8, used for tuning) | {dev.get('si', {}).get('f1', 0):.4f} ({dev.get('si', {}).get('precision', 0):.3f} / {dev.get('si', {}).get('recall', 0):.3f}) | | {dev.get('tc_micro_f1', 0):.4f} |
| **test** ({si.get('articles', '?')} articles, never seen) | **{si.get('f1', 0):.4f}** ({si.get('precision', 0):.3f} / {si.get('recall', 0):.3f}) | **{flc.get('f1', 0):.4f}** | **{tc.get('micro_f1', 0):.4f}** |

The dev row was measured on the CPU that tuned the decoding, with that CPU's int8 arithmetic; the
test row with the int8 products unspin computes by default, which can read dev a point lower
(docs/training.md gives both for the shipped version).

Reproduce the test row: `{_eval_command()}` (or `python -m training.materialize ptc && python benchmarks/eval_all.py ptc-si ptc-flc ptc-tc`).
For scale: the SemEval-2020 winners reached SI F1 0.515 and TC micro-F1 0.620 on the official
test set with ensembles of large transformers on GPUs.

Calibration of span scores on the test split: ECE {cal.get('ece', float('nan')):.3f} over {cal.get('n', 0)} predicted spans
(reliability table in docs/benchmarks.md; plot in docs/img/reliability-propaganda.svg).

### Per technique (test split)

| technique | gold spans | TC F1 (given spans) | FLC F1 (found spans) |
|---|---|---|---|
{rows}

### Training history (dev, torch fp32)

| epoch | loss | SI F1 | TC micro-F1 |
|---|---|---|---|
{history}

## Known failure modes

* Rare techniques (Bandwagon, Thought-terminating clichés, Whataboutism/straw man/red herring,
  Black-and-white fallacy) are seldom found: few training examples, and they need discourse
  context that a 256-token window of one article does not always hold.
* Repetition is never flagged by `unspin analyze` (since 1.0.4): the PTC marks it on the repeated
  occurrences of a phrase, which the tagger does not find, and the spans it found and the
  classifier called Repetition were wrong 26 times in 27 on dev. `classify_techniques` still
  names it for spans given to it whose words the article says more than once (TC F1 0.51 on test).
* Quotes: the annotators marked propaganda in quoted speech too, so the model flags what a quoted
  politician says as the article's propaganda. The span is right; the attribution is the reader's.
* Span boundaries are fuzzy (the metric gives partial credit for overlap); spans often cover a
  whole clause where annotators marked a few words.
* Identity words: the tagger marks a plain "white" or "Black" as Name calling (47 of the 10,342
  spans it found on the 645 SemEval-2019 articles, 112 spans naming only a group of people). Since
  1.0.7 a span made only of identity words, plain group nouns and function words is dropped
  (`inference/group_names.py`, a word list: a group it does not list still gets flagged);
  a span with a loaded word ("illegal aliens", "radical Muslims") stays.
* Quotation marks: a span that leaves a quotation open takes in the mark that closes it when that
  mark touches the span (1.0.5, 1.0.6) or follows the one punctuation mark US style puts inside a
  quotation ('"fake news."', 1.0.8); a span that opens a longer quotation and ends within it still
  shows one mark (42 of about 2,950 spans on 150 hyperpartisan articles).
* English news only; trained on 2017-2018 articles, mostly US politics.
"""


def heads_card() -> str:
    metrics = _load(MODELS / "heads" / "metrics.json")
    results = _load(EVAL / "results.json")
    calibration = _load(EVAL / "calibration.json")
    cw, cb, bias, hp = (metrics.get(k, {}) for k in ("checkworthy", "clickbait", "bias", "hyperpartisan"))
    cv_fairness = _load(EVAL / "fairness_cv.json")

    def r(name, metric):
        return results.get(name, {}).get("score", {}).get(metric, float("nan"))

    def ece(name):
        return calibration.get(name, {}).get("ece", float("nan"))

    def fair(block):
        rows = []
        for side, v in sorted(block.items()):
            fpr = v.get("false_positive_rate")
            tpr = v.get("true_positive_rate")
            rows.append(f"| {side} | {v['negatives']} | {fpr if fpr is None else round(fpr, 3)} | "
                        f"{v['positives']} | {tpr if tpr is None else round(tpr, 3)} |")
        return "\n".join(rows)

    def fair_cv(name: str) -> str:
        block = cv_fairness.get(name)
        if not block:
            return "(not measured: run `python benchmarks/fairness_cv.py`)"
        lo_f, hi_f = block["left_minus_right_95"]["false_positive_rate"]
        lo_t, hi_t = block["left_minus_right_95"]["true_positive_rate"]
        return ("| leaning | negatives | FPR | positives | TPR |\n|---|---|---|---|---|\n"
                + fair(block["by_leaning"])
                + f"\n\nLeft minus right, 95 % bootstrap interval: FPR [{lo_f:+.3f}, {hi_f:+.3f}], "
                  f"TPR [{lo_t:+.3f}, {hi_t:+.3f}].")

    recipe = "`make train-fast`, on that set's encoder" if model_set() else "`make train-heads`"
    probe = "\n".join(f"| {g} | {v['n']} | {v['as written']:.2f} | {v['other case']:.2f} |"
                      for g, v in cb.get("style_probe", {}).items())
    cb_test, cb_other = cb.get("test", {}), cb.get("test_other_case", {})
    identity = "\n".join(f"| {g} | {p:.3f} |" for g, p in cb.get("identity_probe", {}).items())
    return f"""# Model card: `heads` (check-worthiness, clickbait, biased wording, hyperpartisan)

Calibrated logistic regressions (scikit-learn; stored as gzipped JSON, no pickles) over the
shared encoder's vectors (`models/propaganda`, the mean of a sentence's token states; for
articles the mean and max over sentences) plus word n-gram TF-IDF (and character n-grams for
headlines). Recipe: {recipe} (`training/heads.py`, ~10 min on 2 cores, deterministic).
The bias head also carries a lexicon: the words the BABE/MBIC experts marked as biased in at
least 2 training-side sentences and in at least a quarter of the training-side sentences that use
them ({bias.get('lexicon_words', '?')} words; a word such as "people", marked in 2 of the 194
training sentences that use it, is left out). It gives the head five features per sentence (how
many such words, their largest and summed share of marks, and the same as log-odds; for training
sentences, from lexicons built without them) and points at the words in a flagged sentence.
In the recipe's own test run, the lexicon moves macro-F1 from {bias.get('without_lexicon', {}).get('test', {}).get('macro_f1', float('nan')):.4f} to
{bias.get('test', {}).get('macro_f1', float('nan')):.4f} (the test split's 95 % interval is about ±0.03); in cross-validation on train+dev, from
{bias.get('without_lexicon', {}).get('selection', '?')} to {bias.get('selection', '?')}.

| head | data (licence) | split | test metric | ECE (test) |
|---|---|---|---|---|
| checkworthy | CheckThat! 2024 task 1 English (not stated; derives from ClaimBuster) | train+dev (5-fold CV, debates held out) / dev-test files | F1(Yes) **{r('checkworthy', 'f1_yes'):.4f}** on dev-test | {ece('checkworthy'):.3f} |
| clickbait | Chakraborty et al. 2016 (MIT) | 70/10/20 by line | accuracy **{r('clickbait', 'accuracy'):.4f}** | {ece('clickbait'):.3f} |
| bias | BABE SG2 (AGPL-3.0 repository) | 80 (5-fold CV) / 20 by text | macro-F1 **{r('bias', 'macro_f1'):.4f}** | {ece('bias'):.3f} |
| hyperpartisan | SemEval-2019 Task 4 by-article (CC BY 4.0 on Zenodo) | 80 (5-fold CV) / 20 by id | accuracy **{r('hyperpartisan', 'accuracy'):.4f}** | {ece('hyperpartisan'):.3f} |

Test figures come from `unspin eval` on the held-out files (`{_eval_command()}`). Licences as stated by
the sources (see ../shared/data/README.md); BABE's repository is AGPL-3.0, which may bind the
trained weights: check before redistributing the bias head commercially.

## Check-worthiness in context

At run time a sentence is read inside its article, and the encoder's vector of a sentence also
reflects its neighbours; the benchmark gives sentences alone. The head is trained and calibrated
on both views (the debate order comes from ClaimBuster's File_id and Line_number).
The dev file shares 30 of its 33 debates with train, so it flatters a model that has learnt those
debates (1.0.0 of this head: dev F1 0.890, dev-test 0.762). Since 1.1.0 the head is fitted on
train+dev, and C, the calibration and the threshold come from 5-fold cross-validation that holds
whole debates out ({cw.get('selection', '?')}); dev-test (alone) F1 {cw.get('test', {}).get('f1_positive', float('nan')):.4f}.
The dev-test file has a higher share of check-worthy sentences (34 %) than train+dev (24 %), so
probabilities calibrated there run low on dev-test (ECE above).

Since 1.2.0 the head also learns from a teacher: the fine-tuned classifier of `make train-finetuned`
(better at ranking, but a second encoder pass at run time) gives its probabilities for the 20,673
body sentences of the BBC articles at odd positions of the sorted file list, read inside their
articles as `analyze` reads them; each sentence is a positive training row with weight 3p and a
negative one with weight 3(1 - p), in every cross-validation fold and in the final fit, never
scored. The weight was chosen among 0.3, 1, 3 and 10 on the 7 debates the teacher never trained on.
It makes the head flag more news sentences: 79 % of the sentences of 300 held-out BBC articles
against 71 % for 1.1.0 (raise `claims.threshold` for fewer).

## Clickbait: outlet style or clickbait?

Every clickbait headline in the data comes from BuzzFeed-like sites and every other one from news
outlets, so a model can learn the outlets' topics and style. Letter case is part of that style:
99.4 % of the clickbait headlines are in Title Case against 39 % of the news headlines. Head 1.0.0
read it (its character n-grams kept case): with every test headline rewritten in the other case
(Title Case to sentence case and back, `training/letter_case.py`) its accuracy fell from 0.986 to
0.923, and it missed 14 % of the clickbait headlines written in sentence case. Since 1.1.0 the
head is trained on both cases of every training headline, and C is chosen on dev as written and in
the other case: test accuracy {cb_test.get('accuracy', float('nan')):.4f} as written, {cb_other.get('accuracy', float('nan')):.4f} in the other case (the recipe's run;
`unspin eval` gives the figure above). It costs in-data accuracy (1.0.0: 0.986), which the case
had been buying.

A probe of 60 headlines written for this check (`training/data/clickbait_probe.jsonl`), as written
and in the other case:

| group | headlines | accuracy, as written | in the other case |
|---|---|---|---|
{probe}

(Head 1.0.0 on the same probe: 0.65 / 0.30 for clickbait wording about news topics, 0.95 / 0.70 for
plain wording about viral topics, as written / in the other case.)

The group a headline names (since 1.2.0): the viral sites wrote about some groups far more than
the news outlets did ("black" is in 105 clickbait headlines against 19 news ones), so the recipe
adds, for each training headline with one of 21 identity words, four copies with the word swapped
for others (`training/identity_swaps.py`). Mean clickbait probability of four plain news headlines
about each group (sentence case; `identity_probe` in metrics.json; 1.1.0 gave "Black" 0.25,
"Transgender" 0.29; 1.2.0 0.15 and 0.12):

| group | probability |
|---|---|
{identity}

The copies narrowed the gap to "Local" but did not close it: through `analyze`, head 1.2.0 still
gave "Gay students win regional science prize" 0.61 (1.1.0: 0.84; "Local students ..." 0.03), as
the encoder's vector of a headline moves with the group it names. Since 1.3.0 the recipe also
finds the 16 directions in which those swaps move training headlines' vectors most, and fits the
vector block without them (its weights are orthogonal to them): that headline now gets 0.13, and
no group's four headlines average more than 0.06 through `analyze` ("Local": 0.01). The
templates were written for this check and are no held-out measure; on dev, swapping a
headline's group word moves its probability by 0.029 on average (1.2.0: 0.037).

Finding: the head leans on topic as well as form: clickbait wording about news topics is
recognised about {cb.get('style_probe', {}).get('news topic, clickbait wording', {}).get('as written', float('nan')):.0%} of the time, and plain wording about viral topics is called
clickbait about {1 - cb.get('style_probe', {}).get('viral-site topic, plain news wording', {}).get('as written', float('nan')):.0%} of the time. The rule-based headline cues (shown as evidence) read
neither topic nor case, and catch part of what it misses.

## Fairness by outlet leaning (test splits)

False-positive rate = share of not-biased / not-hyperpartisan items flagged. Leaning: BABE's own
`type` column; for SemEval articles, MBFC's bias rating of the URL's domain.

Biased wording, trained with reweighing (Kamiran & Calders: weights that make the label
independent of the outlet's leaning in training):

| leaning | negatives | FPR | positives | TPR |
|---|---|---|---|---|
{fair(bias.get('fairness', {}))}

Without reweighing (for comparison, same split):

| leaning | negatives | FPR | positives | TPR |
|---|---|---|---|---|
{fair(bias.get('without_reweighing', {}).get('fairness', {}))}

Hyperpartisan:

| leaning | negatives | FPR | positives | TPR |
|---|---|---|---|---|
{fair(hp.get('fairness', {}))}

The groups are small (tens of items): differences of 0.1 are within noise.

## Fairness by outlet leaning (out of fold on train+dev)

The same rates over the items the heads were selected on, each predicted by a model fitted
without it (5 folds, the shipped settings, calibration and threshold;
`python benchmarks/fairness_cv.py`): four to seven times as many items per group as the test splits.

Biased wording:

{fair_cv("bias")}

Hyperpartisan:

{fair_cv("hyperpartisan")}

## Known failure modes

* Check-worthiness was learned from US presidential debates: opinions phrased with numbers count
  as claims, and routine facts in news ("The meeting is on Monday") can score high.
* The clickbait head reads topic as part of the viral sites' style: it flags 11 % of the BBC's
  entertainment headlines, most of them plain news ("Stars pay tribute to actor Davis" 0.97),
  against 1 % of its business ones (docs/benchmarks.md, "Topic is outlet style too").
* The bias head marks sentences, not words; the marked words come from the annotators' lexicon
  and are shown only where the sentence contains them. It leans on words (1.1.0 weighs word
  n-grams above the encoder's vector), so it follows BABE's vocabulary of US political news: on
  BBC articles it marks about 1 sentence in 10, some of them plain ("Share this if you agree!").
* The bias head reads the group a sentence names: "{{}} have complained for years that the council
  ignores them." scores 0.35 for farmers and 0.63 for Muslims, 0.70 for Republicans (flagged at
  0.52; `benchmarks/group_probe.py`). Head 1.2.1 gave 0.23 / 0.58 / 0.72: since 1.3.0 it learns
  from copies of each sentence that names a group with the word swapped, and its vector block
  is fitted without the directions of such swaps, which narrows the spread over ten groups by
  about a third without closing it (docs/benchmarks.md, "The group a text names").
* Hyperpartisan was learned from 645 articles of 2016-2018 US politics; other topics and countries
  are out of its experience. On the BBC articles no recipe learns from (even files, 1,113) it
  flags 2.7 %: 6.0 % of the technology stories, 4.2 % of entertainment, 3.4 % of politics, 0.8 % of
  sport and 0.4 % of business, none of them partisan (docs/benchmarks.md, "Hyperpartisan on news
  outside US politics"). On the test split it found hyperpartisan articles from right-leaning
  outlets far more often than from left-leaning ones (13 and 23 articles); out of fold on the 497
  train+dev articles it does not (true-positive rates above), so that test gap is most likely chance.
* Out of fold, the bias head finds biased sentences from left-leaning outlets a little more often
  than from right-leaning ones (true-positive rates above; the interval of the gap excludes zero),
  while the interval of its false-positive gap includes zero.
"""


def sentence_student_card() -> str:
    """The card of a distilled claim-matching encoder (`training.sentence_student`) in a model set."""
    config = _load(MODELS / "minilm" / "config.json")
    test = _load(MODELS / "minilm" / "matching-metrics.json").get("test", {})
    shipped = _load(splits.ROOT / "src" / "unspin" / "models" / "minilm" / "matching-metrics.json").get("test", {})
    size = (MODELS / "minilm" / "model.onnx").stat().st_size / 1e6

    def cell(source: dict, task: str, mode: str) -> str:
        value = source.get(task, {}).get(mode, {}).get("map_at_5")
        return f"{value:.3f}" if value is not None else "–"

    latest = _load(splits.ROOT / "build" / "eval" / "results.json")  # `make eval` of the shipped models, here
    hybrid = [latest.get(k, {}).get("score", {}).get("map_at_5") for k in
              ("claim-match (2A tweets→Snopes)", "claim-match (2B debates→PolitiFact)")]
    exact = (f"`make eval` on this machine gives it {hybrid[0]:.3f} / {hybrid[1]:.3f} hybrid (2A / 2B)." if None not in hybrid
             else "run `make eval` for its figures on this machine.")

    def rate(source: dict, key: str) -> str:
        return " / ".join(f"{source.get(t, {}).get(key, float('nan')):.1%}" for t in ("2a", "2b"))

    wrong = (f"held-out BBC claims whose best candidate in the 2A / 2B collection is shown (≥ 0.5) "
             f"{rate(test, 'held_out_news_false_rate')} against {rate(shipped, 'held_out_news_false_rate')}; test "
             f"queries with their fact-checks taken out that still get one shown {rate(test, 'no_match_false_rate')} "
             f"against {rate(shipped, 'no_match_false_rate')}.")
    rows = "\n".join(f"| {label} | {cell(test, task, mode)} | {cell(shipped, task, mode)} |"
                     for task, name in (("2a", "2A tweets → Snopes"), ("2b", "2B debates → PolitiFact"))
                     for mode, label in (("lexical", f"{name}, lexical (BM25)"), ("semantic", f"{name}, semantic alone"),
                                         ("hybrid", f"**{name}, hybrid + re-ranker**")))
    return f"""# Model card: `minilm` of this model set ({config.get('name')}, opt-in)

* **What:** all-MiniLM-L6-v2 with only its layers {config.get('layers')} kept, trained to give the
  direction of the full model's sentence vectors (loss: 1 - cosine to the fp32 teacher), then
  exported like the shipped encoder: mean pooling and L2 normalisation in the graph, dynamic int8
  per channel, 384-d unit vectors, the same tokenizer. Plus `reranker.json`, refitted on its cosines.
* **Why:** the fact-check import and the `claims` analyzer with a store spend most of their time
  embedding claims; this encoder does it about twice as fast (docs/benchmarks.md).
* **Not interchangeable:** its vectors are not the shipped encoder's. A fact-check store records the
  model that embedded it and is refused by the other (`unspin factchecks reembed` converts it).
* **Data** ({config.get('distilled_on')}; no label is read): the fact-checks of the CheckThat! 2022
  2A/2B collections ("free for general research use"), LIAR train + valid (licence not stated),
  Share the Facts 2017 (not stated; claims are the publishers'), the CheckThat! 2022 2A/2B training
  queries of unspin's split only, the CheckThat! 2024 task 1 train sentences, and the sentences of
  the BBC articles at odd positions ("All rights ... owned by the BBC"; research use). The
  CheckThat! 2020 tweets are left out: they are the 2A training tweets under other ids.
* **Recipe:** `python -m training.sentence_student --out DIR/minilm` (seed 0, 2 CPU threads,
  {config.get('epochs')} epochs), then `UNSPIN_MODELS=DIR python -m training.matcher` for the re-ranker.
* **Held-out texts (2 %):** mean cosine {config.get('held_out_cosine_to_teacher')} to the teacher's vector.
* **Size:** model.onnx {size:.1f} MB.

| MAP@5 on the held-out 30 % of the CheckThat! queries | this encoder | shipped all-MiniLM-L6-v2 (its matching-metrics.json) |
|---|---|---|
{rows}

The shipped encoder's column was recorded when its re-ranker was trained, on a CPU whose int8
kernels saturate; {exact}

Known failure modes: those of the teacher (English only; topic overlap can pass for a match, which
the re-ranker's news negatives hold back), plus what it lost in distillation: {1 - float(config.get('held_out_cosine_to_teacher') or 0):.3f}
mean cosine away from the teacher on held-out texts. It shows more wrong matches: {wrong}
"""


def finetuned_card(folder) -> str:
    """The card of a fine-tuned sentence classifier (`training.sentence_finetune`), opt-in in a model set."""
    config = _load(folder / "config.json")
    metrics = _load(folder / "metrics.json")
    task = folder.name
    selection, test, int8 = metrics.get("selection", {}), metrics.get("test", {}), metrics.get("test_int8", {})
    crossed = selection.get("cross_fitted") or {}
    size = (folder / "model.onnx").stat().st_size / 1e6 if (folder / "model.onnx").exists() else 0.0
    data = {"checkworthy": "CheckThat! 2024 task 1 English train+dev (CLEF CheckThat! lab; research use), "
                           "one debate in five held out as the selection set; dev-test for the report",
            "bias": "BABE SG2/SG1 (AGPL-3.0) on unspin's split: train / dev (selection) / test"}.get(task, "")
    used = ("`claims` and `unspin eval predict checkworthy` read it instead of the check-worthiness head when "
            "`$UNSPIN_MODELS` names the set that holds it" if task == "checkworthy"
            else "unspin does not read it: measured for docs/benchmarks.md only")
    shift = ("calibrated on the selection set, so its probabilities run low where check-worthy sentences are "
             "more common than there (dev-test has 34 % against 24 %)." if task == "checkworthy" else
             "calibrated on 303 dev sentences only.")
    crossed_line = (f" Cross-fitted (each held-out debate scored with the calibration and threshold of the "
                    f"other {crossed.get('groups', 0) - 1}): F1 {crossed.get('f1_yes', 0):.3f}, ECE {crossed.get('ece', 0):.3f}."
                    if crossed else "")
    return f"""# Model card: `{task}` of this model set (fine-tuned sentence classifier, opt-in, not shipped)

* **What:** all-MiniLM-L6-v2 with a linear layer on its mean-pooled token states, fine-tuned end to
  end on sentences read alone, best of {len(metrics.get('history', []))} epochs (epoch {metrics.get('best_epoch')}), then exported as dynamic int8
  ONNX ({size:.1f} MB) with its Platt calibration {[round(x, 4) for x in config.get('calibration', [])]} and threshold
  {config.get('threshold')} in config.json.
* **Used by:** {used}.
* **Cost:** a second encoder pass over every sentence of an article, one sentence per call
  (`benchmarks/bench_sentence_model.py`); see docs/benchmarks.md.
* **Data:** {data}.
* **Recipe:** `python -m training.sentence_finetune --task {task} --export` (seed 13, 2 CPU threads).
* **Selection set ({selection.get('name')}, n={selection.get('n')}):** {metrics.get('metric')} {selection.get('f1_yes' if task == 'checkworthy' else 'macro_f1', 0):.3f} at the threshold chosen on it
  (optimistic), ECE {selection.get('ece', 0):.3f}.{crossed_line}
* **Test (n={test.get('n')}):** torch fp32 F1 (positive class) {test.get('f1_yes', 0):.3f}, macro-F1 {test.get('macro_f1', 0):.3f},
  ECE {test.get('ece', 0):.3f}; int8 ONNX through unspin's loader: F1 {int8.get('f1_yes', 0):.3f}, macro-F1
  {int8.get('macro_f1', 0):.3f}, ECE {int8.get('ece', 0):.3f}.

Known failure modes: it reads each sentence alone, so a sentence whose subject is a pronoun ("It
rose 4 %") is judged without its antecedent; English only; {shift}
"""


def main() -> None:
    (MODELS / "propaganda" / "MODEL_CARD.md").write_text(propaganda_card())
    (MODELS / "heads" / "MODEL_CARD.md").write_text(heads_card())
    if "layers" in _load(MODELS / "minilm" / "config.json"):  # a distilled encoder in a model set
        (MODELS / "minilm" / "MODEL_CARD.md").write_text(sentence_student_card())
    print("wrote the model cards")


if __name__ == "__main__":
    main()
