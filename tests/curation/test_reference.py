"""References exported by reference managers, read into the CSL fields a library uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing_builder.curation.reference import (
    ReferenceError,
    id_problem,
    parse_name,
    propose_id,
    read_reference,
)

ZOTERO_JSON = [
    {
        "id": "http://zotero.org/users/1/items/ABCD",
        "type": "report",
        "title": "Policing partnerships",
        "author": [{"family": "Ó Súilleabháin", "given": "Aoife"}, {"literal": "Home Office"}],
        "issued": {"date-parts": [["2023", "4"]]},
        "publisher": "Home Office",
        "collection-title": "Research Report 120",
        "URL": "https://example.org/report",
        "accessed": {"date-parts": [[2025, 1, 14]]},
        "abstract": "Not carried over.",
    }
]

CSL_YAML = """\
references:
  - id: whatever
    type: speech
    title: "Working in partnership: the police perspective"
    author:
      - {family: Mortimore, given: Steve}
    event-title: FOSS 2009 Conference
    issued: 2009-05-06
"""

BIBTEX = r"""
@techreport{smith2024,
  author = {Smith, Jo and M{\"u}ller, Anna and {National Council for Voluntary Organisations}},
  title = {Partnership {Working} in the {\'E}cole},
  year = 2024,
  month = mar,
  institution = {Home Office},
  series = {Research and Analysis},
  url = {https://example.org/a_b},
  urldate = {2025-02-03},
  abstract = {Ignored.},
}
"""

RIS = """TY  - RPRT
TI  - Evaluation of the hub: final
  report
AU  - Patel, Ravi
AU  - Jones, Mary
PY  - 2019///
PB  - College of Policing
T3  - What Works series
UR  - https://example.org/hub
Y2  - 2024/11/30/
KW  - ignored
ER  -
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csl_json_from_zotero(tmp_path: Path) -> None:
    csl = read_reference(write(tmp_path, "ref.json", json.dumps(ZOTERO_JSON)))
    assert csl == {
        "type": "report",
        "title": "Policing partnerships",
        "author": [{"family": "Ó Súilleabháin", "given": "Aoife"}, {"literal": "Home Office"}],
        "issued": {"date-parts": [[2023, 4]]},
        "publisher": "Home Office",
        "collection-title": "Research Report 120",
        "URL": "https://example.org/report",
        "accessed": {"date-parts": [[2025, 1, 14]]},
    }
    assert propose_id(csl, []) == "o-suilleabhain-2023"


def test_csl_yaml(tmp_path: Path) -> None:
    csl = read_reference(write(tmp_path, "ref.yaml", CSL_YAML))
    assert csl["type"] == "speech"
    assert csl["author"] == [{"family": "Mortimore", "given": "Steve"}]
    assert csl["issued"] == {"date-parts": [[2009, 5, 6]]}
    assert csl["event-title"] == "FOSS 2009 Conference"
    assert "id" not in csl


def test_bibtex_with_accents_and_an_organisation(tmp_path: Path) -> None:
    csl = read_reference(write(tmp_path, "ref.bib", BIBTEX))
    assert csl["type"] == "report"
    assert csl["title"] == "Partnership Working in the École"
    assert csl["author"] == [
        {"family": "Smith", "given": "Jo"},
        {"family": "Müller", "given": "Anna"},
        {"literal": "National Council for Voluntary Organisations"},
    ]
    assert csl["issued"] == {"date-parts": [[2024, 3]]}
    assert csl["accessed"] == {"date-parts": [[2025, 2, 3]]}
    assert csl["publisher"] == "Home Office"
    assert csl["collection-title"] == "Research and Analysis"
    assert csl["URL"] == "https://example.org/a_b"
    assert "abstract" not in csl


def test_ris(tmp_path: Path) -> None:
    csl = read_reference(write(tmp_path, "ref.ris", RIS))
    assert csl == {
        "type": "report",
        "title": "Evaluation of the hub: final report",
        "collection-title": "What Works series",
        "publisher": "College of Policing",
        "URL": "https://example.org/hub",
        "author": [{"family": "Patel", "given": "Ravi"}, {"family": "Jones", "given": "Mary"}],
        "issued": {"date-parts": [[2019]]},
        "accessed": {"date-parts": [[2024, 11, 30]]},
    }


def test_unknown_year_stays_unknown(tmp_path: Path) -> None:
    csl = read_reference(
        write(tmp_path, "nd.ris", "TY  - GEN\nTI  - Leaflet\nAU  - Police Scotland\nER  - \n")
    )
    assert "issued" not in csl
    assert csl["author"] == [{"literal": "Police Scotland"}]
    assert propose_id(csl, []) == "police-scotland-nd"


def test_bad_reference_files_name_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ReferenceError, match=r"ref\.json:2: this is not valid CSL JSON"):
        read_reference(write(tmp_path, "ref.json", '[\n{"title": }]'))
    with pytest.raises(ReferenceError, match="holds 2 references"):
        read_reference(write(tmp_path, "two.json", json.dumps(ZOTERO_JSON * 2)))
    with pytest.raises(ReferenceError, match=r"bad\.ris:1: this is not a RIS line"):
        read_reference(write(tmp_path, "bad.ris", "hello\n"))
    with pytest.raises(ReferenceError, match=r"bad\.bib.*cannot be read"):
        read_reference(write(tmp_path, "bad.bib", "@book{x, title = {unclosed, year=2020}"))
    with pytest.raises(ReferenceError, match=r"bad\.yaml:\d+: this is not valid YAML"):
        read_reference(write(tmp_path, "bad.yaml", "references:\n  - title: [oops\n"))
    with pytest.raises(ReferenceError, match="CSL JSON"):
        read_reference(write(tmp_path, "ref.docx", "x"))


def test_ids_are_proposed_unique_and_checked() -> None:
    csl = {"author": [parse_name("Smith, Jo")], "issued": {"date-parts": [[2024]]}}
    assert propose_id(csl, []) == "smith-2024"
    assert propose_id(csl, ["smith-2024"]) == "smith-2024b"
    assert propose_id(csl, ["smith-2024", "smith-2024b"]) == "smith-2024c"
    org = {"author": [parse_name("National Police Chiefs' Council", organisation=True)]}
    assert propose_id(org, []) == "npcc-nd"
    assert propose_id({"title": "A Review of Hubs!"}, []) == "a-review-of-nd"
    assert parse_name("Jo Smith") == {"family": "Smith", "given": "Jo"}
    assert id_problem("Smith 2024", []) is not None
    assert "already has a source" in (id_problem("smith-2024", ["smith-2024"]) or "")
    assert id_problem("smith-2024", []) is None
