"""The parts of CSL (Citation Style Language) data that a library's ``sources.yaml`` may use."""

from __future__ import annotations

CSL_TYPES = frozenset(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
    graphic hearing interview legal_case legislation manuscript map motion_picture musical_score
    pamphlet paper-conference patent performance periodical personal_communication post
    post-weblog regulation report review review-book software song speech standard thesis treaty
    webpage""".split()
)

CSL_NAME_VARIABLES = frozenset(
    """author chair collection-editor compiler composer container-author contributor curator
    director editor editorial-director executive-producer guest host illustrator interviewer
    narrator organizer original-author performer producer recipient reviewed-author
    script-writer series-creator translator""".split()
)

CSL_DATE_VARIABLES = frozenset(
    "accessed available-date event-date issued original-date submitted".split()
)

CSL_TEXT_VARIABLES = frozenset(
    """abstract annote archive archive_collection archive_location archive-place authority
    call-number chapter-number citation-key citation-label collection-number collection-title
    container-title container-title-short dimensions division DOI edition event event-place
    event-title genre ISBN ISSN issue jurisdiction keyword language locator medium note number
    number-of-pages number-of-volumes original-publisher original-publisher-place original-title
    page page-first part-number part-title PMCID PMID publisher publisher-place references
    reviewed-genre reviewed-title scale section source status title title-short URL version
    volume volume-title year-suffix""".split()
)

NAME_KEYS = frozenset(
    "family given literal dropping-particle non-dropping-particle suffix".split()
)
