"""The rule-based analyzers on sentences written here: what they must find, and must not."""
import pytest

from unspin import Pipeline
from unspin.analyzers.attribution import find_attributions
from unspin.ingest import parse_text


def spans(text: str, layer: str) -> list[tuple[str, str]]:
    analysis = Pipeline([layer])(parse_text(text))
    return [(s.label, analysis.text[s.start:s.end]) for s in analysis.spans_in(layer)]


# -- engagement ---------------------------------------------------------------------------------
@pytest.mark.parametrize("body,label,evidence", [
    ("Share this with everyone you know!", "share", "Share this with everyone you know!"),
    ("Please share if you agree.", "share", "Please share if you agree."),
    ("Spread the word before it is too late!", "share", "Spread the word before it is too late!"),
    ("This matters. Please help us spread the word!", "share", "spread the word!"),
    ("Was the NSA involved? Leave your thoughts below!", "comment", "Leave your thoughts below!"),
    ("It gets in everywhere. What are your thoughts?", "comment", "What are your thoughts?"),
    ("Like us on Facebook for more stories.", "like", "Like us on Facebook for more stories."),
    ("Let us know what you think in the comments below.", "comment",
     "Let us know what you think in the comments below."),
    ("Tell us your thoughts.", "comment", "Tell us your thoughts."),
    ("Subscribe to our newsletter for daily updates.", "subscribe",
     "Subscribe to our newsletter for daily updates."),
    ("Sign the petition to stop the new tax!", "petition", "Sign the petition to stop the new tax!"),
    ("Donate now to keep independent news alive.", "donate", "Donate now to keep independent news alive."),
    ("Do you support the new mayor's plan?", "poll", "Do you support the new mayor's plan?"),
    ("Take our poll at the bottom of the page.", "poll", "Take our poll at the bottom of the page."),
    ("Share this alarming story with your friends below.", "share",
     "Share this alarming story with your friends below."),
    ("PLEASE SHARE THIS!", "share", "PLEASE SHARE THIS!"),
])
def test_engagement_finds_calls_to_action(body, label, evidence):
    found = spans(f"Headline\n\nThe council met on Monday.\n{body}\n", "engagement")
    assert (label, evidence) in found


def test_engagement_finds_leftover_share_widget_text():
    found = spans("Headline\n\nThe council met.\nShare on Facebook Share on Twitter Email\nMore text here.\n",
                  "engagement")
    assert found == [("share-widget", "Share on Facebook Share on Twitter Email")]


@pytest.mark.parametrize("body", [
    "Shares of Apple rose 3 percent on Tuesday.",
    "The company shares its data with regulators.",
    "Voters will decide the measure in November.",
    "She said she would like to see more parks.",
    "Do you know where the nearest hospital is, the reporter asked the officer.",
    "The petition was signed by 20,000 residents last year.",
    "Readers commented on the story in large numbers.",
    # "share this" that is not a call, and a call the article reports someone making.
    "Most Americans share this goal, despite their disagreements.",
    "The president pledged to donate $1 million to relief efforts.",
    "The state would not make a contribution in the form of a subsidy.",
    "They would then share it with each other.",
    "Mr. Cruz said his campaign mistakenly spread the word that Ben Carson was quitting the race.",
    "The volunteers spread the word door to door.",
    "“Please retweet if you think this hate should be banned,” the activist wrote.",
    "He told the crowd: “Sign the petition to stop the new tax!”",
    # A question put to the guest of an interview transcript.
    "COLBERT: Putin does not like you. Do you think this was personal? CLINTON: I think it was about my role.",
])
def test_engagement_ignores_reporting_about_the_same_words(body):
    assert spans(f"Headline\n\n{body}\n", "engagement") == []


