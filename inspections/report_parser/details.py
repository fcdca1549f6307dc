"""What every report and letter states up front: its kind, the authority,
the dates, who led, and the list of what needs to improve.
"""

import re
from datetime import date

from .authorities import canonical_name, is_known
from .model import ParsedReport, ReportError
from .text import (
    BODY_END,
    BULLET,
    BULLET_ALONE,
    DATE_SPAN,
    DIGITS,
    LIST_END,
    MAJESTYS_INSPECTOR,
    ONE_DATE,
    PARAGRAPH,
    RECOMMENDATIONS_HEADING,
    SECTION_HEADING,
    SECTION_START,
    dates_in,
    join,
    starts_lower,
)

# --- The parts of a report ---------------------------------------------------


OLDER_TITLE = re.compile(
    r"^(?:Re-inspection|Inspection) of services for children in need of help\b|"
    r"^Inspection of (?:safeguarding and )?looked after children(?:['’]s)? services\b",
    re.I,
)


def report_kind(lines: list[str]) -> str:
    """standard, short, focused_visit, monitoring_visit or jtai, from the title."""
    for line in lines[:80]:
        if OLDER_TITLE.match(line):
            # Read by sif.py once it can (sif.is_sif comes first); until then, say so.
            raise ReportError(
                "This is a report of the single inspection framework (2013-2018) or an "
                f"earlier framework (“{line}”): this version cannot read those yet."
            )
        if re.match(r"^Joint targeted area inspection\b", line, re.I):
            return "jtai"
        if re.match(r"^Focused visit\b", line, re.I):
            return "focused_visit"
        if re.match(r"^Monitoring visit\b", line, re.I):
            return "monitoring_visit"
        if re.match(r"^(Short inspection of|Inspection of .*\bchildren|Inspection dates?:)", line):
            # Not "the last short inspection": only this report's own words.
            head = " ".join(lines[:80])
            own_words = r"^Short inspection\b|\bthis (?:was|is) a short inspection\b"
            short = re.search(own_words, head, re.I)
            return "short" if short else "standard"
    raise ReportError(
        "This does not look like an Ofsted report on children’s services: no title such as "
        "“Inspection of … local authority children’s services”, “Focused visit to …” or "
        "“Monitoring visit to …” was found."
    )


# Titles after a name: "Kim Able HMI", "Kim Able, Senior HMI", "Kim Able, Ofsted Inspector".
TITLES = re.compile(
    r",?\s+(?:Senior\s+)?(?:HMI|(?:Ofsted|Social Care Regulatory|Regulatory)\s+Inspector)s?$", re.I
)
# The sentence that names a letter's inspectors: "His Majesty's Inspectors for this visit
# were …", "The inspectors were …", "The visit was carried out by …".
TEAM = re.compile(
    r"(?:\binspectors?(?:\s+\(HMIs?\))?(?:\s+for\s+(?:this|the)\s+(?:visit|inspection))?"
    r"\s+(?:were|was)|\b(?:carried out|conducted|undertaken|completed)\s+by)\s+"
    r"(.+?)(?:\.(?=\s+[A-Z])|\.$|$)",
    re.I,
)
# Words round the names in that sentence.
TEAM_WORDS = re.compile(
    r"\((?:HMIs?|HMI designate|lead inspector|SHMI)\)|(?:Her|His) Majesty['’]s Inspectors?|"
    r"\b(?:two|three|four|five|all) of (?:whom are|Her|His)\b|\ball of whom are\b|"
    r"\b(?:lead|team) inspectors?\b|\bHMI designate\b|\bSenior HMI\b|\bS?HMIs?\b|"
    r"\bInspectors\b|\bSocial Care\b|\bSchools\b",
    re.I,
)


