"""Citations and references for the five bundled sources, checked by hand against the rules of
Cite Them Right (Harvard) and the MHRA Style Guide (notes); see export/citations.py."""

from __future__ import annotations

import pytest

from briefing_builder.core.model import Library, Locator
from briefing_builder.export.citations import (
    UnknownStyle,
    format_locator,
    get_style,
    headline_case,
    styles,
)
from briefing_builder.export.inline import plain

URL_Y4 = (
    "https://www.gov.scot/publications/"
    "evaluation-police-fire-reform-year-4-international-perspectives-police-fire-reform/"
)
CASES = [
    ("scotgov-y4", Locator("section", "3.3.4", "Culture change")),
    ("scotgov-y3", Locator("section", "Leadership")),
    ("n8prp", Locator("section", "3", "Multi-agency Partnerships Involving the Police")),
    ("copacc-2015", Locator("section", "4", "What is partnership?")),
    ("npia-2009", Locator("slide", "Blockages")),
]


def _sources(bundled: Library) -> dict[str, dict[str, object]]:
    return {s.id: s.csl for s in bundled.sources}


def test_harvard_citations_of_the_five_sources(bundled: Library) -> None:
    p = get_style("harvard").processor(_sources(bundled), [sid for sid, _ in CASES])
    assert [plain(p.cite(sid, loc).spans) for sid, loc in CASES] == [
        "(Scottish Government, n.d., section 3.3.4)",  # corporate author, no year
        "(Scottish Government, 2018, section ‘Leadership’)",  # an unnumbered heading
        "(Loftus and Skinns, n.d., section 3)",  # two authors (two contributors not cited)
        "(Tizard, 2015, section 4)",
        "(Mortimore, 2009, slide ‘Blockages’)",  # a slide title
    ]


def test_harvard_reference_list_of_the_five_sources(bundled: Library) -> None:
    p = get_style("harvard").processor(_sources(bundled), [sid for sid, _ in CASES])
    refs = p.references()
    assert [plain(r.spans) for r in refs] == [
        "Loftus, B. and Skinns, L. (n.d.) Policing Partnerships: Evidence "
        "Review. N8 Policing Research Partnership.",
        "Mortimore, S. (2009) ‘Working in partnership: the police perspective’ "
        "[Slide presentation]. FOSS 2009 Conference, 6 May.",
        "Scottish Government (n.d.) Evaluation of police and fire reform year 4: international "
        f"perspectives. Scottish Government. Available at: {URL_Y4}",
        "Scottish Government (2018) Evaluation of police and fire reform: partnership, "
        "innovation and prevention year three case study. Scottish Government.",
        "Tizard, J. (2015) PCCs and Partnership. CoPaCC (CoPaCC Thematic).",
    ]
    # Titles of reports in italics, the presentation's in quotation marks, the event in italics.
    italic = {s.text for r in refs for s in r.spans if s.italic}
    assert "PCCs and Partnership" in italic and "FOSS 2009 Conference" in italic
    assert not any("Working in partnership" in t for t in italic)
    # The URL is a link; every citation links to its reference entry.
    assert refs[2].url == URL_Y4 and any(s.link == URL_Y4 for s in refs[2].spans)
    cite = p.cite("copacc-2015", None)
    assert plain(cite.spans) == "(Tizard, 2015)"
    assert {s.link for s in cite.spans} == {"#ref-copacc-2015"}


def test_reference_list_holds_only_the_sources_cited(bundled: Library) -> None:
    p = get_style("harvard").processor(_sources(bundled), ["npia-2009", "copacc-2015"])
    assert [r.source_id for r in p.references()] == ["npia-2009", "copacc-2015"]