# -- headline -----------------------------------------------------------------------------------
@pytest.mark.parametrize("title,label,evidence", [
    ("WATCH: Senator storms out of hearing", "bait marker", "WATCH"),
    ("This Is Why You Should Never Reheat Rice", "forward reference", "This Is Why"),
    ("You Won't Believe What This Dog Did", "forward reference", "You Won't Believe"),
    ("17 Things Only Nineties Kids Will Understand", "listicle number", "17 Things"),
    ("The Most Adorable Puppy Video Ever", "sensational wording", "The Most Adorable Puppy Video Ever"),
    ("Is This the End of the Euro?", "question headline", "Is This the End of the Euro?"),
    ("Governor DESTROYS Reporter in Heated Exchange", "shouting capitals", "DESTROYS"),
    ("Economy grows 2% in third quarter!", "exclamation", "!"),
])
def test_headline_cues(title, label, evidence):
    found = spans(f"{title}\n\nThe body of the story.", "headline")
    assert (label, evidence) in found


@pytest.mark.parametrize("title,body,shouted", [
    # An acronym the article also writes in capitals; a word it writes in lower case is shouted.
    ("IAAF launches fight against drugs", "The IAAF said its new tests would start in March.", []),
    ("This is HUGE news for savers", "It is a huge change for people with savings.", ["HUGE"]),
    ("Show over for MTV's The Osbournes", "The show ends after four series.", []),
    ("Governor SLAMS plan", "The governor criticised the plan.", ["SLAMS"]),
    # With no body to go by: a four-letter word is an acronym unless it is a common English word.
    ("You MUST see what FIFA did", "", ["MUST"]),
])
def test_shouting_capitals_are_told_from_acronyms_by_the_article(title, body, shouted):
    found = spans(f"{title}\n\n{body}", "headline")
    assert [e for label, e in found if label == "shouting capitals"] == shouted


@pytest.mark.parametrize("title", [
    "Senate passes infrastructure bill after months of talks",
    "NASA and FEMA sign disaster data agreement",
    "Bank of England holds interest rates at 5.25%",
    "UK economy grew 0.2% in the third quarter, ONS says",
])
def test_plain_news_headlines_have_no_cues(title):
    assert spans(f"{title}\n\nThe body of the story.", "headline") == []


def test_headline_cues_only_look_at_the_title():
    assert spans("Plain headline\n\nWATCH: You won't believe this!", "headline") == []


