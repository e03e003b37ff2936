"""Attribution: who the article says a statement comes from.

Finds reporting cues ("X said", "said X", "according to X", "a report by X") in each sentence and
names the source when it can. Results go to ``analysis.attributions`` (one per cue, with its
sentence) for the claims analyzer, and to ``attribution`` spans covering source and cue.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..analysis import Analysis, Attribution
from .base import Analyzer, register

_VERBS = (r"said|says|say|told|tells|reported|reports|stated|states|claimed|claims|claim|announced|announces|"
          r"argued|argues|argue|added|adds|wrote|writes|explained|explains|explain|noted|notes|confirmed|confirms|"
          r"confirm|insisted|insists|insist|warned|warns|warn|tweeted|tweets|posted|testified|alleged|alleges|"
          r"allege|acknowledged|acknowledges|acknowledge|admitted|admits|admit|declared|declares|estimated|"
          r"estimates|estimate|predicted|predicts|predict|suggested|suggests|suggest|revealed|reveals|reveal|"
          r"disclosed|concluded|concludes|conclude|found|finds|showed|shows|show|believes|believe|denied|denies|"
          r"deny|maintained|maintains|maintain|asserted|asserts|contended|contends|contend|countered|recalled|"
          r"observed|stressed|stresses|stress|emphasized|emphasised|conceded|concedes|concede|pointed\s+out|"
          r"vowed|vows|vow|"
          r"told\s+reporters|wrote\s+on\s+\w+|said\s+in\s+a\s+statement|according")
# Longest alternatives first, so "told reporters" wins over "told".
_CUE = re.compile(r"\b(?:" + "|".join(sorted(_VERBS.split("|"), key=len, reverse=True)) + r")\b")
# Who can be said to say something, singular (a plural "s" or "es" is allowed after each).
_ROLE_NOUNS = (
    "official|spokesman|spokeswoman|spokesperson|expert|analyst|researcher|scientist|source|witness|resident|"
    "investigator|prosecutor|lawyer|attorney|critic|police|officer|agency|department|ministry|government|report|"
    "study|survey|poll|statement|company|firm|group|campaign|campaigner|administration|court|judge|senator|"
    "lawmaker|leader|organisation|organization|doctor|economist|observer|activist|protester|supporter|opponent|"
    "aide|adviser|advisor|chief|head|director|minister|president|secretary|governor|mayor|commissioner|chairman|"
    "chairwoman|chair|representative|ambassador|diplomat|executive|manager|agent|publicist|reviewer|giant|maker|"
    "farmer|airline|carrier|forecast|"
    "data|figure|statistic|website|newspaper|"
    "paper|outlet|network|broadcaster|daily|magazine|channel|memo|document|filing|letter|email|e-mail|editorial|tweet|post|"
    "people|user|chancellor|archbishop|bishop|singer|star|actor|actress|coach|boss|associate|colleague|insider|"
    "member|author|commentator|banker|trader|union|council|councillor|councilor|board|panel|committee|"
    "commission|inquiry|watchdog|regulator|bank|club|team|player|captain|owner|founder|partner|party|worker|"
    "employee|staff|teacher|parent|voter|candidate|rival|industry|media|minutes|authority|spokesmen|"
    "spokeswomen|chairmen|caller|listener|viewer|reader|host|anchor|guest|presenter|pundit|columnist|writer|"
    "reporter|journalist|editor|correspondent|blogger|family|families|friend|neighbour|neighbor|relative|"
    "mother|father|wife|husband|son|daughter|brother|sister|victim|survivor|lawmaker|legislator|governor")
_IRREGULAR_PLURALS = "agencies|ministries|studies|companies|secretaries|dailies|inquiries|parties|industries|authorities"
_ROLE = rf"(?:(?:{_IRREGULAR_PLURALS})\b|(?:{_ROLE_NOUNS})(?:e?s)?\b)"
_NAME = (r"(?:[A-Z][\w'’.&-]*|[0-9]+)(?:(?:\s+(?:of|the|for|and|on|de|del|la|van|von|bin|al|el))*"
         r"\s+[A-Z][\w'’.&-]*){0,6}")
# Up to two words between a determiner and the role noun ("senior administration officials",
# "sources within the party"), but not a conjunction or relative word: "unity after reports
# claimed", "a bill which critics claim" and "that the media reports" start the subject later.
_MODIFIER = (r"(?<!['’‘])\b(?!(?:after|before|as|when|whenever|which|what|whatever|how|why|that|who|whom|whose|"
             r"where|while|because|if|since|until|than|unless|although|though|whether|and|but|or|so|nor|yet|make|makes|made|let|lets|dare|"
             r"dares|see|saw|hear|heard|watched|help|helps|helped)\b)[\w-]+")
_NP = (rf"(?:(?:[Tt]he|[Aa]|[Aa]n|one|two|three|several|many|some|other|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+)?"
       rf"(?:(?:{_NAME})(?:['’‘]s)?\s+|[a-z][\w-]*['’‘]s\s+)?(?:{_MODIFIER}\s+){{0,2}}{_ROLE}(?:\s+{_NAME})?"
       rf"|(?:(?:the|a|an)\s+)?{_NAME}"
       r"|\b(?:he|she|they|He|She|They|I|We|we)")
_NP_AT_END = re.compile(rf"(?P<np>{_NP})\s*$")
_NP_REACH = 200
_ROLE_AT_END = re.compile(_ROLE + r"$")  # "officials", "editor-in-chief"
_PRONOUN_WORDS = {"he", "she", "they", "we"}
# "Mark Ellison, who chairs the League, said": the subject sits before an appositive clause.
_APPOSITIVE = re.compile(rf"(?P<np>(?!\d+\b){_NAME}|\b(?:[Tt]he|[Aa]n?)\s+(?:{_MODIFIER}\s+){{0,2}}{_ROLE}),\s+"
                         rf"(?:(?:who|which|a|an|the|its|his|her|of|from|for|at|one|speaking|writing|led|based|"
                         rf"in\s+(?:a|an|the|his|her|its|their))\b|"
                         rf"(?:{_MODIFIER}\s+){{0,2}}{_ROLE})[^,;]{{0,100}},\s*$")
# "The chairman of the League, Mark Ellison, said": a person's name between commas is the speaker
# (two to four capitalised words; "…, Oxfordshire, said", "…, 45, wrote" or "…, MP for Hornsey,"
# are appositives about a speaker named before them).
_NAME_BETWEEN_COMMAS = re.compile(r",\s+(?P<np>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}),\s*$")
_NP_AT_START = re.compile(rf"^\s*(?P<np>{_NP})")
# A participle between a possessive and its noun reads as an adjective: "X's reported views". Not
# when a clause follows ("McDonald's announced it was", "Foster's said the deal").
_ADJECTIVE_AFTER_POSSESSIVE = re.compile(
    r"\w+ed\s+(?!(?:that|it|the|a|an|he|she|they|we|on|in|to|at|by|his|her|their|its|this|last|there|"
    r"some|no|not|plans|profits?|sales|losses|results|earnings)\b)[a-z][\w-]*\b")
# A day or a month is never a speaker: "said Monday's vote was close", "in September this year said".
# (Not "May", "June" or "April": Brian May said.)
_TIME_WORD = re.compile(r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|[Tt]oday|[Yy]esterday|January|February|"
                             r"March|July|August|September|October|November|December)(?:['’]s)?")
_ADDS_UP = re.compile(r"add(?:s|ed)?\s+up\b")  # "exports added up to $2bn" reports nothing
# An aside in brackets between a subject and its verb: "Clinton's emails (the ones that weren't
# deleted), revealed that ...".
_ASIDE = re.compile(r"\s*\([^()]{1,150}\)\s*(?P<comma>,?)\s*$")
# The same between dashes: "Lord Bingham - a senior law lord - said".
_DASH_ASIDE = re.compile(r"\s+[-–—]\s+[^-–—]{1,150}?\s+[-–—]\s*$")
# Words between a subject and its verb that are not part of the subject: "Tedros on Wednesday said".
_FILLER = re.compile(r"(?:\s+(?:on|last|this|late|early)\s+\w+day|\s+(?:last|this|next)\s+(?:week|month|year)|"
                     r",\s+however,|\s+(?:also|previously|later|earlier|"
                     r"recently|then|has|have|had|would|will|once|again|repeatedly|reportedly|today|"
                     r"yesterday|tonight|however|too|first|publicly|privately|famously|initially|originally|"
                     r"subsequently|separately|angrily|bluntly|flatly|openly|falsely|wrongly|correctly|proudly|"
                     r"quietly|frequently|often|always|twice|allegedly|apparently|actually|really|simply|"
                     r"clearly|categorically|firmly|emphatically|mistakenly|baselessly|explicitly|effectively))+\s*$")
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<np>[^,.;:!?\"“”()\n]{2,80}?)"
                        r"(?=\s*(?:[,.;:!?\"“”()]|$|\s+(?:who|which|that|when|as|because|in\s+a|"
                        r"on\s+\w+day)\b))", re.IGNORECASE)
_DOCUMENT = re.compile(r"\b(?:[Aa]|[Aa]n|[Tt]he)\s+(?:new\s+|recent\s+|\d{4}\s+)?(?P<cue>report|study|survey|poll|"
                       r"analysis|investigation|review|audit)\s+(?:by|from|published\s+by|released\s+by|"
                       r"conducted\s+by|commissioned\s+by)\s+(?P<np>(?:the\s+)?" + _NAME + ")")
_NOT_SOURCES = {"it", "this", "that", "there", "what", "which", "who", "the", "a", "an", "but", "and",
                "so", "yet", "as", "if", "when", "while", "because", "one", "some", "many", "data",
                "i", "we", "i'll", "i'd", "i've", "i'm", "we'll", "we'd", "we've", "you", "others", "some people"}
_LEADING_JUNK = re.compile(r"^(?:(?:(?:In|By|Since|Until|During)\s+(?:early\s+|late\s+)?\d{4}|When|While|After|Before|"
                           r"As|Although|Though|Because|If|Once|Unless|But|And|So|Yet|Meanwhile|However|Still|Now|Then|Also|Instead|"
                           r"Moreover|Indeed|Separately|Later|Earlier|Here|There|Last|This|That|"
                           r"(?:In|On)\s+(?:a|an|the|his|her|its|their)\s+(?:(?:joint|written|brief|separate)\s+)?"
                           r"(?:statement|interview|tweet|post|letter|email|e-mail|memo|release|press\s+release))"
                           r"\b,?\s+)+")
# Cue words that are also nouns: "her tweets", "Hill's tweets", "a ESPN show", "the claims".
_NOUN_LIKE_CUES = {"tweets", "show", "shows", "claims", "claim", "reports", "states", "notes", "finds", "estimates",
                   "estimate", "stress", "stresses", "vows", "vow"}
# A phrase after "make", "let", "dare" ... is the object of that verb, not a source: "will make a lot
# of people believe", "How dare people suggest".
_CAUSATIVE = re.compile(r"\b(?:make|makes|made|making|let|lets|letting|dare|dares|help|helps|helped|see|saw|"
                        r"hear|heard|watched)\s+$", re.IGNORECASE)  # not "watch": "a Muller watch Sharon said"
_CONTRACTED = re.compile(r"^(he|she|they|He|She|They)['’](?:s|d|ve|re|ll)$")
_COUNT = re.compile(r"\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|several|many|both|all",
                    re.IGNORECASE)
_NOUN_FOLLOWER = re.compile(r"\s+(?:is|are|was|were|have|has|had|will|would|could|can|may|might|should|must|"
                            r"of|from|about|by|over)\b")
_POSSESSIVE = re.compile(r"(?:['’]s|\b(?:his|her|their|its|my|our|your))\s*$", re.IGNORECASE)
_INDEFINITE_NAME = re.compile(rf"^(?:[Aa]|[Aa]n)\s+{_NAME}$")
_PRONOUNS = {"he", "she"}
# Verbs that journalists put before their subject after a quotation or a comma ('..., said the
# mayor'). Not "told" ('..., told the panel': the panel is who heard it), nor a plural or belief
# verb ('..., believe Mr Brown will'). "say" is: '..., say the Lib Dems.'
_INVERTING = {"said", "says", "say", "added", "adds", "wrote", "writes", "explained", "explains", "insisted", "insists",
              "warned", "warns", "admitted", "admits", "stated", "claimed", "claims", "reported", "noted", "stressed",
              "argued", "argues", "declared", "tweeted", "confirmed", "asserted", "countered", "recalled", "observed",
              "conceded", "concedes", "acknowledged", "estimates", "estimated", "maintained", "predicted", "suggested",
              "announced", "alleged", "emphasised", "emphasized", "said in a statement", "pointed out"}

_EXPLAIN = {
    "according-to": "Attributed with \"according to\": the article names where this comes from.",
    "reported-speech": "Reported speech: the article says who said or reported this.",
    "document": "Attributed to a document (a report, study or survey) and who produced it.",
}
_SCORES = {"according-to": 0.9, "reported-speech": 0.85, "document": 0.85}


@register
class AttributionAnalyzer(Analyzer):
    name = "attribution"
    version = "1.3.0"  # 1.3.0: an aside between dashes or ", in his ruling," before the verb; "vowed"
    order = 30

    def analyze(self, batch: Sequence[Analysis]) -> None:
        for analysis in batch:
            last_person: str | None = None
            genders: dict[str, str] = {}  # what "he" or "she" has already told about a person
            for i, sentence in enumerate(analysis.sentences):
                for attribution in find_attributions(analysis.sentence_text(i), sentence.start):
                    attribution.sentence = i
                    last_person = _resolve_pronoun(attribution, last_person, genders)
                    analysis.attributions.append(attribution)
                    analysis.add_span(attribution.start, attribution.end, "attribution",
                                      attribution.kind, _SCORES[attribution.kind],
                                      _explain(attribution))
            analysis.quotations = None  # their speakers depend on the attributions just added


def find_attributions(text: str, offset: int = 0) -> list[Attribution]:
    """Attribution cues in one sentence, offsets shifted by ``offset``."""
    found: list[Attribution] = []
    for m in _ACCORDING.finditer(text):
        source = _clean_source(m.group("np"))
        if source:
            found.append(Attribution(source, "according to", offset + m.start(), offset + m.end(),
                                     kind="according-to"))
    for m in _DOCUMENT.finditer(text):
        source = _clean_source(m.group("np"))
        if source:
            cue = text[m.start("cue"):m.start("np")].strip()
            found.append(Attribution(source, cue, offset + m.start(), offset + m.end(), kind="document"))
    for m in _CUE.finditer(text):
        if m.group(0) == "according" or _inside(found, offset + m.start()) or _ADDS_UP.match(text, m.start()):
            continue
        hit = _subject_before(text, m) or _subject_after(text, m)
        if hit and not _overlaps(found, offset + hit[1], offset + hit[2]):
            source, start, end = hit
            found.append(Attribution(source, _norm(m.group(0)), offset + start, offset + end,
                                     kind="reported-speech"))
    return sorted(found, key=lambda a: a.start)


def _subject_before(text: str, cue: re.Match) -> tuple[str, int, int] | None:
    left = text[:cue.start()]
    filler = _FILLER.search(left)
    if filler:
        left = left[:filler.start()]
    aside = _ASIDE.search(left)
    if aside:  # the comma after it stays: "Jo Bloggs, head of the Union (NUT), said"
        left = left[:aside.start()] + aside.group("comma")
    dashed = _DASH_ASIDE.search(left)
    if dashed:
        left = left[:dashed.start()]
    # A subject ending at the cue starts within _NP_REACH characters of it; searching only there
    # keeps this, the costliest pattern, from trying every position of a long sentence.
    m = (_APPOSITIVE.search(left)
         or (_could_end_a_subject(left) and _NP_AT_END.search(left, max(0, len(left) - _NP_REACH)))
         or _NAME_BETWEEN_COMMAS.search(left))
    if not m:
        return None
    np_start = m.start("np") + _leading_junk_length(m.group("np"))
    # A name found inside a word belongs to the whole word: "vice-chairman David Dein", "eBay's".
    while np_start and not left[np_start - 1].isspace() and left[np_start - 1] not in "\"“‘'(":
        np_start -= 1
    if _reads_as_noun(left, np_start, cue.group(0), text[cue.end():]) or _CAUSATIVE.search(left, 0, np_start):
        return None
    if _ADJECTIVE_AFTER_POSSESSIVE.match(text, cue.start()) and _POSSESSIVE.search(left):
        return None  # "Mr Houston's reported views", "Syria's alleged involvement": not a verb
    source = _clean_source(text[np_start:m.end("np")])
    if not source:
        return None
    return source, np_start, cue.end()


def _could_end_a_subject(left: str) -> bool:
    """Whether the word before the cue can end a subject: a name or number, a role noun or a
    pronoun. Most words cannot, and then the costly subject pattern need not run."""
    words = left.rsplit(None, 1)
    word = words[-1].lstrip("\"“‘'(@") if words else ""
    # A capital anywhere counts ("al-Behery", "eBay"), as does a word with no letters ("2005").
    return bool(word) and (not word.islower() or word in _PRONOUN_WORDS or _ROLE_AT_END.search(word) is not None)


def _reads_as_noun(left: str, np_start: int, cue: str, right: str = "") -> bool:
    """True where a cue word that is also a noun has a modifier, not a speaker, before it: a
    possessive ("her anti-Trump tweets", "Hill's tweets"), an indefinite article and a bare name
    ("a ESPN show"), a lower-case compound ("ex-Soviet states"), or a name before "show"; or a
    verb or preposition after it ("the media reports were", "the claims of")."""
    if cue.lower() not in _NOUN_LIKE_CUES:
        return False
    if _NOUN_FOLLOWER.match(right):
        return True  # "the claims of", "the media reports were"
    if cue.lower() in ("claim", "estimate", "stress", "show") and (
            not right.strip(" \"”’'") or right.lstrip()[:1] in ",.;:!?)"):
        return True  # a plural subject's verb has an object: "... early Lions claim." is a noun
    phrase = left[np_start:].strip()
    last = phrase.split()[-1] if phrase else ""
    if _COUNT.fullmatch(last):
        return True  # "delegates from 13 states gathered", "two claims"
    # "show" as a verb wants a plural subject ("figures show"), not a name ("the greatest TV show").
    bare_name_show = cue.lower() == "show" and (last.isupper() or (np_start > 0 and last[:1].isupper()))
    return bool(_POSSESSIVE.search(phrase) or _POSSESSIVE.search(left[:np_start])
                or _INDEFINITE_NAME.match(phrase) or re.match(r"[a-z]+-", phrase) or bare_name_show)


def _subject_after(text: str, cue: re.Match) -> tuple[str, int, int] | None:
    # Inverted order only after a quote or comma: '..." said the spokesman.' / ', said Smith.'
    before = text[:cue.start()].rstrip()
    if not before or before[-1] not in ",\"”'’" or _norm(cue.group(0)) not in _INVERTING:
        return None
    m = _NP_AT_START.match(text[cue.end():])
    if not m:
        return None
    np_text = m.group("np")
    end = cue.end() + m.end()
    trimmed = _strip_final_period(np_text)
    end -= len(np_text) - len(trimmed)
    source = _clean_source(trimmed)
    return (source, cue.start(), end) if source else None


def _strip_final_period(np: str) -> str:
    """Drop a sentence-final period caught by the name pattern, but keep "U.S." or "Jr."."""
    if np.endswith(".") and not re.search(r"(?:\b[A-Z]\.[A-Z]\.|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St)\.)$", np):
        return np[:-1]
    return np


def _clean_source(raw: str) -> str | None:
    source = _LEADING_JUNK.sub("", raw.strip()).strip(" '\"“”‘’-–—")
    source = _CONTRACTED.sub(r"\1", source)  # "He’s explicitly stated": the source is "He"
    if not source or source.lower().replace("’", "'") in _NOT_SOURCES:
        return None
    if len(source) > 80 or _TIME_WORD.fullmatch(source):
        return None
    return source


def _leading_junk_length(np: str) -> int:
    m = _LEADING_JUNK.match(np)
    return m.end() if m else 0


def _resolve_pronoun(attribution: Attribution, last_person: str | None, genders: dict[str, str]) -> str | None:
    """Resolve "he said" to the most recent named source, unless that source is marked as the other
    gender, by a title or noun ("she said" after "Mr Blair said") or by a pronoun already resolved
    to it ("he denied" after "Leeds said ... She said"); return the new most recent person."""
    source = attribution.source or ""
    pronoun = source.lower()
    if pronoun in _PRONOUNS:
        if last_person and (_gender(last_person) or genders.get(last_person)) in (None, pronoun):
            attribution.source = last_person
            genders.setdefault(last_person, pronoun)
        return last_person
    if attribution.kind == "reported-speech" and _could_be_a_person(source):
        return source
    return last_person


_MALE = re.compile(r"\b(?:Mr|Sir|Lord|King|Prince|Father|Brother|(?:spokes|chair|sports|business|congress)man|"
                   r"husband|son|father|brother|boy|man)\b\.?", re.IGNORECASE)
_FEMALE = re.compile(r"\b(?:Mrs|Ms|Miss|Lady|Dame|Queen|Princess|Sister|(?:spokes|chair|sports|business|congress)woman|"
                     r"wife|daughter|mother|sister|girl|woman)\b\.?", re.IGNORECASE)


def _gender(source: str) -> str | None:
    """"he" or "she" when the source says so by a title or a gendered noun, else None."""
    male, female = bool(_MALE.search(source)), bool(_FEMALE.search(source))
    return "he" if male and not female else "she" if female and not male else None


# Sources headed by one of these nouns are documents or bodies, never "he" or "she": "The Office for
# National Statistics (ONS) said ... He said" is not the ONS speaking.
_NOT_PERSONS = {"email", "e-mail", "survey", "report", "study", "poll", "data", "figure", "statistic", "document",
                "memo", "filing", "letter", "tweet", "post", "association", "institute", "office", "fund", "bank",
                "agency", "commission", "committee", "council", "union", "centre", "center", "organisation",
                "organization", "federation", "alliance", "authority", "department", "ministry", "administration",
                "corp", "company", "industry", "group", "court", "government", "party", "board", "panel", "inquiry",
                "watchdog", "regulator", "club", "team", "network", "newspaper", "website", "magazine", "channel",
                "broadcaster", "outlet", "society", "foundation", "trust", "exchange", "service", "fellowship",
                "academy", "university", "firm", "campaign", "media", "police", "maker", "carmaker", "drugmaker",
                "bookmaker", "giant"}


_OF_A_NAME = re.compile(r"(.+?)\s+(?:of|at|from|for)\s+(?:(?:the|and|of|for|[A-Z][^\s]*)(?:\s+|$))+$")


def _could_be_a_person(source: str) -> bool:
    """A capitalised source that is not an acronym ("ESPN", "NPR") nor headed by a document's or
    a body's noun: "he" and "she" are resolved only to these ("The BBC spokeswoman" is a person,
    "ESPN" and "the Pensions Policy Institute" are not)."""
    # The head noun ends the source, or comes before an "of", "at", "from" or "for" followed by a
    # name only: "Paul Miller of Thames Valley Police" is a person, "the Office for National
    # Statistics" and "the Bank of England" are not, "a Department for Education spokeswoman" is.
    if source.strip().lower() in _PRONOUN_WORDS | {"i", "you", "it"}:  # "They argued ... She believes"
        return False
    named = _OF_A_NAME.match(source.strip())
    before = named.group(1) if named else source.strip()
    head = re.sub(r"ies$", "y", before.rsplit(None, 1)[-1].lower()) if before else ""
    if head in _NOT_PERSONS or head.rstrip("s") in _NOT_PERSONS:
        return False
    return source[:1].isupper() and not (" " not in source and source.isupper())


def _inside(found: list[Attribution], pos: int) -> bool:
    return any(a.start <= pos < a.end for a in found)


def _overlaps(found: list[Attribution], start: int, end: int) -> bool:
    return any(a.start < end and start < a.end for a in found)


def _norm(cue: str) -> str:
    return " ".join(cue.split())


def _explain(attribution: Attribution) -> str:
    return f"Attributed to {attribution.source} (cue: \"{attribution.cue}\"). {_EXPLAIN[attribution.kind]}"