def test_notes_first_full_then_short(bundled: Library) -> None:
    order = [sid for sid, _ in CASES] * 2
    p = get_style("numbered-notes").processor(_sources(bundled), order)
    first = [plain(p.cite(sid, loc).spans) for sid, loc in CASES]
    assert first == [
        "Scottish Government, Evaluation of Police and Fire Reform Year 4: International "
        f"Perspectives (Scottish Government, [n.d.]), section 3.3.4 <{URL_Y4}>.",
        "Scottish Government, Evaluation of Police and Fire Reform: Partnership, Innovation and "
        "Prevention Year Three Case Study (Scottish Government, 2018), section "
        "‘Leadership’.",
        "Bethan Loftus and Layla Skinns, Policing Partnerships: Evidence Review (N8 Policing Research "
        "Partnership, [n.d.]), section 3.",
        "John Tizard, PCCs and Partnership, CoPaCC Thematic (CoPaCC, 2015), section 4.",
        "Steve Mortimore, ‘Working in Partnership: The Police Perspective’ (slide presentation "
        "at the FOSS 2009 Conference, 6 May 2009), slide ‘Blockages’.",
    ]
    later = [plain(p.cite(sid, loc).spans) for sid, loc in CASES]
    assert later == [
        # Two works by the Scottish Government: the short form adds a short title.
        "Scottish Government, Evaluation of Police and Fire Reform Year 4, section 3.3.4.",
        "Scottish Government, Evaluation of Police and Fire Reform, section ‘Leadership’.",
        "Loftus and Skinns, section 3.",
        "Tizard, section 4.",
        "Mortimore, slide ‘Blockages’.",
    ]
    assert all(p.cite(sid, loc).is_note for sid, loc in CASES)


def test_notes_bibliography(bundled: Library) -> None:
    p = get_style("numbered-notes").processor(_sources(bundled), [sid for sid, _ in CASES])
    assert [plain(r.spans) for r in p.references()] == [
        "Loftus, Bethan and Layla Skinns, Policing Partnerships: "
        "Evidence Review (N8 Policing Research Partnership, [n.d.])",
        "Mortimore, Steve, ‘Working in Partnership: The Police Perspective’ (slide presentation "
        "at the FOSS 2009 Conference, 6 May 2009)",
        "Scottish Government, Evaluation of Police and Fire Reform Year 4: International "
        f"Perspectives (Scottish Government, [n.d.]) <{URL_Y4}>",
        "Scottish Government, Evaluation of Police and Fire Reform: Partnership, Innovation and "
        "Prevention Year Three Case Study (Scottish Government, 2018)",
        "Tizard, John, PCCs and Partnership, CoPaCC Thematic (CoPaCC, 2015)",
    ]


def test_same_author_and_year_get_letters() -> None:
    sources = {
        "a": {
            "type": "report",
            "title": "Budgets",
            "author": [{"literal": "Home Office"}],
            "issued": {"date-parts": [[2015]]},
        },
        "b": {
            "type": "report",
            "title": "Alcohol",
            "author": [{"literal": "Home Office"}],
            "issued": {"date-parts": [[2015]]},
        },
        "c": {"type": "report", "title": "Crime", "author": [{"literal": "Home Office"}]},
        "d": {"type": "report", "title": "Arrests", "author": [{"literal": "Home Office"}]},
        "e": {
            "type": "report",
            "title": "Other",
            "author": [{"literal": "Home Office"}],
            "issued": {"date-parts": [[2016]]},
        },
    }
    p = get_style("harvard").processor(sources, list(sources))
    cites = {sid: plain(p.cite(sid, None).spans) for sid in sources}
    assert cites == {
        "a": "(Home Office, 2015b)",  # letters follow the titles' order
        "b": "(Home Office, 2015a)",
        "c": "(Home Office, n.d.b)",
        "d": "(Home Office, n.d.a)",
        "e": "(Home Office, 2016)",
    }
    assert [plain(r.spans).split(")")[0] for r in p.references()] == [
        "Home Office (n.d.a",
        "Home Office (n.d.b",
        "Home Office (2015a",
        "Home Office (2015b",
        "Home Office (2016",
    ]