# -- attribution --------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence,source,cue,evidence", [
    ("NPR reported that the plant would close.", "NPR", "reported", "NPR reported"),
    ("According to the Border Patrol, arrests fell.", "the Border Patrol", "according to",
     "According to the Border Patrol"),
    ('"We will not back down," said Senator Maria Lopez.', "Senator Maria Lopez", "said",
     "said Senator Maria Lopez"),
    ("Police said the suspect fled on foot.", "Police", "said", "Police said"),
    ("Mark Ellison, who chairs the Taxpayers League, said the group would sue.", "Mark Ellison", "said",
     "Mark Ellison, who chairs the Taxpayers League, said"),
    ("A report by the Congressional Budget Office found costs rose.", "the Congressional Budget Office",
     "report by", "A report by the Congressional Budget Office"),
    ("Two senior administration officials told reporters the talks had stalled.",
     "Two senior administration officials", "told reporters",
     "Two senior administration officials told reporters"),
    ("In a statement ESPN said it had accepted the apology.", "ESPN", "said", "ESPN said"),
    ("A new Pew survey shows support has fallen.", "A new Pew survey", "shows", "A new Pew survey shows"),
    ("The Times reports that the deal is off.", "The Times", "reports", "The Times reports"),
    ("Figures show that sales rose.", "Figures", "show", "Figures show"),
    # A name inside a hyphenated or mixed-case word is the whole word.
    ("Tory co-chairman Liam Fox said the plans were weak.", "co-chairman Liam Fox", "said",
     "co-chairman Liam Fox said"),
    ("The chairman of the Taxpayers League, Mark Ellison, said the group would sue.", "Mark Ellison", "said",
     "Mark Ellison, said"),
    ('"It works," eBay\'s David Stern told the BBC.', "eBay's David Stern", "told", "eBay's David Stern told"),
    # Plural subjects and the base form of the verb; role nouns beyond officials and spokesmen.
    ("Scottish ministers insist they will have the final say.", "Scottish ministers", "insist",
     "Scottish ministers insist"),
    ("But opposition parties say that will not happen.", "opposition parties", "say", "opposition parties say"),
    ("In his Budget statement, the chancellor said jobs had been cut.", "the chancellor", "said",
     "the chancellor said"),
    ("When ministers announced the plan, it drew criticism.", "ministers", "announced", "ministers announced"),
    # An appositive that starts with a role: the name before it is the speaker, not who was told.
    ("Lord Currie, chairman of the regulator Ofcom, told the panel that audiences come first.", "Lord Currie",
     "told", "Lord Currie, chairman of the regulator Ofcom, told"),
    ("The deal is off, say the Lib Dems.", "the Lib Dems", "say", "say the Lib Dems"),
    ("The industry is shrinking, a report claims.", "a report", "claims", "a report claims"),
    # A possessive before the role, an adverb between subject and verb, and more people who speak.
    ("The actor's friend Budd Schulberg told a magazine it was true.", "The actor's friend Budd Schulberg", "told",
     "The actor's friend Budd Schulberg told"),
    ("Hillary famously said that claims should be believed.", "Hillary", "said", "Hillary famously said"),
    ("A Fairview Lane caller said a woman stole his money.", "A Fairview Lane caller", "said",
     "A Fairview Lane caller said"),
    ("He’s explicitly stated that he wants a wall.", "He", "stated", "He’s explicitly stated"),
    # An aside in brackets between the subject and its verb (attribution 1.2.0).
    ("The Office for National Statistics (ONS) said retail sales rose.", "The Office for National Statistics",
     "said", "The Office for National Statistics (ONS) said"),
    ("Her mother (whom I will not name) said she died a hero.", "Her mother", "said",
     "Her mother (whom I will not name) said"),
    ("Jo Bloggs, head of the National Union of Teachers (NUT), said pay must rise.", "Jo Bloggs", "said",
     "Jo Bloggs, head of the National Union of Teachers (NUT), said"),
    ("Recently released emails show that he left early.", "Recently released emails", "show",
     "Recently released emails show"),
    ('"No plans have been set," said Aguilera\'s agent Meghan Prophet.', "Aguilera's agent Meghan Prophet", "said",
     "said Aguilera's agent Meghan Prophet"),
    ("The missions answer what the government says are threats.", "the government", "says", "the government says"),
    ("Andy Richards, of Swansea UAF, said the leaflet was racist.", "Andy Richards", "said",
     "Andy Richards, of Swansea UAF, said"),
    ("US oil giant Exxon said it would not bid.", "US oil giant Exxon", "said", "US oil giant Exxon said"),
    ("The chancellor, speaking during a tour of Africa, said it was time.", "The chancellor", "said",
     "The chancellor, speaking during a tour of Africa, said"),
    ("Mark Oaten, for the Liberal Democrats, said the vote was lost.", "Mark Oaten", "said",
     "Mark Oaten, for the Liberal Democrats, said"),
    ("Mr Howard last week said his team agreed.", "Mr Howard", "said", "Mr Howard last week said"),
    # An aside between dashes, a comma aside that starts with "in his ...", and "vowed" (attribution 1.3.0).
    ("On Thursday, Lord Bingham - a senior law lord - said the rules were unlawful.", "Lord Bingham", "said",
     "Lord Bingham - a senior law lord - said"),
    ("Judge David Sentelle, in his ruling, said such laws were aimed at illegal conduct.", "Judge David Sentelle",
     "said", "Judge David Sentelle, in his ruling, said"),
    ("And the chancellor vowed to continue the fight against child poverty.", "the chancellor", "vowed",
     "the chancellor vowed"),
])
def test_attribution_names_source_and_cue(sentence, source, cue, evidence):
    found = find_attributions(sentence)
    assert [(a.source, a.cue, sentence[a.start:a.end]) for a in found] == [(source, cue, evidence)]


