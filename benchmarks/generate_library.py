"""Write a synthetic but realistic evidence library, for the library benchmark.

The library is in exactly the evidence format (``docs/evidence-format.md``): ``library.yaml`` with
its themes, ``sources.yaml`` as CSL YAML references, one ``findings/<source>.yaml`` per source and
``texts/<source>.txt``. Every finding's text is taken word for word from its source's text
(sometimes with a `` … `` omission), so ``briefing-builder check`` reports no problems.

The same arguments always give the same files, byte for byte (everything is drawn from
``random.Random(seed)``; no set or hash order is ever used).

    .venv/bin/python benchmarks/generate_library.py OUT_DIR --findings 100000
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import math
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# --- vocabulary -----------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FUNCTION_WORDS = _words(
    "the of and to in a that for is with on as by are be this was were it from or at not have "
    "has their which they more can other between but also there all than these its an been such "
    "had where when would should we our into about how who some many most those them could may "
    "both each within across through while because however often where further"
)

CONTENT_WORDS = _words(
    "police policing partnership partnerships partners partner partnering agencies agency "
    "community communities local authority authorities council councils health services service "
    "officers officer staff data information sharing shared governance accountability "
    "commissioner commissioners crime prevention preventing vulnerability vulnerable "
    "safeguarding multi-agency working work worked approach approaches outcomes outcome "
    "evidence evaluation review reviews public sector sectors voluntary third private business "
    "organisations organisational culture cultures trust relationships relationship leadership "
    "leaders senior managers management strategic strategy strategies national regional "
    "neighbourhood neighbourhoods frontline practitioners practice practices resources "
    "resourcing budgets budget funding austerity savings efficiency efficiencies costs cost "
    "reform reforms centralisation discretion decision decisions accountable scrutiny boards "
    "board statutory duty duties legislation legal framework frameworks protocols protocol "
    "agreement agreements arrangements structures structure integrated integration co-location "
    "co-located teams team hub hubs front door referral referrals pathways pathway early "
    "intervention intervene demand demands pressure pressures capacity capability skills "
    "training development learning lessons improvement improvements improve improving improved "
    "performance measures measurement targets indicators monitoring data-sharing systems "
    "technology digital platforms records database databases consent privacy protection risk "
    "risks assessment assessments harm harms reduction victims victim witnesses offenders "
    "offending reoffending justice courts prosecution probation prison prisons youth children "
    "young people families family schools education housing homelessness mental illness crisis "
    "ambulance fire rescue emergency response responses calls incidents incident patrol patrols "
    "visible presence engagement consultation participation residents citizens volunteers "
    "charities charity providers commissioning commissioned contracts contract procurement "
    "pilot pilots programme programmes initiative initiatives project projects scheme schemes "
    "model models design delivery deliver delivering delivered implementation implemented "
    "implementing sustainable sustainability long-term short-term funding-led evidence-based "
    "problem-solving problem problems solutions innovation innovative change changes changing "
    "barriers barrier challenges challenge challenging difficulties success successful "
    "effective effectiveness impact impacts benefits benefit value added purpose purposes aims "
    "aim objectives priorities priority focus shared focus joint jointly collaboration "
    "collaborative collaborate cooperation coordination coordinated coordinator leads lead role "
    "roles responsibilities responsibility ownership commitment committed willingness "
    "reluctance tension tensions conflict conflicts power differences different perspectives "
    "perspective understanding understood communication communicate meetings meeting "
    "face-to-face informal formal networks network contacts relationships-based professional "
    "professionals expertise knowledge specialist specialists generalist exploitation abuse "
    "domestic violence violent sexual missing persons drugs alcohol substance misuse antisocial "
    "behaviour disorder road safety hate cohesion extremism radicalisation organised serious "
    "gangs county lines trafficking slavery fraud cyber online rural remote urban city cities "
    "towns island islands regeneration deprivation inequality poverty wellbeing welfare social "
    "economic political inspection inspectorate audit findings interviewees interviewee "
    "respondents survey surveys participants focus groups case study studies example examples "
    "illustrate illustrates suggested suggests reported reports described describes noted notes "
    "observed found finds identified highlights highlighted recommendation recommendations "
    "recommended recommends should ensure ensuring consider considered considering develop "
    "developed developing establish established maintain maintained support supported "
    "supporting supportive enable enabled enabling encourage encouraged require required "
    "requires increase increased increasing reduce reduced reducing significant significantly "
    "important importantly key central critical particular particularly clear clearly limited "
    "evidence-led common consistent inconsistent variation variable whole-system system-wide "
    "place-based locality localities area areas division divisions force forces constabulary "
    "constable chief superintendent inspector sergeant response-led first year years period "
    "months recent recently previous current future time timescales government ministers "
    "minister department departments policy policies guidance standards"
)

# A few words with accents, curly apostrophes and the like, so that search folding is exercised.
SPECIAL_WORDS = _words(
    "Māori Māori iwi whānau São Paulo Zürich Malmö Tromsø Québec Ōtautahi Bogotá Reykjavík café "
    "rôle naïve coördination Sámi Kōkiri partners’ officers’ police’s service’s communities’ "
    "doesn’t don’t isn’t can’t it’s"
)

FAMILY_NAMES = _words(
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robertson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason "
    "Mitchell Rose Davis Rodriguez Cox Alexander Morgan Moore Martin Price Scott Murray "
    "Campbell Stewart Anderson Macdonald Reid Ferguson Henderson Fraser Loftus Skinns Munk Rice "
    "Tizard Rix Fyfe Terpstra Ngata Tūhoe Müller Schäfer Sørensen Lindqvist Nyström Gonçalves "
    "Peña Dubois Lefèvre O’Brien O’Neill McCarthy Kelly Byrne Ryan Walsh Murphy Ahmed Hussain "
    "Begum Chowdhury Singh Kaur Okafor Adeyemi Mensah Nakamura Tanaka Kowalski Nowak"
)
GIVEN_NAMES = _words(
    "John Sarah David Emma James Laura Michael Rachel Peter Helen Andrew Claire Mark Fiona Paul "
    "Karen Richard Louise Simon Alison Bethan Layla Tine Lindsey Nick Megan Aroha Tama Ingrid "
    "Lars Søren Zoë Chloé Anaïs José João Aisha Priya Rajesh Chinedu Yuki Marta Tomasz"
)
ORGANISATIONS = (
    "Scottish Government",
    "Home Office",
    "College of Policing",
    "HM Inspectorate of Constabulary in Scotland",
    "HM Inspectorate of Constabulary and Fire & Rescue Services",
    "Ministry of Justice",
    "Police Scotland",
    "Scottish Police Authority",
    "Audit Scotland",
    "Welsh Government",
    "National Police Chiefs’ Council",
    "Local Government Association",
    "Association of Police and Crime Commissioners",
    "Early Intervention Foundation",
    "What Works Scotland",
    "Scottish Institute for Policing Research",
    "N8 Policing Research Partnership",
    "Te Puni Kōkiri",
    "New Zealand Police",
    "Politie Nederland",
    "Politiet",
    "Brottsförebyggande rådet",
    "European Crime Prevention Network",
    "Police Foundation",
    "Centre for Public Safety",
    "Crest Advisory",
    "Institute for Government",
    "King’s Fund",
    "Department of Health and Social Care",
    "Service de police de la Ville de Montréal",
)
PUBLISHERS = (
    "Scottish Government",
    "Home Office",
    "College of Policing",
    "Policy Press",
    "Routledge",
    "Palgrave Macmillan",
    "Oxford University Press",
    "Bristol University Press",
    "Sage",
    "Edward Elgar",
    "Willan",
    "Audit Scotland",
    "Police Foundation",
    "CoPaCC",
    "Springer",
)
PUBLISHER_PLACES = (
    "Edinburgh",
    "London",
    "Bristol",
    "Abingdon",
    "Oxford",
    "Cheltenham",
    "Wellington",
    "Den Haag",
    "Oslo",
    "Cham",
)
JOURNALS = (
    "Policing: A Journal of Policy and Practice",
    "Policing and Society",
    "British Journal of Criminology",
    "Criminology & Criminal Justice",
    "Police Practice and Research",
    "Public Money & Management",
    "Local Government Studies",
    "Journal of Community Safety and Well-Being",
    "European Journal of Criminology",
    "Crime Prevention and Community Safety",
    "Journal of Social Policy",
    "International Journal of Police Science & Management",
)
EVENTS = (
    "NPIA Partnership Working Conference",
    "Scottish Policing Research Conference",
    "Annual Conference of the British Society of Criminology",
    "Safer Communities Summit",
    "European Society of Criminology Conference",
    "Police and Crime Commissioners’ Forum",
    "Community Safety Partnerships Network meeting",
    "Multi-agency Safeguarding Symposium",
)
UNIVERSITIES = (
    "University of Edinburgh",
    "University of Glasgow",
    "University of Leeds",
    "University of Manchester",
    "Cardiff University",
    "University of Dundee",
    "Victoria University of Wellington",
    "Universiteit Leiden",
)

PLACES = (
    "Scotland",
    "England and Wales",
    "England",
    "Wales",
    "Northern Ireland",
    "Edinburgh",
    "Glasgow",
    "Dundee",
    "Aberdeen",
    "Highlands and Islands",
    "Manchester",
    "Greater Manchester",
    "London",
    "Merseyside",
    "West Midlands",
    "West Yorkshire",
    "South Wales",
    "North Wales",
    "Durham",
    "Northumbria",
    "Cumbria",
    "Lancashire",
    "Kent",
    "Avon and Somerset",
    "Thames Valley",
    "Devon and Cornwall",
    "Belfast",
    "Dublin",
    "Ireland",
    "the Netherlands",
    "Amsterdam",
    "Rotterdam",
    "Norway",
    "Oslo",
    "Tromsø",
    "Sweden",
    "Malmö",
    "Denmark",
    "Copenhagen",
    "Finland",
    "Germany",
    "Switzerland",
    "Zürich",
    "France",
    "Île-de-France",
    "Canada",
    "Québec",
    "Toronto",
    "United States",
    "New York",
    "Chicago",
    "Australia",
    "Victoria",
    "New South Wales",
    "Aotearoa New Zealand",
    "Auckland",
    "Ōtautahi Christchurch",
    "Brazil",
    "São Paulo",
    "Bogotá",
    "Iceland",
    "European Union",
)

THEMES = (
    (
        "information-sharing",
        "Information and data sharing",
        "Sharing data and intelligence, IT systems, data protection and trust in sharing.",
    ),
    (
        "co-location",
        "Co-location and integrated services",
        "Partners sharing buildings, teams and front doors; one-stop shops and integrated services.",
    ),
    (
        "leadership",
        "Leadership and senior commitment",
        "Senior buy-in, leadership styles and the role of individuals in making partnerships work.",
    ),
    (
        "culture-trust",
        "Culture, trust and relationships",
        "Organisational cultures, personal relationships, face-to-face contact, trust and power.",
    ),
    (
        "resources-austerity",
        "Resources, budgets and austerity",
        "Budget cuts, staff capacity, pooled and aligned resources, efficiency as a reason to partner.",
    ),
    (
        "governance-accountability",
        "Governance and accountability",
        "Who decides and answers for a partnership: PCCs, boards, legal duties, scrutiny and risk.",
    ),
    (
        "shared-purpose",
        "Shared purpose and outcomes",
        "Common aims, shared performance measures and agreed outcomes.",
    ),
    (
        "reform-centralisation",
        "Reform, centralisation and local discretion",
        "National reform of police and fire services, and what it means for local partnership.",
    ),
    (
        "prevention-early-intervention",
        "Prevention and early intervention",
        "Acting before harm happens: early help, diversion and problem-solving upstream.",
    ),
    (
        "vulnerability-safeguarding",
        "Vulnerability and safeguarding",
        "Protecting vulnerable adults and children; multi-agency safeguarding hubs.",
    ),
    (
        "mental-health",
        "Mental health and policing",
        "Street triage, crisis care, Section 136 and the demand mental ill-health places on police.",
    ),
    (
        "domestic-abuse",
        "Domestic abuse",
        "MARACs, disclosure schemes and joint responses to domestic abuse.",
    ),
    (
        "youth-justice",
        "Children, young people and youth justice",
        "Youth offending, diversion, schools liaison and children’s services.",
    ),
    (
        "community-engagement",
        "Community engagement and consultation",
        "Listening to residents, community meetings, co-production and local priorities.",
    ),
    (
        "indigenous-communities",
        "Indigenous and minority communities",
        "Working with Māori, Sámi and First Nations communities, and with minority groups.",
    ),
    (
        "evaluation-evidence",
        "Evaluation and use of evidence",
        "How partnerships are evaluated, what counts as evidence, and evidence-based practice.",
    ),
    (
        "performance-measurement",
        "Performance measurement and targets",
        "Indicators, targets, and the difficulty of measuring shared outcomes.",
    ),
    (
        "workforce-training",
        "Workforce, skills and training",
        "Joint training, secondments, skills for partnership working and staff turnover.",
    ),
    (
        "technology-digital",
        "Technology and digital services",
        "Shared platforms, interoperable systems and digital public services.",
    ),
    (
        "funding-commissioning",
        "Funding and commissioning",
        "Grants, pooled budgets, commissioning cycles and short-term funding.",
    ),
    (
        "legal-duties",
        "Statutory duties and legislation",
        "The legal basis of partnership: duties to cooperate, community safety legislation.",
    ),
    (
        "risk-assessment",
        "Risk assessment and management",
        "Shared risk assessment tools, thresholds and managing risk across agencies.",
    ),
    (
        "victims-services",
        "Victims and witnesses",
        "Support for victims and witnesses, referral to victim services, the victim’s journey.",
    ),
    (
        "offender-management",
        "Offender management and reoffending",
        "Integrated offender management, probation partnerships and reducing reoffending.",
    ),
    (
        "drugs-alcohol",
        "Drugs, alcohol and harm reduction",
        "Substance misuse, treatment referral and harm reduction partnerships.",
    ),
    (
        "housing-homelessness",
        "Housing and homelessness",
        "Housing providers, homelessness services and tenancy-related antisocial behaviour.",
    ),
    (
        "education-schools",
        "Schools and education partners",
        "School-based officers, exclusions and education partnerships.",
    ),
    (
        "emergency-services",
        "Fire, ambulance and emergency services collaboration",
        "Blue-light collaboration, shared estates and joint emergency response.",
    ),
    (
        "third-sector",
        "Voluntary and third sector partners",
        "Charities, community groups and volunteers as partners.",
    ),
    (
        "private-sector",
        "Private sector and business partners",
        "Businesses, business improvement districts and private security.",
    ),
    (
        "rural-policing",
        "Rural and remote communities",
        "Policing and partnership in rural, island and remote areas.",
    ),
    (
        "urban-regeneration",
        "Urban neighbourhoods and regeneration",
        "Neighbourhood renewal, place-based partnerships and regeneration.",
    ),
    (
        "international-comparison",
        "International comparisons",
        "What other countries do: the Netherlands, Norway, New Zealand, Canada and others.",
    ),
    (
        "public-confidence",
        "Public confidence and legitimacy",
        "Trust in the police, procedural justice and legitimacy.",
    ),
    (
        "problem-solving",
        "Problem-solving and innovation",
        "Problem-oriented partnership, SARA, pilots and innovation.",
    ),
    (
        "serious-organised-crime",
        "Serious and organised crime",
        "Multi-agency work against organised crime groups and county lines.",
    ),
    ("road-safety", "Road safety", "Road casualty reduction partnerships and enforcement."),
    (
        "hate-crime",
        "Hate crime and community cohesion",
        "Third-party reporting, cohesion work and responses to hate crime.",
    ),
    (
        "missing-persons",
        "Missing persons",
        "Joint protocols for missing children and adults, return interviews.",
    ),
    (
        "exploitation",
        "Exploitation and modern slavery",
        "Child sexual exploitation, trafficking and modern slavery partnerships.",
    ),
)

SPEAKERS = (
    "Chief Superintendent, Police Scotland",
    "Local authority community safety manager",
    "Interviewee A03 Police",
    "Interviewee B02 Local authority",
    "Interviewee C07 Health",
    "Interviewee D01 Third sector",
    "Police and Crime Commissioner",
    "Chief Constable",
    "Neighbourhood sergeant",
    "Inspector, response and patrol",
    "NHS board representative",
    "Fire and rescue station manager",
    "Social work team leader",
    "Head teacher",
    "Housing association officer",
    "Probation officer",
    "Councillor",
    "Aroha Ngata, iwi liaison officer",
    "Kaiwhakahaere, Ōtautahi whānau service",
    "Politie wijkagent, Rotterdam",
    "Politiførstebetjent, Tromsø",
    "Stadtpolizei Zürich officer",
    "Community member, focus group",
    "Youth worker",
    "Victim support coordinator",
    "Alcohol and drug partnership lead",
    "Detective Inspector, public protection",
)
NOTES = (
    "Paraphrase of the chapter heading added for context.",
    "The source repeats this point in its conclusions.",
    "Check wording against the printed edition.",
    "Speaker’s role as given in the source’s list of interviewees.",
    "A good example for briefings on local delivery.",
)
TITLE_OPENINGS = (
    "Partnership working",
    "Evaluation of",
    "Review of",
    "Working together",
    "Policing and",
    "Multi-agency approaches to",
    "Lessons from",
    "Joining up",
    "Collaboration and",
    "The future of",
    "Understanding",
    "Rethinking",
)
TITLE_SUBJECTS = (
    "community safety",
    "local policing",
    "police and fire reform",
    "public protection",
    "safeguarding partnerships",
    "mental health crisis care",
    "domestic abuse responses",
    "youth justice",
    "neighbourhood policing",
    "information sharing",
    "early intervention",
    "integrated offender management",
    "violence reduction",
    "rural policing",
    "police legitimacy",
    "the police role in public health",
    "co-located services",
)
TITLE_TAILS = (
    "an evidence review",
    "a case study",
    "international perspectives",
    "final report",
    "interim findings",
    "what works",
    "lessons for practice",
    "a thematic inspection",
    "year three",
    "a practitioner’s guide",
    "the view from the frontline",
    "a systematic review",
)

# CSL types with their share of the sources.
TYPE_WEIGHTS = (
    ("report", 45),
    ("article-journal", 20),
    ("chapter", 8),
    ("book", 6),
    ("paper-conference", 6),
    ("speech", 5),
    ("webpage", 5),
    ("thesis", 5),
)
KIND_WEIGHTS = (("quote", 40), ("key-finding", 35), ("example", 15), ("recommendation", 10))

WORDS_PER_PAGE = 380
GENERATOR_VERSION = 1


# --- YAML writing ---------------------------------------------------------------------------


class _Folded(str):
    """Written as a folded block scalar (``>-``), the way curators write long text."""


class _Quoted(str):
    """Written in double quotes, e.g. a locator value "4" that must stay text."""


class _Flow(dict):  # type: ignore[type-arg]
    """Written inline: ``{label: section, value: "4"}``."""


class _FlowList(list):  # type: ignore[type-arg]
    """Written inline: ``[theme-a, theme-b]``."""


def _add_representers(dumper: type) -> None:
    dumper.add_representer(
        _Folded, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style=">")
    )
    dumper.add_representer(
        _Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"')
    )
    dumper.add_representer(
        _Flow,
        lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", list(v.items()), flow_style=True),
    )
    dumper.add_representer(
        _FlowList,
        lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", list(v), flow_style=True),
    )


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The libyaml emitter, for the findings files (a top-level list needs no indent fix)."""


