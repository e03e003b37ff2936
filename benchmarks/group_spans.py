"""Propaganda spans that only name a group of people ("Black", "the Jewish community"): how many
the tagger finds, and whether any are right. The figures behind propaganda 1.0.7's rule
(`inference/group_names.py`; docs/benchmarks.md, "Propaganda 1.0.7").

    python benchmarks/group_spans.py          # ~2 min on 2 cores; needs ../shared/data

1. The gold spans of the PTC training articles made of group words alone.
2. The spans the tagger finds (the rule switched off) in the 88 held-out PTC articles (dev and
   test) that the rule drops, and whether they overlap a gold span.
3. The same on the 645 SemEval-2019 articles (no span labels): what the rule drops.
4. Plain sentences about 30 identities in five templates, alone and between two dull sentences:
   texts with any propaganda span, with the rule off and on.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unspin import Pipeline  # noqa: E402
from unspin.document import Document  # noqa: E402
from unspin.evaluation.ptc import article_document, read_articles  # noqa: E402
from unspin.evaluation.readers import read_semeval_articles  # noqa: E402
from unspin.inference import propaganda  # noqa: E402
from unspin.inference.group_names import names_only_a_group  # noqa: E402
from unspin.ingest import parse_text  # noqa: E402

SHARED = Path(os.environ.get("UNSPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
IDENTITIES = ["Black", "white", "Jewish", "Muslim", "Christian", "gay", "transgender", "Mexican", "Chinese", "Asian",
              "Hispanic", "Arab", "Latino", "immigrant", "Catholic", "Hindu", "lesbian", "Native American",
              "African American", "disabled", "elderly", "young", "Irish", "Polish", "Nigerian", "Indian", "Russian",
              "Iranian", "Korean", "Somali"]
TEMPLATES = ["{} residents met on Tuesday at the community hall to discuss the budget for next year.",
             "The survey asked {} voters about transport, housing and schools.",
             "A group of {} students won the regional science fair on Saturday.",
             "The museum opened an exhibition about {} artists of the last century.",
             "{} families in the county will receive the new school calendar in March."]


def rule(on: bool) -> None:
    propaganda.names_only_a_group = names_only_a_group if on else (lambda text: False)


@lru_cache(maxsize=1)
def pipeline() -> Pipeline:
    """One propaganda pipeline for every part (the rule is looked up at each call, so it can be switched)."""
    return Pipeline(["propaganda"])


def ptc() -> dict:
    base = SHARED / "ptc"
    texts = read_articles(base / "train-articles")
    gold = [line.split("\t") for line in (base / "train-task-flc-tc.labels").read_text().splitlines() if line.strip()]
    grouped = Counter(t for a, t, s, e in gold if names_only_a_group(texts[a][int(s):int(e)]))
    split = json.loads((ROOT / "data" / "splits" / "ptc.json").read_text())
    held = split["dev"] + split["test"]
    prepared = [article_document(a, texts[a]) for a in held]  # (document, shift of its offsets)
    rule(False)
    found = []
    for a, (_, shift), analysis in zip(held, prepared, pipeline().analyze(d for d, _ in prepared)):
        for s in analysis.spans_in("propaganda"):
            if names_only_a_group(analysis.text[s.start:s.end]):
                start, end = s.start - shift, s.end - shift
                right = any(g[0] == a and int(g[2]) < end and start < int(g[3]) for g in gold)
                found.append({"text": analysis.text[s.start:s.end], "label": s.label, "overlaps_gold": right})
    rule(True)
    return {"gold_spans": len(gold), "gold_group_only": sum(grouped.values()), "gold_group_only_by_technique": dict(grouped),
            "held_out_articles": len(held), "found_group_only": found}


def semeval() -> dict:
    arts = list(read_semeval_articles(SHARED / "hyperpartisan_semeval2019" / "articles-training-byarticle-20181122.xml"))
    rule(False)
    spans, dropped = 0, Counter()
    for analysis in pipeline().analyze(Document(title=a.title, body=a.body or a.title, id=a.id) for a in arts):
        for s in analysis.spans_in("propaganda"):
            spans += 1
            text = analysis.text[s.start:s.end]
            if names_only_a_group(text):
                dropped[f"{text.lower()} / {s.label}"] += 1
    rule(True)
    return {"articles": len(arts), "spans": spans, "group_only": sum(dropped.values()), "most_common": dropped.most_common(12)}


def probe() -> dict:
    texts = []
    for identity in IDENTITIES:
        for template in TEMPLATES:
            sentence = template.format(identity)
            sentence = sentence[0].upper() + sentence[1:]
            texts += ["Local news\n\n" + sentence,
                      f"Local news\n\nThe weather was mild on Monday. {sentence} The library will close early on Friday."]
    out = {}
    for on in (False, True):
        rule(on)
        flagged = sum(bool(a.spans_in("propaganda")) for a in pipeline().analyze(parse_text(t) for t in texts))
        out["rule on" if on else "rule off"] = flagged
    return {"texts": len(texts), "texts_with_a_span": out}


def main() -> None:
    result = {"ptc": ptc(), "semeval_2019": semeval(), "probe": probe()}
    found = result["ptc"]["found_group_only"]
    print(f"PTC gold spans of group words alone: {result['ptc']['gold_group_only']} of {result['ptc']['gold_spans']} "
          f"{result['ptc']['gold_group_only_by_technique']}")
    print(f"found in {result['ptc']['held_out_articles']} held-out articles: {len(found)}, "
          f"overlapping a gold span: {sum(f['overlaps_gold'] for f in found)}")
    s = result["semeval_2019"]
    print(f"SemEval-2019: {s['group_only']} of {s['spans']} spans in {s['articles']} articles only name a group; "
          f"most common: {s['most_common']}")
    p = result["probe"]
    print(f"probe: {p['texts']} plain texts; with a span, rule off / on: {p['texts_with_a_span']['rule off']} / "
          f"{p['texts_with_a_span']['rule on']}")
    out = ROOT / "build" / "eval" / "group_spans.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