@pytest.mark.parametrize("sentence", [
    "The bridge was built in 1932.",
    "It said nothing about the cost.",
    "Unemployment fell to 3.9 percent last year.",
    "The plan is a disaster for families.",
    # The cue word is a noun here, and the name before it is not a speaker.
    "The network accepted her apology for her anti-Trump tweets.",
    "The network distanced itself from anchor Jemele Hill’s tweets about the president.",
    "She co-hosts a ESPN show called SC6.",
    "It is one of the lowest among ex-Soviet states.",
    "It is the greatest TV show of all time.",
    "The claims of the minister were false.",
    "Delegates from 13 states gathered in a constitutional convention.",
    # The object of "make", "let", "dare" ... is not a source.
    "His comments will make a lot of people believe that they are governed by tyrants.",
    "How dare people suggest we are lazy?",
    "He never showed any interest in policy.",
    "Henson stakes early Lions claim",
    "I'll admit it will be fairly awesome.",
    # The subject of a belief verb after a comma is not its source ("believe" never inverts).
    "The Tories, backed by forecasters, believe Mr Brown will raise taxes.",
    "Exports to China (and Hong Kong) added up to 22bn yen.",
    # A participle between a possessive and its noun is an adjective, and a day is not a speaker.
    "The briefing covered Syria's alleged involvement.",
    "The party presented Mr Houston's reported views as policy.",
    "Its presenters, known as Ant and Dec, said Monday's deciding vote was the closest ever.",
    "An auction of debt in August found few takers.",
    "The couple renewed their vows in June.",
])
def test_attribution_leaves_unsourced_statements_alone(sentence):
    assert find_attributions(sentence) == []


def test_attribution_resolves_he_said_to_the_last_named_person():
    analysis = Pipeline(["attribution"])(parse_text(
        "Headline\n\nMayor Ana Ruiz said the budget was balanced.\nThe deficit is gone, she said.\n"))
    assert [a.source for a in analysis.attributions] == ["Mayor Ana Ruiz", "Mayor Ana Ruiz"]
    assert [s.label for s in analysis.spans_in("attribution")] == ["reported-speech", "reported-speech"]


def test_she_is_not_resolved_to_a_man_nor_he_to_a_woman():
    analysis = Pipeline(["attribution"])(parse_text(
        "Title\n\nMr Blair said taxes would not rise. She said the plan would fail.\n"
        "The BBC spokeswoman said the show would return. He said it would not.\n"
        "Ana Ruiz said the vote was fair. She said it twice.\n"))
    assert [a.source for a in analysis.attributions] == [
        "Mr Blair", "She", "The BBC spokeswoman", "He", "Ana Ruiz", "Ana Ruiz"]


def test_a_pronoun_resolved_to_a_person_tells_their_gender_for_later_ones():
    # First names and surnames carry no gender here; "she said" resolved to Leeds does.
    analysis = Pipeline(["attribution"])(parse_text(
        "Title\n\nLeeds said the deal was off. She said it twice.\nLeeds said no more. He denied it.\n"))
    assert [a.source for a in analysis.attributions] == ["Leeds", "Leeds", "Leeds", "He"]


def test_he_or_she_is_not_resolved_to_an_organisation():
    analysis = Pipeline(["attribution"])(parse_text(
        "Title\n\nESPN said it accepted the apology. She said she regretted the tweets."))
    assert [a.source for a in analysis.attributions] == ["ESPN", "She"]