class _IndentedDumper(yaml.SafeDumper):
    """Indents lists inside mappings (``references:\\n  - id: ...``), as curators do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


_add_representers(_FastDumper)
_add_representers(_IndentedDumper)
_DUMP_OPTIONS: dict[str, Any] = {
    "allow_unicode": True,
    "sort_keys": False,
    "default_flow_style": False,
    "width": 96,
    "indent": 2,
}


def _dump(data: Any, dumper: type) -> str:
    return yaml.dump(data, Dumper=dumper, **_DUMP_OPTIONS)


def _space_items(text: str, marker: str, *, first_follows_key: bool) -> str:
    """A blank line between list items, each found by ``marker`` (a line break and its start).

    When the list stands under a key (``themes:``), the first item gets no blank line before it.
    """
    spaced = text.replace(marker, "\n" + marker)
    if first_follows_key:
        spaced = spaced.replace("\n" + marker, marker, 1)
    return spaced


# --- source texts ---------------------------------------------------------------------------


@dataclass
class _Section:
    number: str
    title: str
    tokens: list[str] = field(default_factory=list)  # the body's words, as written
    sentence_starts: list[int] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)  # page of each token


@dataclass
class _SourceText:
    sections: list[_Section]
    text: str


class _Words:
    """Draws words with a Zipf-like frequency, function words most often."""

    def __init__(self, rng: random.Random) -> None:
        content = list(dict.fromkeys(CONTENT_WORDS))
        rng.shuffle(content)
        self.content = content
        self.content_cum = list(
            itertools.accumulate(1 / (r + 8) ** 0.95 for r in range(len(content)))
        )
        self.function = FUNCTION_WORDS
        self.function_cum = list(
            itertools.accumulate(1 / (r + 1) ** 0.8 for r in range(len(FUNCTION_WORDS)))
        )
        self.special = SPECIAL_WORDS

    def draw(self, rng: random.Random, n: int) -> list[str]:
        out = []
        for _ in range(n):
            r = rng.random()
            if r < 0.42:
                out.append(_pick(rng, self.function, self.function_cum))
            elif r < 0.4225:
                out.append(rng.choice(self.special))
            else:
                out.append(_pick(rng, self.content, self.content_cum))
        return out


def _pick(rng: random.Random, words: list[str], cum: list[float]) -> str:
    return words[bisect.bisect_right(cum, rng.random() * cum[-1])]


def _sentence(rng: random.Random, words: _Words) -> list[str]:
    n = max(5, min(45, round(rng.lognormvariate(math.log(18), 0.35))))
    toks = words.draw(rng, n)
    r = rng.random()
    if r < 0.06:  # a number somewhere
        i = rng.randrange(1, n)
        toks.insert(i, rng.choice(("in", "by", "since", "from")))
        toks.insert(i + 1, str(rng.randrange(1998, 2026)))
    elif r < 0.09:
        i = rng.randrange(1, n)
        toks[i:i] = [str(rng.randrange(5, 95)), "per", "cent"]
    elif r < 0.11:
        i = rng.randrange(1, n)
        toks[i:i] = [f"£{rng.randrange(1, 40)}.{rng.randrange(10)}", "million"]
    for i in range(1, len(toks) - 2):
        if rng.random() < 0.06:
            toks[i] += ","
    if len(toks) > 10 and rng.random() < 0.12:  # an aside between en dashes
        a = rng.randrange(3, len(toks) - 5)
        b = a + rng.randrange(2, 5)
        toks.insert(b, "–")
        toks.insert(a, "–")
    if len(toks) > 6 and rng.random() < 0.05:  # a range with an en dash
        a = rng.randrange(1, len(toks) - 1)
        y = rng.randrange(1998, 2022)
        toks.insert(a, f"{y}–{y + rng.randrange(1, 5) - 2000:02d}")
    if len(toks) > 6 and rng.random() < 0.07:  # words in curly quotes
        a = rng.randrange(1, len(toks) - 4)
        b = a + rng.randrange(0, 3)
        if toks[a] != "–" and toks[b] != "–":
            toks[a] = "“" + toks[a]
            toks[b] = toks[b].rstrip(",") + "”"
    toks[0] = toks[0][:1].upper() + toks[0][1:]
    toks[-1] = toks[-1].rstrip(",") + ("." if rng.random() < 0.95 else ":")
    return toks


def _wrap(tokens: list[str], width: int = 78) -> str:
    lines: list[str] = []
    line: list[str] = []
    size = 0
    for tok in tokens:
        if line and size + 1 + len(tok) > width:
            lines.append(" ".join(line))
            line, size = [], 0
        size += len(tok) + (1 if line else 0)
        line.append(tok)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines)


def _source_text(rng: random.Random, words: _Words, title: str, n_words: int) -> _SourceText:
    n_top = max(3, min(12, n_words // 4000 + rng.randrange(2, 5)))
    per_section = max(300, n_words // n_top)
    sections: list[_Section] = []
    out: list[str] = [title, "", ""]
    page = 1
    page_words = 0
    for top in range(1, n_top + 1):
        subs = rng.randrange(0, 4) if per_section > 1200 else 0
        numbers = [str(top)] + [f"{top}.{s}" for s in range(1, subs + 1)]
        share = per_section // len(numbers)
        for number in numbers:
            heading = " ".join(
                _pick(rng, words.content, words.content_cum) for _ in range(rng.randrange(2, 6))
            ).capitalize()
            sec = _Section(number, heading)
            out.append(f"{number} {heading}")
            out.append("")
            target = max(80, round(share * rng.uniform(0.8, 1.2)))
            while len(sec.tokens) < target:
                para: list[str] = []
                for _ in range(rng.randrange(2, 7)):
                    sec.sentence_starts.append(len(sec.tokens) + len(para))
                    para.extend(_sentence(rng, words))
                sec.tokens.extend(para)
                sec.pages.extend([page] * len(para))
                out.append(_wrap(para))
                out.append("")
                page_words += len(para)
                if page_words >= WORDS_PER_PAGE:
                    out.append("\f")  # a page break, as pdftotext writes it
                    page += 1
                    page_words = 0
            sections.append(sec)
    return _SourceText(sections, "\n".join(out).rstrip("\n") + "\n")


def _quote(rng: random.Random, text: _SourceText) -> tuple[str, _Section, int]:
    """A word-for-word passage from one section: (text, section, index of its first word)."""
    weights = [len(s.tokens) for s in text.sections]
    sec = rng.choices(text.sections, weights=weights)[0]
    toks = sec.tokens
    length = max(15, min(120, round(rng.lognormvariate(math.log(40), 0.45))))
    length = min(length, len(toks))
    whole = rng.random() < 0.7  # most quotes are whole sentences
    if whole:
        start = sec.sentence_starts[rng.randrange(len(sec.sentence_starts))]
    else:
        start = rng.randrange(len(toks))
    start = min(start, len(toks) - length)
    end = start + length
    if whole:  # end at the sentence end nearest the length drawn, keeping 15-120 words
        bounds = sec.sentence_starts
        i = bisect.bisect_left(bounds, end)
        near = [
            b
            for b in (bounds[i - 1] if i else None, bounds[i] if i < len(bounds) else len(toks))
            if b is not None and 15 <= b - start <= 120
        ]
        if near:
            end = min(near, key=lambda b: abs(b - (start + length)))
    while toks[start] == "–" and start + 1 < end - 1:
        start += 1
    while toks[end - 1] == "–" and end - 1 > start + 1:
        end -= 1
    if end - start >= 30 and rng.random() < 0.08:  # leave some words out with …
        a = start + rng.randrange(8, end - start - 16)
        b = a + rng.randrange(2, 8)
        while toks[a - 1] == "–" and a - 1 > start + 1:
            a -= 1
        while toks[b] == "–" and b + 1 < end - 1:
            b += 1
        quote = " ".join(toks[start:a]) + " … " + " ".join(toks[b:end])
    else:
        quote = " ".join(toks[start:end])
    return quote, sec, start


# --- sources --------------------------------------------------------------------------------


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _acronym(org: str) -> str:
    letters = [w[0] for w in re.findall(r"[A-Za-zÀ-ÿ]+", org) if w[0].isupper()]
    return _slug("".join(letters)) or _slug(org)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    names = [p[0] for p in pairs]
    return rng.choices(names, weights=[p[1] for p in pairs])[0]


def _person(rng: random.Random) -> _Flow:
    return _Flow(family=rng.choice(FAMILY_NAMES), given=rng.choice(GIVEN_NAMES))


def _names(items: list[_Flow]) -> list[Any]:
    return _FlowList(items) if len(items) == 1 else items


def _title(rng: random.Random) -> str:
    opening = rng.choice(TITLE_OPENINGS)
    subject = rng.choice(TITLE_SUBJECTS)
    if opening.endswith(("of", "to", "and")) or opening in ("The future of", "Understanding"):
        main = f"{opening} {subject}"
    else:
        main = f"{opening} in {rng.choice(PLACES)}"
    if rng.random() < 0.7:
        return f"{main}: {rng.choice(TITLE_TAILS)}"
    return main


def _make_source(rng: random.Random, used_ids: dict[str, int]) -> dict[str, Any]:
    ctype = _weighted(rng, TYPE_WEIGHTS)
    org_author = ctype in ("report", "webpage") and rng.random() < 0.55
    if org_author:
        authors = [_Flow(literal=rng.choice(ORGANISATIONS))]
        key = _acronym(authors[0]["literal"])
    else:
        authors = [_person(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4)))]
        key = _slug(authors[0]["family"])
    year: int | None = None if rng.random() < 0.05 else rng.randrange(1998, 2026)
    base = f"{key}-{year if year else 'nd'}"
    n = used_ids.get(base, 0)
    used_ids[base] = n + 1
    sid = base if n == 0 else f"{base}{'abcdefghijklmnopqrstuvwxyz'[n % 26]}{n // 26 or ''}"
    title = _title(rng)
    ref: dict[str, Any] = {"id": sid, "type": ctype, "title": title, "author": _names(authors)}
    if ctype == "report":
        ref["publisher"] = authors[0]["literal"] if org_author else rng.choice(PUBLISHERS)
        if rng.random() < 0.5:
            ref["publisher-place"] = rng.choice(PUBLISHER_PLACES)
        if rng.random() < 0.25:
            ref["collection-title"] = rng.choice(
                (
                    "Research Findings",
                    "Thematic Inspections",
                    "Evidence Briefings",
                    "Occasional Papers",
                )
            )
            ref["number"] = str(rng.randrange(1, 120))
    elif ctype == "article-journal":
        ref["container-title"] = rng.choice(JOURNALS)
        ref["volume"] = str(rng.randrange(1, 40))
        ref["issue"] = str(rng.randrange(1, 7))
        first = rng.randrange(1, 900)
        ref["page"] = f"{first}–{first + rng.randrange(10, 30)}"
        if rng.random() < 0.6:
            ref["DOI"] = (
                f"10.{rng.randrange(1000, 9999)}/{_slug(title)[:12]}.{rng.randrange(10**5)}"
            )
    elif ctype == "chapter":
        ref["container-title"] = f"{rng.choice(TITLE_OPENINGS)} {rng.choice(TITLE_SUBJECTS)}"
        ref["editor"] = _names([_person(rng) for _ in range(rng.choice((1, 2)))])
        ref["publisher"] = rng.choice(PUBLISHERS[3:])
        first = rng.randrange(1, 300)
        ref["page"] = f"{first}–{first + rng.randrange(15, 30)}"
    elif ctype == "book":
        ref["publisher"] = rng.choice(PUBLISHERS[3:])
        ref["publisher-place"] = rng.choice(PUBLISHER_PLACES)
        if rng.random() < 0.5:
            ref["ISBN"] = (
                f"978-{rng.randrange(1, 9)}-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}-{rng.randrange(10)}"
            )
    elif ctype == "paper-conference":
        event = rng.choice(EVENTS)
        ref["container-title"] = f"Proceedings of the {event}"
        ref["event"] = event
        ref["publisher-place"] = rng.choice(PUBLISHER_PLACES)
    elif ctype == "speech":
        ref["event"] = rng.choice(EVENTS)
        ref["event-place"] = rng.choice(PUBLISHER_PLACES)
        ref["genre"] = rng.choice(("Conference presentation", "Keynote address", "Slides"))
    elif ctype == "webpage":
        ref["container-title"] = authors[0].get("literal") or rng.choice(ORGANISATIONS)
        ref["URL"] = f"https://www.example.org/{_slug(title)[:48]}"
        ref["accessed"] = _Flow(
            {"date-parts": [[2026, rng.randrange(1, 11), rng.randrange(1, 29)]]}
        )
    elif ctype == "thesis":
        ref["publisher"] = rng.choice(UNIVERSITIES)
        ref["genre"] = rng.choice(("PhD thesis", "MSc dissertation"))
    if year is not None:
        parts = [year]
        if rng.random() < 0.5:
            parts.append(rng.randrange(1, 13))
            if rng.random() < 0.3:
                parts.append(rng.randrange(1, 29))
        ref["issued"] = _Flow({"date-parts": [parts]})
    if ctype != "webpage" and rng.random() < 0.15:
        ref["URL"] = f"https://www.example.org/publications/{sid}"
        # A fixed date, drawing nothing from the generator, so the rest of the library is as before.
        ref["accessed"] = _Flow({"date-parts": [[2026, 3, 1]]})
    if rng.random() < 0.1:
        ref["note"] = _Folded(
            "Published alongside a summary report. Page numbers are those of the PDF; "
            "the text was extracted with pdftotext and checked by hand."
        )
    if rng.random() < 0.4:
        who = authors[0].get("family") or _acronym(authors[0]["literal"]).upper()
        etal = " et al." if len(authors) > 2 else ""
        ref["short"] = f"{who}{etal} {year or 'n.d.'}"
    ref["text"] = f"texts/{sid}.txt"
    return ref


# --- findings -------------------------------------------------------------------------------


def _split_counts(rng: random.Random, total: int, buckets: int) -> list[int]:
    """Findings per source: at least one each, the rest skewed (a few sources give many)."""
    if buckets == 0:
        return []
    counts = [1 if i < total else 0 for i in range(buckets)]
    rest = total - sum(counts)
    if rest > 0:
        weights = [rng.lognormvariate(0, 1.0) for _ in range(buckets)]
        for i, n in sorted(Counter(rng.choices(range(buckets), weights=weights, k=rest)).items()):
            counts[i] += n
    return counts


def _finding(
    rng: random.Random,
    fid: str,
    sid: str,
    text: _SourceText,
    theme_ids: list[str],
    theme_cum: list[float],
    home_places: list[str],
    forced_theme: str | None,
) -> tuple[tuple[int, int], dict[str, Any]]:
    quote, sec, start = _quote(rng, text)
    kind = _weighted(rng, KIND_WEIGHTS)
    item: dict[str, Any] = {"id": fid, "source": sid, "kind": kind, "text": _Folded(quote)}
    if rng.random() < (0.65 if kind == "quote" else 0.07):
        item["speaker"] = rng.choice(SPEAKERS)
    if rng.random() < 0.6:
        loc = _Flow(label="section", value=_Quoted(sec.number))
        if rng.random() < 0.4:
            loc["title"] = sec.title
    else:
        loc = _Flow(label="page", value=_Quoted(str(sec.pages[start])))
    item["locator"] = loc
    n_themes = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
    themes: list[str] = [forced_theme] if forced_theme else []
    while len(themes) < n_themes:
        t = _pick(rng, theme_ids, theme_cum)
        if t not in themes:
            themes.append(t)
    item["themes"] = _FlowList(themes)
    n_places = rng.choices((0, 1, 2, 3), weights=(25, 45, 20, 10))[0]
    places: list[str] = []
    while len(places) < n_places:
        p = rng.choice(home_places) if rng.random() < 0.8 else rng.choice(PLACES)
        if p not in places:
            places.append(p)
    if places:
        item["places"] = _FlowList(places)
    if rng.random() < 0.03:
        item["note"] = rng.choice(NOTES)
    order = (text.sections.index(sec), start)
    return order, item


# --- the library ----------------------------------------------------------------------------


def parameters(findings: int, sources: int, themes: int, seed: int) -> dict[str, Any]:
    """What a generated library depends on (recorded in ``.generated.json``)."""
    return {
        "findings": findings,
        "sources": sources,
        "themes": themes,
        "seed": seed,
        "generator": GENERATOR_VERSION,
        "generator_sha256": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    }


def generate(
    root: Path, findings: int = 100_000, sources: int = 300, themes: int = 40, seed: int = 1
) -> dict[str, int]:
    """Write a library into ``root`` (created; existing library files are replaced).

    Returns counts of what was written.
    """
    if findings < themes:
        raise ValueError("need at least one finding per theme")
    rng = random.Random(seed)
    root = Path(root)
    for sub in ("findings", "texts"):
        (root / sub).mkdir(parents=True, exist_ok=True)
        for old in sorted((root / sub).iterdir()):
            if old.suffix in (".yaml", ".yml", ".txt"):
                old.unlink()

    # library.yaml
    theme_rows = list(THEMES[:themes]) + [
        (f"theme-{i:03d}", f"Theme {i}", "A further theme of the synthetic library.")
        for i in range(len(THEMES) + 1, themes + 1)
    ]
    theme_ids = [t[0] for t in theme_rows]
    library = {
        "title": "Synthetic partnership evidence",
        "description": _Folded(
            f"A generated library of {findings:,} findings from {sources} sources on "
            "partnership working between the police and other agencies, for benchmarks. "
            "Every finding is word for word from its source’s text."
        ),
        "themes": [{"id": t, "label": label, "description": d} for t, label, d in theme_rows],
    }
    header = (
        "# Generated by benchmarks/generate_library.py "
        f"(findings={findings}, sources={sources}, themes={themes}, seed={seed}).\n"
    )
    lib_yaml = _space_items(_dump(library, _IndentedDumper), "\n  - id: ", first_follows_key=True)
    (root / "library.yaml").write_text(header + lib_yaml, encoding="utf-8")

    # sources.yaml and texts
    used_ids: dict[str, int] = {}
    refs = [_make_source(rng, used_ids) for _ in range(sources)]
    src_yaml = _space_items(
        _dump({"references": refs}, _IndentedDumper), "\n  - id: ", first_follows_key=True
    )
    (root / "sources.yaml").write_text(header + src_yaml, encoding="utf-8")

    counts = _split_counts(rng, findings, sources)
    words = _Words(rng)
    theme_order = theme_ids[:]
    rng.shuffle(theme_order)
    theme_cum = list(itertools.accumulate(1 / (r + 3) for r in range(len(theme_order))))
    written = 0
    text_bytes = 0
    for ref, count in zip(refs, counts, strict=True):
        sid = ref["id"]
        n_words = max(2500, round(count * 32 * rng.uniform(0.8, 1.4)))
        text = _source_text(rng, words, ref["title"], n_words)
        raw = text.text.encode("utf-8")
        (root / "texts" / f"{sid}.txt").write_bytes(raw)
        text_bytes += len(raw)
        if count == 0:
            continue
        home = rng.sample(PLACES, rng.randrange(1, 5))
        width = max(3, len(str(count)))
        drafts = []
        for _ in range(count):
            forced = theme_ids[written] if written < len(theme_ids) else None  # every theme used
            drafts.append(_finding(rng, "", sid, text, theme_order, theme_cum, home, forced))
            written += 1
        drafts.sort(key=lambda d: d[0])  # in the order a curator reads the source
        items = []
        for n, (_, item) in enumerate(drafts, start=1):
            item["id"] = f"{sid}-{n:0{width}d}"
            items.append(item)
        body = _space_items(_dump(items, _FastDumper), "\n- id: ", first_follows_key=False)
        head = f"# Findings from “{ref['title']}”,\n# word for word from texts/{sid}.txt.\n\n"
        (root / "findings" / f"{sid}.yaml").write_text(head + body, encoding="utf-8")

    (root / ".generated.json").write_text(
        json.dumps(parameters(findings, sources, themes, seed), indent=2) + "\n", encoding="utf-8"
    )
    return {
        "findings": written,
        "sources": len(refs),
        "themes": len(theme_ids),
        "text_bytes": text_bytes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the library into")
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--themes", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    counts = generate(args.out, args.findings, args.sources, args.themes, args.seed)
    print(
        f"{args.out}: {counts['findings']:,} findings, {counts['sources']} sources, "
        f"{counts['themes']} themes, {counts['text_bytes'] / 1e6:.1f} MB of source text "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
