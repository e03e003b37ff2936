"""The 14 propaganda techniques of SemEval-2020 Task 11, with plain-language definitions.

Names are spelled exactly as in the task's ``propaganda-techniques-names-semeval2020task11.txt``;
definitions paraphrase Da San Martino et al. (2019, 2020).
"""
from __future__ import annotations

TECHNIQUES: dict[str, tuple[str, str]] = {
    "Appeal_to_Authority": (
        "Appeal to authority",
        "Says a claim is true because an authority or expert backs it, with no other evidence."),
    "Appeal_to_fear-prejudice": (
        "Appeal to fear or prejudice",
        "Builds support by stoking fear or anxiety about an alternative, or by playing on prejudice."),
    "Bandwagon,Reductio_ad_hitlerum": (
        "Bandwagon / reductio ad Hitlerum",
        "Join in because everyone does; or reject an idea because a hated group is said to hold it."),
    "Black-and-White_Fallacy": (
        "Black-and-white fallacy",
        "Presents two options as the only ones possible when more exist; includes dictatorship."),
    "Causal_Oversimplification": (
        "Causal oversimplification",
        "Gives one cause for an issue that has several, or blames one party for a complex outcome."),
    "Doubt": (
        "Doubt",
        "Questions the credibility of someone or something without evidence."),
    "Exaggeration,Minimisation": (
        "Exaggeration or minimisation",
        "Makes something seem much larger, better or worse than it is, or downplays it."),
    "Flag-Waving": (
        "Flag-waving",
        "Plays on patriotism or group identity (a nation, a race, a political side) to justify an idea."),
    "Loaded_Language": (
        "Loaded language",
        "Uses words with strong emotional connotations to sway the reader."),
    "Name_Calling,Labeling": (
        "Name calling / labeling",
        "Labels a person or group with a term the audience fears, hates or finds (un)desirable."),
    "Repetition": (
        "Repetition",
        "Repeats the same message over and over so the audience comes to accept it."),
    "Slogans": (
        "Slogan",
        "A brief, striking phrase that may include labeling and stereotyping."),
    "Thought-terminating_Cliches": (
        "Thought-terminating cliché",
        "A short, generic phrase that discourages critical thought (\"it is what it is\")."),
    "Whataboutism,Straw_Men,Red_Herring": (
        "Whataboutism / straw man / red herring",
        "Deflects with an opponent's hypocrisy, attacks a distorted version of a position, "
        "or brings in an irrelevant topic."),
}
TECHNIQUE_NAMES: tuple[str, ...] = tuple(TECHNIQUES)


def display_name(label: str) -> str:
    return TECHNIQUES.get(label, (label.replace("_", " "), ""))[0]


def definition(label: str) -> str:
    return TECHNIQUES.get(label, ("", ""))[1]