def test_he_or_she_is_not_resolved_to_a_body_or_a_document_but_to_the_person_before():
    # A named body or document between a person and "he said" is not who "he" is; a person "of"
    # a body is a person.
    analysis = Pipeline(["attribution"])(parse_text(
        "Title\n\nVince Cable said the tax was unfair. The Labour party said it would stay. He said it hurt buyers.\n"
        "Recently released emails show the plan changed. He said that was wrong.\n"
        "Inspector Paul Miller of Thames Valley Police said the man fled. He said no one was hurt.\n"
        "Jessica Kane said the video was gone. They argued it was lost. She said it was deleted.\n"))
    assert [a.source for a in analysis.attributions] == [
        "Vince Cable", "The Labour party", "Vince Cable", "Recently released emails", "Vince Cable",
        "Inspector Paul Miller of Thames Valley Police", "Inspector Paul Miller of Thames Valley Police",
        "Jessica Kane", "They", "Jessica Kane"]


def test_claim_attribution_runs_over_a_quotation_but_not_past_stray_quote_marks():
    from unspin.analyzers.claims import attribution_for

    analysis = Pipeline(["attribution"])(parse_text(
        'Headline\n\n"The plant will close in March. Hundreds of jobs will go," the mayor said.\n'
        'Critics "> called it a disaster for hardworking families.\n'
        'According to the city clerk, the vote was delayed.\n'))
    texts = [analysis.sentence_text(i) for i in range(len(analysis.sentences))]
    first = texts.index('"The plant will close in March.')
    assert attribution_for(analysis, first).source == "the mayor"
    critics = next(i for i, t in enumerate(texts) if t.startswith("Critics"))
    assert attribution_for(analysis, critics) is None


def test_claim_attribution_inside_a_long_quotation_and_after_a_lost_closing_mark():
    from unspin.analyzers.claims import attribution_for

    analysis = Pipeline(["attribution"])(parse_text(
        'Headline\n\nVaughan said: "I offered a settlement. It was fair. "I have not sacked them because of the '
        'finances." Vaughan claimed that Aizlewood had "verbally agreed" to it. The club was bottom of the league '
        "in August.\n"))
    def source(prefix):
        i = next(i for i in range(len(analysis.sentences)) if analysis.sentence_text(i).startswith(prefix))
        found = attribution_for(analysis, i)
        return found.source if found else None

    assert source("It was fair.") == "Vaughan"  # the middle of a three-sentence quotation
    assert source("\"I have not sacked them") == "Vaughan"  # after a lost closing mark, the same speaker
    # The second opening mark ended the first quotation, so the pairing stays in step to the end.
    assert source("The club was bottom") is None


def test_a_cue_in_an_opening_clause_of_time_or_condition_does_not_source_the_claim():
    # Found on the hyperpartisan and BBC articles: the cue reports an event, and the sentence's claim
    # comes after the comma (its own cue, if any, is the source). "As X argued," is an attribution.
    from unspin.analyzers.claims import attribution_for

    analysis = Pipeline(["attribution"])(parse_text(
        "Headline\n\nAs soon as FBI Director James Comey announced the revival of the investigation, "
        "Democrats went on the attack.\n"
        "When the government announced it had reached its target, Prime Minister Tony Blair said it was "
        "only the start.\n"
        "As former Attorney General Michael Mukasey argued, her actions appear to have violated several "
        "statutes.\n"))
    sources = [getattr(attribution_for(analysis, i), "source", None) for i in range(1, len(analysis.sentences))]
    assert sources == [None, "Prime Minister Tony Blair", "Attorney General Michael Mukasey"]
    # The cue stays an attribution span: Comey did announce the revival.
    assert any(a.source == "FBI Director James Comey" for a in analysis.attributions)


