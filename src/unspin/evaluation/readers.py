"""Readers for the benchmark files in their own formats (CheckThat!, clickbait, BABE, SemEval-2019)."""
from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from ..errors import InputError
from ..jsonsafe import loads

csv.field_size_limit(sys.maxsize)


@dataclass
class LabelledText:
    id: str
    text: str
    label: str | int | None


def read_checkworthy(path: Path) -> list[LabelledText]:
    """CheckThat! 2024 task 1 TSV: ``Sentence_id``, ``Text``, optional ``class_label`` (Yes/No).

    Fields may be CSV-quoted inside the TSV; a record glued to the next by a missing newline (a
    known defect of the training file) is split back into two.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or "Sentence_id" not in rows[0] or "Text" not in rows[0]:
        raise InputError("expected a TSV with columns Sentence_id and Text", str(path))
    header = rows[0]
    i_id, i_text = header.index("Sentence_id"), header.index("Text")
    i_label = header.index("class_label") if "class_label" in header else None
    out = []
    for row in rows[1:]:
        if not row or not row[i_id].strip():
            continue
        if i_label is not None and len(row) == 5:  # "No29286": a newline is missing in the file
            glued = re.fullmatch(r"(Yes|No)(\d+)", row[i_label].strip())
            if glued:
                out.append(LabelledText(row[i_id].strip(), row[i_text], glued.group(1)))
                out.append(LabelledText(glued.group(2), row[3], row[4].strip()))
                continue
        label = row[i_label].strip() if i_label is not None and len(row) > i_label else None
        out.append(LabelledText(row[i_id].strip(), row[i_text], label or None))
    return out


def read_jsonl_texts(path: Path, label_key: str | None) -> list[LabelledText]:
    out = []
    for n, record in json_records(path):
        if "text" not in record:
            raise InputError(f"line {n}: record has no 'text'", str(path))
        label = record.get(label_key) if label_key else None
        out.append(LabelledText(str(record.get("id", n)), record["text"], label))
    return out


def json_records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) of each non-empty line of a JSONL(.gz) file; anything else in it is
    an InputError naming the line."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {n}: invalid JSON ({exc.msg})", str(path)) from None
            if not isinstance(record, dict):
                raise InputError(f"line {n}: expected a JSON object, got {type(record).__name__}", str(path))
            yield n, record


@dataclass
class XmlArticle:
    id: str
    title: str
    body: str
    published: str | None


_SPACE = re.compile(r"[ \t]+")


def read_semeval_articles(path: Path) -> Iterator[XmlArticle]:
    """SemEval-2019 Task 4 articles XML, streamed; paragraphs (<p>) become lines."""
    try:
        for _, elem in ElementTree.iterparse(path, events=("end",)):
            if elem.tag != "article":
                continue
            paragraphs, current = [], [elem.text or ""]
            for child in elem:  # <p> starts a paragraph; <a>, <q> ... stay inline
                if child.tag == "p":
                    paragraphs += ["".join(current), "".join(child.itertext())]
                    current = [child.tail or ""]
                else:
                    current += ["".join(child.itertext()), child.tail or ""]
            paragraphs.append("".join(current))
            body = "\n".join(_SPACE.sub(" ", p).strip() for p in paragraphs if p.strip())
            yield XmlArticle(elem.get("id", ""), elem.get("title", ""), body, elem.get("published-at"))
            elem.clear()
    except ElementTree.ParseError as exc:
        raise InputError(f"malformed XML: {exc}", str(path)) from None


def read_semeval_truth(path: Path) -> dict[str, bool]:
    truth = {}
    try:
        for _, elem in ElementTree.iterparse(path, events=("end",)):
            if elem.tag == "article":
                truth[elem.get("id")] = elem.get("hyperpartisan") == "true"
                elem.clear()
    except ElementTree.ParseError as exc:
        raise InputError(f"malformed XML: {exc}", str(path)) from None
    return truth
