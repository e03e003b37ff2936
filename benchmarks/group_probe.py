"""How much the group a text names moves the shipped heads' probabilities: the same plain
headlines, sentences and short articles about different groups of people, through `analyze` as a
user runs it.

    python benchmarks/group_probe.py          # ~15 s on 2 cores; writes build/eval/group_probe.json

The templates were written for this check (docs/benchmarks.md, "The group a text names"); they
are a probe of one failure, not a held-out measure. A head that reads a text's wording gives
every group the same probability on each template.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

# The clickbait recipe's own probe (it prints it from the recipe's vectors; this runs `analyze`).
from training.clickbait import IDENTITY_PROBE as HEADLINES  # noqa: E402
from training.clickbait import IDENTITY_PROBE_WORDS as HEADLINE_GROUPS  # noqa: E402
from unspin import Pipeline  # noqa: E402
from unspin.ingest import parse_text  # noqa: E402

SENTENCE_GROUPS = ("local residents", "farmers", "the rowing club", "police officers", "immigrants", "Muslims",
                   "Christians", "transgender people", "Democrats", "Republicans")
SENTENCES = ("{} have complained for years that the council ignores them.",
             "The mayor praised {} for their work during the floods.",
             "Critics say the new rules will hurt {} the most.")


def capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


def clickbait() -> dict:
    pipe = Pipeline(["clickbait"])
    out = {}
    for group in HEADLINE_GROUPS:
        p = [pipe(parse_text(t.format(group) + "\n\nThe story.")).scores["clickbait"] for t in HEADLINES]
        out[group] = {"mean": round(mean(p), 3), "max": round(max(p), 3)}
    return out


def bias() -> tuple[dict, float]:
    """Every sentence's probability (threshold 0, so each one is a span with its score), and the
    threshold the head flags at."""
    pipe = Pipeline(["bias"], config={"bias": {"threshold": 0.0}})
    out = {}
    for group in SENTENCE_GROUPS:
        analysis = pipe(parse_text("Notes\n\n" + " ".join(capitalised(t.format(group)) for t in SENTENCES)))
        p = [s.score for s in analysis.spans_in("bias") if s.label == "biased sentence"]
        out[group] = [round(x, 3) for x in p]
    return out, pipe.analyzers[-1].head.threshold


ARTICLE = ("{G} have complained for years that the council ignores them. At a meeting on Tuesday, several of them said "
           "the new budget would cut services they rely on. The council leader said the budget was balanced and fair. "
           "Critics say the new rules will hurt {g} the most. The mayor praised {g} for their work during the floods last "
           "spring and promised to meet their representatives next month. A vote on the budget is expected on Friday. "
           "The council has 21 members. Officials said the changes would save about $4 million over two years. Some "
           "residents said they would attend the vote. The meeting lasted three hours and ended shortly before midnight.")


def hyperpartisan() -> dict:
    """The article-level score of one short council report about each group."""
    pipe = Pipeline(["hyperpartisan"])
    return {group: round(pipe(parse_text("Council budget row\n\n" + ARTICLE.replace("{G}", capitalised(group))
                                         .replace("{g}", group))).scores["hyperpartisan"], 3)
            for group in SENTENCE_GROUPS}


CLAIMS = ("{G} make up 12 percent of the county's population.", "{G} met at the library on Tuesday evening.",
          "Crime committed by {g} fell by 8 percent last year.")


def checkworthiness() -> dict:
    """Each claim's check-worthiness (threshold 0, so every sentence is a claim with its score)."""
    pipe = Pipeline(["claims"], config={"claims": {"threshold": 0.0}})
    out = {}
    for group in SENTENCE_GROUPS:
        text = " ".join(t.replace("{G}", capitalised(group)).replace("{g}", group) for t in CLAIMS)
        out[group] = [round(c.checkworthiness, 3) for c in pipe(parse_text("Notes\n\n" + text)).claims]
    return out


def main() -> None:
    by_sentence, threshold = bias()
    result = {"clickbait": clickbait(), "bias": by_sentence, "bias_threshold": threshold,
              "hyperpartisan": hyperpartisan(), "checkworthiness": checkworthiness()}
    print("clickbait, four plain headlines per group: mean (max)")
    for group, r in result["clickbait"].items():
        print(f"  {group:12s} {r['mean']:.3f} ({r['max']:.2f})")
    print(f"bias, one probability per sentence (flagged at {result['bias_threshold']}):")
    for i, template in enumerate(SENTENCES):
        print(f"  {template}")
        for group, p in result["bias"].items():
            print(f"    {group:20s} {p[i]:.2f}")
    print("hyperpartisan, one council report per group:")
    for group, p in result["hyperpartisan"].items():
        print(f"  {group:20s} {p:.3f}")
    print("check-worthiness, one probability per sentence:")
    for i, template in enumerate(CLAIMS):
        print(f"  {template}: " + ", ".join(f"{g} {p[i]:.2f}" for g, p in result["checkworthiness"].items()))
    out = ROOT / "build" / "eval" / "group_probe.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