# -- quotations ------------------------------------------------------------------------------------
def test_quotations_and_whom_the_article_gives_them_to():
    from unspin.analyzers.quotations import find_quotations, quotation_note

    text = ("Title\n\n"
            '"We will never surrender our town to these thugs," Mayor Ana Ruiz said on Monday.\n'
            "“The plan is a disgrace,” she said in one tweet.\n"
            'Critics called it a "betrayal" of voters.\n'
            'Dana Lee told reporters: "The council has failed.\n'
            "The vote was held on Tuesday.\n"
            "ESPN said it regretted the tweets. “It was a mistake,” she said.\n")
    analysis = Pipeline(["attribution"])(parse_text(text))
    quotes = find_quotations(analysis)
    assert [text[q.start:q.end] for q in quotes] == [
        '"We will never surrender our town to these thugs,"', "“The plan is a disgrace,”", '"betrayal"',
        '"The council has failed.', "“It was a mistake,”"]  # the fourth is left open: it runs to the end of its line
    assert [q.closed for q in quotes] == [True, True, True, False, True]
    at = text.index
    assert quotation_note(quotes, at("thugs"), at("thugs") + 5) == (
        " In quotation marks: words the article attributes to Mayor Ana Ruiz.")
    # A pronoun is shown as written, not as the name it may refer to.
    assert quotation_note(quotes, at("disgrace"), at("disgrace") + 8) == (
        " In quotation marks: words the article attributes to a speaker (“she said”).")
    assert quotation_note(quotes, at("betrayal"), at("betrayal") + 8) == " In quotation marks."
    assert quotation_note(quotes, at("failed"), at("failed") + 6) == (
        " In quotation marks: words the article attributes to Dana Lee.")
    assert quotation_note(quotes, at("Critics"), at("Critics") + 7) == ""  # outside any quotation
    # A pronoun left unresolved (never to an acronym such as ESPN) is not a name either.
    assert quotation_note(quotes, at("mistake"), at("mistake") + 7) == (
        " In quotation marks: words the article attributes to a speaker (“she said”).")


def test_a_quotation_opening_a_sentence_takes_the_speaker_of_the_sentence_before():
    from unspin.analyzers.claims import attribution_for

    analysis = Pipeline(["attribution"])(parse_text(
        "Irish shares rise\n\nShares rose on Monday, said Bernard McAlinden of NCB Stockbrokers. "
        '"We have seen good economic data on Ireland which benefits the financial stocks."\n'
        '"The outlook is weak," Ms Lee said. "Sales fell in every month of the year."\n'))
    sources = {analysis.sentence_text(i)[:12]: getattr(attribution_for(analysis, i), "source", None)
               for i in range(1, len(analysis.sentences))}
    assert sources['"We have see'] == "Bernard McAlinden of NCB Stockbrokers"
    assert sources['"Sales fell '] == "Ms Lee"


def test_a_quotation_takes_the_speaker_named_before_it_and_beats_a_cue_inside_it():
    from unspin.analyzers.claims import attribution_for

    analysis = Pipeline(["attribution"])(parse_text(
        "Headline\n\nIn a statement, ESPN said:\n"
        '"Jemele Hill has been suspended for two weeks for a second violation of our guidelines.\n'
        '"She has acknowledged that her tweets crossed that line and has apologized," they wrote.\n'
        "The network declined to comment further on the matter.\n"))

    def source(prefix):
        i = next(i for i in range(len(analysis.sentences)) if analysis.sentence_text(i).lstrip('"').startswith(prefix))
        found = attribution_for(analysis, i)
        return found.source if found else None

    assert source("Jemele Hill has been suspended") == "ESPN"  # handed on by 'ESPN said:' above it
    assert source("She has acknowledged") == "they"  # the writer of the quote, not 'She … acknowledged'
    assert source("The network declined") is None


def test_a_cue_closing_the_sentence_after_a_comma_sources_the_whole_claim():
    # Claims rules 5: "..., a poll suggests." attributes the statement, whatever cues it holds.
    from unspin.analyzers.claims import attribution_for

    analysis = Pipeline(["attribution"])(parse_text(
        "Headline\n\nA majority of voters believe the minister has been damaged by the row, a poll suggests.\n"
        "Opinion polls suggest people want change, Ms Alexander said on Monday.\n"
        "Police said the man fled, and neighbours said he was quiet.\n"))
    sources = [attribution_for(analysis, i).source for i in range(1, len(analysis.sentences))]
    assert sources == ["a poll", "Ms Alexander", "Police"]
