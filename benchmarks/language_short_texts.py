"""How often language identification calls a short English text another language, and how often
it catches a short text in another language, by the number of letters read and the confidence
asked for. This chose `unspin.language`'s thresholds (docs/analyzers.md, "Language").

    python benchmarks/language_short_texts.py

English: the Chakraborty 2016 headlines and the Share the Facts statements of PolitiFact, The
Washington Post, FactCheck.org and Snopes. Other languages: the Share the Facts statements of AGI,
Pagella Politica and la Repubblica (Italian), Demagog (Polish) and Univision (Spanish); the data
say nothing of their language (its `language_id` is 1 for every row), so a few may be English.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from unspin.language import _LETTERS, _identifier

ENGLISH_PUBLISHERS = {"PolitiFact", "Washington Post", "FactCheck.org", "Snopes"}
OTHER_PUBLISHERS = {"AGI", "Pagella Politica", "la Repubblica", "Demagog", "Univision"}
BANDS = [(0, 20), (20, 40), (40, 70), (70, 100), (100, 150), (150, None)]
CONFIDENCES = (0.80, 0.99, 0.999)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def texts(data: Path) -> tuple[list[str], list[str]]:
    """(English texts, texts in other languages)."""
    facts = data / "sharethefacts_2017"
    publisher = {o["id"]: o["name"] for o in read_jsonl(facts / "organizations.jsonl")}
    english, other = [], []
    for fact in read_jsonl(facts / "facts.jsonl"):
        name, statement = publisher.get(fact["organization_id"]), fact["statement"] or ""
        if name in ENGLISH_PUBLISHERS:
            english.append(statement)
        elif name in OTHER_PUBLISHERS:
            other.append(statement)
    english += [row["text"] for row in read_jsonl(data / "clickbait_chakraborty2016" / "train.jsonl")]
    return english, other


def identify(items: list[str]) -> list[tuple[int, str, float]]:
    """(letters read, language, probability) as `unspin.language.detect_language` sees each text."""
    identifier = _identifier()
    out = []
    for text in items:
        sample = text[:500]
        lang, prob = identifier.classify(sample)
        out.append((len(_LETTERS.findall(sample)), lang, float(prob)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "data")
    args = parser.parse_args()
    english, other = (identify(t) for t in texts(args.data))
    print("| letters | texts (English / other) | " + " | ".join(
        f"p ≥ {c}: English called other / other caught" for c in CONFIDENCES) + " |")
    print("|---|---|" + "---|" * len(CONFIDENCES))
    for lo, hi in BANDS:
        e, o = ([r for r in rows if r[0] >= lo and (hi is None or r[0] < hi)] for rows in (english, other))
        cells = []
        for c in CONFIDENCES:
            wrong = sum(1 for _, lang, p in e if lang != "en" and p >= c)
            caught = sum(1 for _, lang, p in o if lang != "en" and p >= c)
            cells.append(f"{wrong} / {caught}")
        label = f"{lo}-{hi - 1}" if hi else f"{lo}+"
        print(f"| {label} | {len(e)} / {len(o)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
