"""Generated MOFA English press releases: `article(seq)` is always the same article for the same number.

Sentences come from the press releases' stock phrases and from a small phrase grammar, so that
the text varies as real text does (it gzips about 4 times, not 15) and a page is 30-80 KB.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from harvester.replica.sites.mofa import Article

FIRST_SEQ = 300_000
MIN_BYTES, MAX_BYTES = 30_000, 80_000  # page sizes

_MINISTERS = ("Cho Hyun", "Park Jin", "Chung Eui-yong", "Kang Kyung-wha", "Yun Byung-se")
_VICE = ("Park Yoon-joo", "Kim Jina", "Chung Byung-won", "Oh Young-ju", "Lee Do-hoon")
_COUNTRIES = (
    "the United States", "Japan", "China", "Viet Nam", "Indonesia", "India", "Australia", "Canada",
    "Mexico", "Brazil", "Chile", "Germany", "France", "the United Kingdom", "Italy", "Poland", "Sweden",
    "Kazakhstan", "Uzbekistan", "Mongolia", "Saudi Arabia", "the United Arab Emirates", "Qatar", "Egypt",
    "Kenya", "Nigeria", "Ghana", "Ethiopia", "New Zealand", "the Philippines", "Thailand", "Malaysia",
)
_TOPICS = (
    "trade and investment", "supply chain resilience", "clean energy", "critical minerals",
    "the digital economy", "public health", "climate change", "maritime security", "development cooperation",
    "people-to-people exchanges", "nuclear non-proliferation", "the safety of overseas nationals",
    "infrastructure", "defense industry cooperation", "cultural exchanges", "science and technology",
)
_EVENTS = (
    "the Foreign Ministers' Meeting", "the Strategic Dialogue", "the Joint Committee",
    "the High-Level Policy Consultation", "the Vice Foreign Ministerial Strategic Dialogue",
    "the Korea-ASEAN Summit", "the G20 Foreign Ministers' Meeting", "the UN General Assembly",
)
_OPENINGS = (
    "Minister of Foreign Affairs {minister} held talks with {counterpart} of {country} on {day}, and the two "
    "sides discussed ways to further strengthen bilateral cooperation in {topic} and {topic2}.",
    "First Vice Minister of Foreign Affairs {vice} held {event} with {country} on {day} in Seoul.",
    "The Government of the Republic of Korea welcomes the agreement reached between {country} and its "
    "partners on {topic}, and hopes that it will contribute to peace and prosperity in the region.",
    "Minister {minister} attended {event} held in {city} from {day}, where the ministers exchanged views "
    "on {topic}.",
)
_SENTENCES = (
    "Minister {minister} noted that this year marks the {nth} anniversary of the establishment of "
    "diplomatic relations between the two countries, and expressed hope that the partnership would "
    "deepen further in {topic}.",
    "The two sides agreed to expand substantive cooperation in {topic}, {topic2} and {topic3}.",
    "{counterpart} appreciated the Korean government's contribution to {topic} and said that {country} "
    "would continue to work closely with the Republic of Korea.",
    "The Minister requested the continued support of {country} for the safety and convenience of the "
    "{number} Korean nationals residing there and of Korean businesses operating in the country.",
    "The two sides also exchanged views on the situation on the Korean Peninsula, and {counterpart} "
    "reaffirmed the support of {country} for the complete denuclearization of the Korean Peninsula.",
    "Both sides shared the view that close communication at a high level is essential, and agreed to "
    "hold the next meeting in {city} at a mutually convenient time.",
    "The Korean side explained its policy on {topic} and asked for the cooperation of {country} in "
    "implementing the joint projects agreed upon at {event}.",
    "The meeting took place in a friendly atmosphere and lasted about {minutes} minutes, followed by a "
    "working lunch hosted by the Minister.",
    "The Ministry will continue its efforts to build a future-oriented partnership with {country} on "
    "the basis of the shared values of freedom, democracy and the rule of law.",
    "Officials of both governments reviewed the progress made since {event} and identified {number} "
    "new projects in {topic} to be launched next year.",
)
# The phrase grammar: subject, verb, object, qualifier (and sometimes a second clause).
_SUBJECTS = (
    "The two ministers", "Both sides", "The Korean delegation", "The Minister", "{counterpart}",
    "The Government of the Republic of Korea", "The working-level officials", "The Vice Minister",
    "The participants", "Representatives of the private sector", "The two governments", "The Korean side",
    "The delegation of {country}", "Experts from both countries", "The heads of the delegations",
    "The Ministry of Foreign Affairs", "Korean companies operating in {country}", "The embassy in {city}",
    "Senior officials", "The joint working group", "The co-chairs", "The secretariat", "The envoys",
)
_VERBS = (
    "reaffirmed their commitment to", "discussed concrete measures for", "agreed to step up", "welcomed progress in",
    "expressed concern over", "reviewed the implementation of", "called for closer coordination on",
    "underlined the importance of", "explored new avenues for", "pledged continued support for",
    "shared assessments of", "exchanged candid views on", "noted with satisfaction", "proposed a roadmap for",
    "highlighted recent achievements in", "stressed the need to accelerate", "committed to deepening",
    "will jointly examine", "looked forward to expanding", "presented a detailed plan on", "briefed the press on",
    "signed a memorandum of understanding on", "held in-depth consultations on", "adopted a joint statement on",
)
_OBJECTS = (
    "{topic}", "{topic2}", "bilateral trade, which reached {number} million dollars last year",
    "the visa waiver arrangement", "the framework agreement on {topic2}", "the regional security situation",
    "joint research on semiconductors", "green hydrogen and offshore wind projects", "the comprehensive economic partnership",
    "consular assistance to travellers", "youth exchange programmes", "the reconstruction of Ukraine",
    "official development assistance", "the implementation of Security Council resolutions", "vaccine production capacity",
    "the protection of migrant workers", "the logistics corridor between the two countries", "cyber security threats",
    "food security in the region", "the free trade agreement", "joint naval exercises", "space cooperation",
    "the working holiday programme", "disaster risk reduction", "the export of nuclear power plants",
    "tourism and aviation links", "the preservation of cultural heritage", "mutual recognition of driving licences",
    "the treatment of Korean investors", "a secure supply of {topic2}", "climate finance for developing countries",
)
_QUALIFIERS = (
    "in the years ahead", "within the next {years} months", "on the basis of mutual trust", "as a matter of priority",
    "at both the government and private levels", "in line with international law", "through regular consultations",
    "in close cooperation with the private sector", "by the end of the year", "in a mutually beneficial manner",
    "with a view to concluding negotiations early", "at the multilateral level as well", "despite recent difficulties",
    "for the benefit of both peoples", "in the Indo-Pacific region", "ahead of the summit in {city}",
    "under the new action plan", "as agreed at {event}", "in a transparent and predictable way",
    "as the first step of a longer process", "while respecting each other's concerns", "without further delay",
    "to mark the {nth} anniversary of diplomatic relations", "as soon as circumstances permit",
)
_ADVERBS = ("also", "further", "once again", "firmly", "jointly", "repeatedly", "strongly", "today", "formally",
            "warmly", "in particular", "for their part", "in turn", "at the same time", "specifically", "again")
_ADJECTIVES = (
    "practical", "substantive", "sustainable", "future-oriented", "comprehensive", "close", "stable", "concrete",
    "long-term", "strategic", "reliable", "balanced", "forward-looking", "tangible", "inclusive", "regular", "broader",
    "steady", "meaningful", "rules-based", "timely", "bilateral", "regional", "global", "maritime", "digital",
    "economic", "humanitarian", "agricultural", "industrial", "financial", "educational", "scientific", "medical",
    "environmental", "legal", "consular", "cultural", "technical", "trilateral", "multilateral", "joint", "national",
    "coastal", "urban", "rural", "renewable", "low-carbon", "resilient", "open", "secure", "transparent", "fair",
)
_NOUNS = (
    "cooperation", "partnership", "investment", "exchanges", "dialogue", "infrastructure", "projects", "supply chains",
    "shipbuilding", "batteries", "semiconductors", "agriculture", "fisheries", "education", "vocational training",
    "healthcare", "pharmaceuticals", "railways", "ports", "airports", "smart cities", "water management", "forestry",
    "tourism", "broadcasting", "sports", "archives", "museums", "universities", "start-ups", "small businesses",
    "customs procedures", "tax treaties", "social security", "labour mobility", "patents", "standards", "data flows",
    "satellites", "telecommunications", "power grids", "nuclear safety", "mine clearance", "refugee assistance",
    "peacekeeping", "export controls", "counter-terrorism", "public diplomacy", "language education", "scholarships",
    "film co-production", "e-government", "statistics", "quarantine", "vaccines", "emergency response", "shipping",
    "fishing rights", "textiles", "automobiles", "steel", "petrochemicals", "hydrogen", "solar power", "wind power",
)
_PREPOSITIONS = ("in", "for", "on", "through", "across", "between", "with", "under", "beyond")
_CLAUSES = (
    "and the Minister asked for continued interest", "while the counterpart promised to review the request",
    "noting that {number} people took part in last year's programmes", "and both sides will report back in {city}",
    "which the Korean side welcomed", "as requested by the business community", "according to the joint press release",
)
_SURNAMES = ("Rahman", "Müller", "Silva", "Tanaka", "Dubois", "Novak", "Okafor", "Larsen")
_CITIES = ("Seoul", "Busan", "Tokyo", "Beijing", "Washington, D.C.", "New York", "Geneva", "Jakarta", "Brussels")
_DEPARTMENTS = ("North American Affairs Bureau", "Asian and Pacific Affairs Bureau", "European Affairs Bureau",
                "African and Middle Eastern Affairs Bureau", "Bilateral Economic Affairs Bureau")


_TITLES = (
    "Outcome of the Foreign Ministers' Meeting between the Republic of Korea and {country}",
    "Minister of Foreign Affairs {minister} Holds Talks with {counterpart}",
    "First Vice Minister {vice} Attends {event}",
    "Korea and {country} Agree to Strengthen Cooperation in {topic_title}",
    "Press Statement on {topic_title}",
)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _facts(rng: random.Random, day: date) -> dict[str, object]:
    """What one press release is about: the same minister, country and day throughout."""
    topic = rng.choice(_TOPICS)
    return {
        "minister": rng.choice(_MINISTERS),
        "vice": rng.choice(_VICE),
        "counterpart": f"Foreign Minister {rng.choice(_VICE).split()[0]} {rng.choice(_SURNAMES)}",
        "country": rng.choice(_COUNTRIES),
        "topic": topic,
        "topic_title": topic.title(),
        "event": rng.choice(_EVENTS),
        "city": rng.choice(_CITIES),
        "day": f"{day:%B} {day.day} ({day:%a})",
        "years": rng.randint(20, 75),
        "nth": _ordinal(rng.randint(20, 75)),
        "number": f"{rng.randint(2, 90) * 100:,}",
        "minutes": rng.choice((40, 50, 60, 70, 90)),
    }


def _sentence(template: str, rng: random.Random, facts: dict[str, object]) -> str:
    return template.format_map({**facts, "topic2": rng.choice(_TOPICS), "topic3": rng.choice(_TOPICS)})


def _noun_phrase(rng: random.Random) -> str:
    phrase = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
    if rng.random() < 0.6:
        phrase += f" {rng.choice(_PREPOSITIONS)} {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
    return phrase


def _free_sentence(rng: random.Random, facts: dict[str, object]) -> str:
    thing = rng.choice(_OBJECTS) if rng.random() < 0.3 else _noun_phrase(rng)
    parts = [rng.choice(_SUBJECTS), rng.choice(_VERBS), thing, rng.choice(_QUALIFIERS)]
    if rng.random() < 0.5:
        parts.insert(1, rng.choice(_ADVERBS))
    if rng.random() < 0.4:
        parts[-1] += ", " + rng.choice(_CLAUSES)
    numbers = {"number": f"{rng.randint(2, 990) * 10:,}", "years": rng.randint(2, 75), "nth": _ordinal(rng.randint(2, 75))}
    return _sentence(" ".join(parts) + ".", rng, {**facts, **numbers})


def article(seq: int) -> Article:
    """The article numbered `seq`: always the same for the same number."""
    rng = random.Random(seq)
    day = date(2026, 6, 30) - timedelta(days=(seq - FIRST_SEQ) // 3)
    facts = _facts(rng, day)
    target = rng.randint(MIN_BYTES, MAX_BYTES - 2_000) - 3_600  # frame ~4 KB; the last paragraph overshoots
    style = "se3" if rng.random() < 0.5 else "plain"
    per_paragraph = 190 if style == "se3" else 14  # markup around each paragraph
    paragraphs = [_sentence(rng.choice(_OPENINGS), rng, facts)]
    size = len(paragraphs[0]) + per_paragraph
    while size < target:
        sentences = [
            _sentence(rng.choice(_SENTENCES), rng, facts) if rng.random() < 0.2 else _free_sentence(rng, facts)
            for _ in range(rng.randint(2, 5))
        ]
        paragraph = " ".join(sentences)
        if rng.random() < 0.3:
            paragraph = f"{len(paragraphs) + 1}. {paragraph}"
        paragraphs.append(paragraph)
        size += len(paragraph) + per_paragraph
    paragraphs.append("* unofficial translation")
    return Article(
        seq=seq,
        title=rng.choice(_TITLES).format_map(facts),
        date=day.isoformat(),
        department=rng.choice(_DEPARTMENTS),
        style=style,
        paragraphs=tuple(paragraphs),
        attachments=("Joint Press Statement.pdf",) if rng.random() < 0.2 else (),
    )