def test_other_source_types_and_author_counts() -> None:
    two = {
        "type": "book",
        "title": "Policing",
        "edition": "2",
        "author": [{"family": "Smith", "given": "Ann Marie"}, {"family": "Jones", "given": "Bo"}],
        "publisher": "Policy Press",
        "publisher-place": "Bristol",
        "issued": {"date-parts": [[2019]]},
    }
    three = {
        "type": "article-journal",
        "title": "Trust between partners",
        "author": [
            {"family": "Lee", "given": "C."},
            {"family": "Ng", "given": "D"},
            {"family": "van Dijk", "given": "Jan-Pieter"},
        ],
        "container-title": "Policing and Society",
        "volume": "12",
        "issue": "3",
        "page": "45-67",
        "issued": {"date-parts": [[2020]]},
        "DOI": "10.1000/xyz",
    }
    web = {
        "type": "webpage",
        "title": "Community safety partnerships",
        "author": [{"literal": "Home Office"}],
        "URL": "https://www.gov.uk/csp",
        "issued": {"date-parts": [[2021]]},
        "accessed": {"date-parts": [[2026, 11, 2]]},
    }
    sources = {"two": two, "three": three, "web": web}
    p = get_style("harvard").processor(sources, list(sources))
    assert plain(p.cite("two", Locator("page", "4")).spans) == "(Smith and Jones, 2019, p. 4)"
    assert plain(p.cite("three", Locator("page", "45-46")).spans) == (
        "(Lee, Ng and van Dijk, 2020, pp. 45–46)"
    )
    assert [plain(r.spans) for r in p.references()] == [
        "Home Office (2021) Community safety partnerships. Available at: https://www.gov.uk/csp "
        "(Accessed: 2 November 2026).",
        "Lee, C., Ng, D. and van Dijk, J.-P. (2020) ‘Trust between partners’, Policing and "
        "Society, 12(3), pp. 45–67. Available at: https://doi.org/10.1000/xyz",
        "Smith, A.M. and Jones, B. (2019) Policing. 2nd edn. Bristol: Policy Press.",
    ]
    n = get_style("numbered-notes").processor(sources, list(sources))
    assert plain(n.cite("two", Locator("page", "4")).spans) == (
        "Ann Marie Smith and Bo Jones, Policing, 2nd edn (Bristol: Policy Press, 2019), p. 4."
    )
    assert plain(n.cite("three", None).spans) == (
        "C. Lee, D Ng and Jan-Pieter van Dijk, ‘Trust between Partners’, Policing and Society, "
        "12 (2020), 45–67 <https://doi.org/10.1000/xyz>."
    )


def test_locators() -> None:
    assert format_locator(Locator("section", "3.3.4", "Culture change")) == "section 3.3.4"
    assert format_locator(Locator("section", "'A collaborative ethos'")) == (
        "section ‘A collaborative ethos’"
    )
    assert format_locator(Locator("paragraph", "7")) == "para. 7"
    assert format_locator(Locator("page", "iv")) == "page ‘iv’"
    long = (
        "Facilitators and barriers to partnership working and innovation: the importance of "
        "organisational contexts, leadership and personal experiences"
    )
    assert format_locator(Locator("section", long)) == (
        "section ‘Facilitators and barriers to partnership working and innovation’"
    )
    assert format_locator(Locator("section", "")) == ""
    assert format_locator(None) == ""


def test_headline_case() -> None:
    assert headline_case("Working in partnership: the police perspective") == (
        "Working in Partnership: The Police Perspective"
    )
    assert headline_case("PCCs and partnership in the N8 area") == (
        "PCCs and Partnership in the N8 Area"
    )
    assert headline_case("a face-to-face approach") == "A Face-to-Face Approach"


def test_registry() -> None:
    assert [s.id for s in styles()] == ["harvard", "numbered-notes"]
    assert {s.kind for s in styles()} == {"author-date", "note"}
    with pytest.raises(UnknownStyle, match="unknown citation style 'apa'"):
        get_style("apa")


def test_four_authors_are_cited_et_al_and_contributors_are_not_authors() -> None:
    four = {
        "type": "report",
        "title": "Policing partnerships",
        "author": [{"family": f, "given": "A"} for f in ("Loftus", "Skinns", "Munk", "Rice")],
        "contributor": [{"family": "Extra", "given": "B"}],
        "publisher": "N8",
    }
    p = get_style("harvard").processor({"four": four}, ["four"])
    assert (
        plain(p.cite("four", Locator("section", "3")).spans) == "(Loftus et al., n.d., section 3)"
    )
    assert "Extra" not in plain(p.references()[0].spans)
    n = get_style("numbered-notes").processor({"four": four}, ["four"])
    assert plain(n.cite("four", None).spans).startswith("A Loftus and others, ")


def test_a_numbered_slide_prints_its_number_and_title() -> None:
    assert format_locator(Locator("slide", "9", "Blockages")) == "slide 9 ‘Blockages’"
    assert format_locator(Locator("slide", "Blockages")) == "slide ‘Blockages’"
    assert format_locator(Locator("section", "4", "What is partnership?")) == "section 4"