def authority_name(lines: list[str]) -> str:
    """The authority's short name, from the title (or the council's name above it)."""
    head = lines[:80]
    joined = " ".join(head)
    # A name starts with a capital ("the Isle of Wight" aside): not "inspection of local…".
    name = r"((?:the )?[A-Z][^.:;]{0,80}?)"
    services = r"(?: (?i:local authority))? (?i:children['’]s (?:social care )?services)"
    patterns = [
        rf"(?i:Inspection of) {name}{services}",
        rf"(?i:(?:Focused|Monitoring) visit (?:to|of)) {name}{services}",
    ]
    # The title comes first: "Inspection of Local Authority Children's Services
    # framework" later in a letter is no title.
    found = [m for m in (re.search(pattern, joined) for pattern in patterns) if m]
    for m in sorted(found, key=lambda m: m.start()):
        if not re.match(r"(?i:the )?local authority\b", m.group(1), re.I):
            return canonical_name(m.group(1))
    for i, line in enumerate(head):
        # A letter's title that names a trust or ends early: "Focused visit to Sandwell
        # Children's Trust", "Focused visit to Durham's children's services".
        letter = re.match(r"^(?:Focused|Monitoring) visit (?:to|of) (.+)$", line, re.I)
        if letter:
            printed = re.sub(r"['’]s$", "", letter.group(1).strip())
            if is_known(canonical_name(printed)):
                return canonical_name(printed)
        # JTAI: "Joint targeted area inspection of the multi-agency response to … in X".
        if re.match(r"^Joint targeted area inspection\b", line, re.I):
            title = line
            for following in head[i + 1 : i + 3]:
                if not starts_lower(following):
                    break
                title = join(title, following)
            jtai = re.search(rf" in {name}$", title) or re.search(
                rf"^Joint targeted area inspection of {name}$", title, re.I
            )
            if jtai:
                return canonical_name(jtai.group(1))
        # Older titles: the council's name, then "Inspection of [local authority]
        # children's [social care] services".
        if i and re.match(
            r"^Inspection of (?:local authority )?children['’]s (?:social care|services)", line
        ):
            name = canonical_name(head[i - 1])
            if not is_known(name) and i > 1:  # the council's name wrapped over two lines
                wrapped = canonical_name(f"{head[i - 2]} {head[i - 1]}")
                name = wrapped if is_known(wrapped) else name
            return name
        # A title that names a trust or council and stops there: "Inspection of
        # Bradford Children and / Families Trust", then "Inspection dates: …".
        if re.match(r"^Inspection of [A-Z]", line):
            title = line
            for following in head[i + 1 : i + 3]:
                if re.match(r"^Inspection dates?\b", following, re.I):
                    break
                title = f"{title} {following}"
            name = canonical_name(title.removeprefix("Inspection of "))
            if is_known(name):
                return name
    raise ReportError("The local authority’s name could not be found; give it with --authority.")


def visit_dates(lines: list[str], sent: date | None = None) -> tuple[date | None, date | None]:
    """The first and last days on site, from "Inspection dates:" or a letter's opening."""
    for i, line in enumerate(lines[:80]):
        m = re.match(r"^Inspection dates?:\s*(.*)$", line, re.I)
        if m:
            span = m.group(1)
            if not span[-4:].isdigit() and i + 1 < len(lines):
                span += " " + lines[i + 1]
            dates = dates_in(span)
            if dates:
                return min(dates), max(dates)
    joined = " ".join(lines[:120])
    # Bounded gaps: on a hostile line without full stops an unbounded [^.]*? is quadratic.
    pattern = rf"(?:visit|inspection)\b[^.]{{0,300}}?\b(?:on|between|from)\s+({DATE_SPAN})"
    for m in re.finditer(pattern, joined, re.I):
        dates = dates_in(m.group(1), sent)
        if dates:
            return min(dates), max(dates)
    return None, None


def published_date(lines: list[str], kind: str) -> date | None:
    """Letters open with the date they were sent, which is when they were published."""
    if kind in ("standard", "short"):
        return None
    for line in lines[:15]:
        if ONE_DATE.match(line):
            return dates_in(line)[0]
    return None


def _name(text: str) -> str:
    """An inspector's name without titles: "Kim Able, HMI" -> "Kim Able"."""
    text = re.sub(r"\(\s*lead inspector\s*\)", "", text, flags=re.I)
    return TITLES.sub("", MAJESTYS_INSPECTOR.sub("", text)).strip(" ,.")


