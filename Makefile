# unspin: every target creates the virtual environment it needs.
PYTHON ?= python3
VENV ?= .venv
TRAIN_VENV ?= .venv-train
BIN := $(VENV)/bin
TBIN := $(TRAIN_VENV)/bin
SHARED ?= ../shared/data
export UNSPIN_SHARED_DATA := $(abspath $(SHARED))

.PHONY: demo test venv train-venv train train-propaganda train-encoder train-heads train-matcher train-fast train-finetuned eval bench clean help

help:
	@echo "make demo    - analyse the bundled example article (creates .venv)"
	@echo "make test    - run the test suite (creates .venv)"
	@echo "make eval    - score the shipped models on the held-out splits (needs ../shared/data)"
	@echo "make bench   - speed benchmarks (needs ../shared/data)"
	@echo "make train   - retrain every shipped model (creates .venv-train with torch)"
	@echo "make train-fast - a 1.5-1.9x faster, slightly less accurate model set in $(FAST); use it with UNSPIN_MODELS=$(FAST)"
	@echo "make train-finetuned - a more accurate, slower check-worthiness classifier in $(FINETUNED); UNSPIN_MODELS=$(FINETUNED)"

$(BIN)/.installed: pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements/lock.txt -e ".[test]"
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/unspin analyze examples/article.txt
	$(BIN)/unspin analyze examples/article.txt --format html -o examples/article.report.html
	@echo "HTML report written to examples/article.report.html"

test: venv
	$(BIN)/python -m pytest -q tests

$(TBIN)/.installed: pyproject.toml requirements/lock.txt requirements/train-lock.txt
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TBIN)/python -m pip install -q --upgrade pip
	$(TBIN)/python -m pip install -q -c requirements/lock.txt -c requirements/train-lock.txt -e ".[train]"
	touch $@

train-venv: $(TBIN)/.installed

train-propaganda: train-venv
	$(TBIN)/python -m training.propaganda

train-encoder: train-venv
	$(TBIN)/python -m training.sentence_encoder

# The check-worthiness head learns from the opt-in fine-tuned classifier's probabilities on news
# sentences (docs/training.md), so the heads need it built first.
TEACHER := build/models-finetuned/checkworthy/model.onnx
$(TEACHER): | train-venv
	$(TBIN)/python -m training.sentence_finetune --task checkworthy --export --out $(dir $(TEACHER))

train-heads: train-venv $(TEACHER)
	$(TBIN)/python -m training.heads

train-matcher: train-venv
	$(TBIN)/python -m training.matcher

# The order matters: the heads read the propaganda encoder's vectors (and the fine-tuned classifier).
train: train-propaganda train-encoder train-heads train-matcher

# The fast model set (docs/training.md): the propaganda encoder distilled to 3 of its 6 layers, and
# heads retrained on its vectors; the claim-matching encoder distilled to 3 layers too, with its
# re-ranker refitted (a fact-check store must be embedded by the set it is used with). Not shipped (the shipped set is more accurate); select it with
# UNSPIN_MODELS=build/models-fast. It needs the shipped teacher's torch weights, which the propaganda
# recipe reproduces (into build/, leaving the shipped model untouched) when they are missing.
FAST := build/models-fast
train-fast: train-venv $(TEACHER)
	test -f build/propaganda/best.pt || $(TBIN)/python -m training.propaganda --out build/propaganda/teacher
	$(TBIN)/python -m training.propaganda_student --teacher build/propaganda/best.pt --layers 0,2,4 --out $(FAST)/propaganda
	$(TBIN)/python -m training.heads --encoder $(FAST)/propaganda --out $(FAST)/heads
	$(TBIN)/python -m training.sentence_student --out $(FAST)/minilm
	UNSPIN_MODELS=$(FAST) $(TBIN)/python -m training.matcher
	@echo "fast model set in $(FAST): score it with 'UNSPIN_MODELS=$(FAST) make eval', then write its model cards"
	@echo "with 'UNSPIN_MODELS=$(FAST) $(BIN)/python benchmarks/calibration.py && UNSPIN_MODELS=$(FAST) $(BIN)/python -m training.cards'"

# Opt-in, not shipped (over the weight budget, and a second encoder pass over every sentence): a
# check-worthiness classifier fine-tuned end to end, F1 0.859 against the head's 0.829 on CheckThat!
# 2024 dev-test (the head learns from it) (docs/benchmarks.md). `claims` and `unspin eval` read it with UNSPIN_MODELS=$(FINETUNED).
FINETUNED := build/models-finetuned
train-finetuned: train-venv
	$(TBIN)/python -m training.sentence_finetune --task checkworthy --export --out $(FINETUNED)/checkworthy
	@echo "use it with UNSPIN_MODELS=$(FINETUNED) (claims, unspin eval predict checkworthy)"

eval: venv
	$(BIN)/python -m training.materialize
	$(BIN)/python benchmarks/eval_all.py

bench: venv
	$(BIN)/python benchmarks/bench_analyze.py --corpus $(SHARED)/bbc_news/bbc

clean:
	rm -rf build .pytest_cache
