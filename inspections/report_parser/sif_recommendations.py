"""The recommendations of a single inspection framework report.

Under "Recommendations" (re-inspections) or "What does the local authority need
to improve?" (2014-15), in "Priority and immediate action" and "Areas for
improvement" groups, with unnumbered topic sub-headings between items that
belong to no item, and sub-bullets joined to their item.
"""

import re

from .older import BULLET, BULLET_ALONE, PARAGRAPH, first_match
from .sif_checks import GRADE
from .text import DIGITS, NUMBER_ALONE, join, starts_lower

# Where the LSCB's part of the report starts: none of it is the authority's.
LSCB_SECTION = re.compile(
    r"^(?:Section 2\b.*|The (?:effectiveness of the )?Local Safeguarding Children Board"
    r"(?: \(LSCB\))?|The LSCB|"
    rf"The (?:Local Safeguarding Children Board|LSCB)(?: \(LSCB\))? (?:is |are )?(?:{GRADE})\b.*)$",
    re.I,
)

REC_HEADING = re.compile(
    r"^(?:Recommendations|What does the local authority need to improve\??)\d{0,2}$", re.I
)
REC_GROUP = re.compile(
    r"^(?:Priority and immediate actions?|Priority actions?|Immediate actions?|"
    r"Areas for (?:development|improvement))\s*:?\s*\d{0,2}$",
    re.I,
)
# Headings that follow the recommendations.
REC_END = re.compile(
    r"^(?:The local authority['’]s strengths|The local authority has the following strengths|"
    r"Summary for children and young people|"
    r"Information about this (?:inspection|local authority area)|Summary of findings|"
    r"Progress since the last inspection|Inspection judgements about the local authority|"
    r"Executive summary|Summary|Inspection findings|The experiences and progress of|"
    r"What the inspection judgements mean|The local authority$)",
    re.I,
)
SUMMARY_OF_FINDINGS = re.compile(r"^Summary of (?:key )?findings$", re.I)
NOTHING_TO_DO = re.compile(
    r"^(?:There (?:are|were|is) no (?:areas|recommendations|priority)|"
    r"The inspection (?:did not find any|found no) areas)",
    re.I,
)
GLUED_GROUP = re.compile(r"(?<=[.;])\s+(?:Priority and immediate action|Areas for improvement)$")
LEAD_IN_END = re.compile(
    r"\b(?:by|to|that|and|or|of|the|for|in|on|with|include|including|ensuring|through)$", re.I
)
SENTENCE_END = re.compile(r"[.:;?!’”)]$")


def _next_item(lines: list[str], i: int, expected: int, limit: int = 3) -> bool:
    """Whether item number `expected` starts within `limit` lines from line i."""
    for line in lines[i : i + limit]:
        m = PARAGRAPH.match(line) or NUMBER_ALONE.match(line)
        if m:
            return int(m.group(1)) == expected
    return False


def rec_heading(lines: list[str], begin: int, end: int) -> int:
    """The line of the recommendations' heading (not its entry in the contents), or -1."""
    for i in range(begin, end):
        # Some reports start the list with "Priority and immediate action".
        if REC_HEADING.match(lines[i]) or REC_GROUP.match(lines[i]):
            following = [x for x in lines[i + 1 : i + 5] if not REC_GROUP.match(x)]
            if any(PARAGRAPH.match(x) or BULLET.match(x) for x in following[:3]):
                return i
    return -1


def recommendations(lines: list[str], begin: int, first: int, end: int) -> list[str]:
    """The authority's recommendations, verbatim, without their numbers.

    They are numbered paragraphs, except in the first reports (early 2014), which
    bullet them. When the heading is missing (taken off as a running header when
    it tops several pages), a report whose numbering starts with them (2015 on:
    no numbered summary of findings) has them from paragraph 1.
    """
    heading = rec_heading(lines, begin, end)
    if heading < 0:
        if first_match(lines, SUMMARY_OF_FINDINGS, begin, first) >= 0:
            return []
        heading = first - 1
    items: list[str] = []
    current: str | None = None
    number = 0
    bulleted = False
    i = heading + 1
    while i < end:
        # A group heading the PDF's text order glued to the end of an item's line.
        line = GLUED_GROUP.sub("", lines[i]) if i > heading + 1 else lines[i]
        m = PARAGRAPH.match(line)
        bullet = BULLET.match(line) or BULLET_ALONE.match(line)
        if m and (number == 0 or int(m.group(1)) == number + 1):
            if current is not None:
                items.append(current)
            number, current = int(m.group(1)), m.group(2)
            if bulleted:
                current = None  # a numbered topic over bulleted recommendations
        elif bullet and (bulleted or current is None or _numbered_topic(current, lines, i)):
            # The first reports bullet each recommendation; one numbers topics over bullets.
            if current is not None and (bulleted or not _numbered_topic(current, lines, i)):
                items.append(current)
            bulleted = True
            current = line[bullet.end() :]
        elif REC_GROUP.match(line) or DIGITS.match(line):
            pass  # "Priority and immediate action", "Areas for improvement", a footnote mark
        elif current is None:
            pass  # a topic sub-heading before the first item
        elif REC_END.match(line) or LSCB_SECTION.match(line) or m:
            break
        elif bullet:
            current = join(current, line[bullet.end() :])  # a sub-bullet belongs to its item
        elif (
            not bulleted
            and not SENTENCE_END.search(line)
            and not starts_lower(line)
            and (_topic(lines, i, number))
        ):
            i = _topic(lines, i, number)
            continue
        elif SENTENCE_END.search(current) and not starts_lower(line) and not _wraps(lines, i):
            break  # a heading or text that is not part of the list
        else:
            current = join(current, line)
        i += 1
    if current is not None:
        items.append(current)
    # "There are no areas for priority or immediate action." is numbered, but asks nothing.
    return [item for item in items if not NOTHING_TO_DO.match(item)]


def _numbered_topic(current: str, lines: list[str], i: int) -> bool:
    """Whether the item just read ("1. Quality and effectiveness of practice") is a
    numbered topic heading over bullets, not the lead-in of an item with sub-bullets
    ("1. Put into place a framework; this to include"): one short line, no
    punctuation, not ending on a word that leads into a list."""
    return (
        len(current) < 80
        and current == lines[i - 1][-len(current) :]
        and not re.search(r"[.,;:?!’”)]", current)
        and not LEAD_IN_END.search(current)
    )


def _topic(lines: list[str], i: int, number: int) -> int:
    """If a topic sub-heading (one or two lines, no full stop) starts at line i and
    the next item follows it, the index of that item's line; else 0."""
    for size in (1, 2):
        block = lines[i : i + size]
        if any(SENTENCE_END.search(x) or PARAGRAPH.match(x) for x in block):
            return 0
        if len(" ".join(block)) > 120:
            return 0
        if _next_item(lines, i + size, number + 1, 1):
            return i + size
    return 0


def _wraps(lines: list[str], i: int) -> bool:
    """Whether line i goes on a sentence: it does not look like a heading."""
    line = lines[i]
    return bool(SENTENCE_END.search(line)) or len(line) > 70