def lead_inspector(lines: list[str]) -> str | None:
    """The name after "Lead inspector:", or else the letter's signatory."""
    for i, line in enumerate(lines):
        m = re.match(r"^Lead inspectors?\s*:\s*(.*)$", line, re.I)
        if m:
            # Two leads ("Lead inspectors: A, HMI, and B, HMI"): the first named.
            names = _names(m.group(1))
            if not names and i + 1 < len(lines):
                names = _names(lines[i + 1])
            return names[0] if names else None
    for i, line in enumerate(lines):
        if re.match(r"^Yours? (sincerely|faithfully)", line, re.I):  # "Your sincerely" (sic)
            for after in lines[i + 1 : i + 3]:
                name = _name(after)
                if name and not re.search(r"inspector|ofsted", name, re.I):
                    return name
    return None


def inspectors(lines: list[str]) -> list[str]:
    """The inspectors a letter names at its start ("His Majesty's Inspectors for
    this visit were Kim Able and Lee Baker."), in the order given."""
    m = TEAM.search(" ".join(lines[:60]))
    return _names(m.group(1)) if m else []


def _names(text: str) -> list[str]:
    """The people a list names: "Kim Able, HMI, and Lee Baker, HMI" -> both names."""
    names = []
    for part in re.split(r",|\band\b|\bwith\b", TEAM_WORDS.sub(",", text)):
        name = _name(part)
        if re.fullmatch(r"(?:[A-Z][\w’'-]*\.?\s+){1,4}[A-Z][\w’'-]+", name):
            names.append(name)
    return names


def recommendations(
    lines: list[str], raw_lines: list[str], heading: re.Pattern[str] = RECOMMENDATIONS_HEADING
) -> tuple[list[str], int, int]:
    """The bullets under the first heading that matches (by default "What needs to
    improve"), and the lines they span: heading to the line after the list."""
    start = next((i for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        return [], -1, -1
    items: list[str] = []
    current: str | None = None
    indent = 0
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if DIGITS.match(line):
            continue  # a footnote marker on a line of its own
        bullet = BULLET.match(line) or BULLET_ALONE.match(line)
        if bullet:
            if current is not None:
                items.append(current)
            current = line[bullet.end() :]
            indent = len(raw_lines[i]) - len(raw_lines[i].lstrip())
            continue
        if current is None:
            if _ends_list(line) or SECTION_HEADING.match(line):
                end = i
                break
            continue  # the sentence that introduces the bullets
        deeper = len(raw_lines[i]) - len(raw_lines[i].lstrip()) > indent
        unfinished = not current.endswith((".", "?", "!", ")"))
        if _ends_list(line):
            end = i
            break
        if starts_lower(line) or deeper or unfinished or _bullet_ahead(lines, i):
            current = join(current, line)
            continue
        end = i
        break
    if current is not None:
        items.append(current)
    return items, start, end


def _ends_list(line: str) -> bool:
    return bool(
        LIST_END.match(line)
        or SECTION_START.match(line)
        or BODY_END.match(line)
        or PARAGRAPH.match(line)
        or RECOMMENDATIONS_HEADING.match(line)
    )


def _bullet_ahead(lines: list[str], i: int, reach: int = 40) -> bool:
    """Whether another bullet of the same list follows line i (within a bounded
    reach, so a long text stays linear): then line i still belongs to the list,
    even where a sentence ended at the end of the line before."""
    for line in lines[i + 1 : i + 1 + reach]:
        if BULLET.match(line) or BULLET_ALONE.match(line):
            return True
        if _ends_list(line):
            return False
    return False


def front_matter(
    lines: list[str], raw_lines: list[str], kind: str
) -> tuple[ParsedReport, list[str], range]:
    """The parts every kind of report has, what of them is missing, and the lines
    the recommendations take (which are not body paragraphs)."""
    report = ParsedReport(
        authority=authority_name(lines),
        inspection_kind=kind,
        start_date=None,
        end_date=None,
    )
    report.published_date = published_date(lines, kind)
    report.start_date, report.end_date = visit_dates(lines, report.published_date)
    report.lead_inspector = lead_inspector(lines)
    if kind not in ("standard", "short"):
        report.inspectors = inspectors(lines)
    report.recommendations, rec_start, rec_end = recommendations(lines, raw_lines)
    missing = []
    if report.start_date is None:
        missing.append("the inspection or visit dates")
    return report, missing, range(rec_start, max(rec_start, rec_end))


def refuse_if_missing(missing: list[str]) -> None:
    if missing:
        raise ReportError("Could not find " + "; ".join(missing) + ".")
