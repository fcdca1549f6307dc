"""The register of English local authorities, and how a report's name finds its entry.

Reports print an authority in many ways: "Kent County Council", "London Borough
of Waltham Forest", "Royal Borough of Windsor and Maidenhead", "Bradford
Children and Families Trust", "Telford & Wrekin", "Stockton on Tees". Every
`LocalAuthority` has a short name and the other names the register knows
(`also_known_as`); `name_variants()` turns any of these into comparable keys by
the same rules, so one lookup finds the entry, and a name that finds none (or
more than one) is reported rather than guessed.

Nothing here imports the models, so the data migration can use it too.
"""

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.text import slugify

REGISTER_CSV = Path(__file__).resolve().parent / "data" / "local_authorities.csv"


@dataclass(frozen=True)
class RegisterEntry:
    """One row of the register, as `LocalAuthority` stores it."""

    name: str
    ons_name: str
    code: str
    ons_code: str
    urn: str
    region: str
    la_type: str
    statistical_neighbours: list[str]
    also_known_as: list[str]

    def fields(self) -> dict[str, Any]:
        """The `LocalAuthority` fields this entry sets (all but name, slug and members)."""
        return {
            "ons_name": self.ons_name,
            "code": self.code,
            "ons_code": self.ons_code,
            "urn": self.urn,
            "region": self.region,
            "la_type": self.la_type,
            "statistical_neighbours": self.statistical_neighbours,
            "also_known_as": self.also_known_as,
        }


def read_register(path: Path = REGISTER_CSV) -> list[RegisterEntry]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            RegisterEntry(
                name=row["name"],
                ons_name=row["ons_name"],
                code=row["la_code"],
                ons_code=row["la_code_new"],
                urn=row["urn"],
                region=row["region"],
                la_type=row["la_type"],
                statistical_neighbours=_split(row["stat_neighbours"]),
                also_known_as=_split(row["also_known_as"]),
            )
            for row in csv.DictReader(f)
        ]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


# --- Name keys ---------------------------------------------------------------

# Words around a name that do not tell authorities apart. Stripped one at a
# time, so "City of Bradford Metropolitan District Council" passes through
# "bradford metropolitan district council" and "bradford metropolitan district"
# to "bradford", and a key may match at any step.
PREFIXES = (
    "the ",
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "borough of ",
    "city and county of ",
    "city of ",
    "county of ",
    "council of the ",
    "council of ",
)
SUFFIXES = (
    " children and families trust",
    " childrens services trust",
    " childrens social care services",
    " childrens services",
    " childrens trust",
    " children first",
    " trust",
    " local authority",
    " council",
    " mbc",  # "Dudley MBC": Metropolitan Borough Council
    " metropolitan borough",
    " metropolitan district",
    " borough",
    " district",
    " county",
    " city of",
    " city",
)

# What is left of "City of London" or "Royal Borough of Greenwich" after stripping
# is a name; these are not, whichever entry they were stripped from.
TOO_BROAD = {"london", "city", "county", "borough", "council", "trust"}


def name_key(name: str) -> str:
    """Lower case; '&' is 'and'; hyphens, dots, commas and apostrophes do not count."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = re.sub(r"['’‘`]", "", text)
    text = text.replace("&", " and ")
    text = re.sub(r"[-‐‑–—.,()/]", " ", text)
    return " ".join(text.split())


def name_variants(name: str) -> Iterator[str]:
    """The name's key, then the key with each surrounding word stripped in turn."""
    key = name_key(name)
    seen = set()
    while key and key not in seen:
        seen.add(key)
        yield key
        for prefix in PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                break
        else:
            for suffix in SUFFIXES:
                if key.endswith(suffix) and len(key) > len(suffix):
                    key = key[: -len(suffix)]
                    break


class AuthorityNotFound(LookupError):
    """A name that no register entry (or more than one) answers to; the message says which."""


class NameIndex:
    """Every key of every authority's names, to the authorities that answer to it.

    Built from (primary key, names) pairs so that it serves both the models and
    the migration's historical models.
    """

    def __init__(self, authorities: Iterable[tuple[Any, str, list[str]]]) -> None:
        self.names: dict[Any, str] = {}
        self.keys: dict[str, set[Any]] = {}
        for pk, name, aliases in authorities:
            self.names[pk] = name
            for each in (name, *aliases):
                for key in name_variants(each):
                    self.keys.setdefault(key, set()).add(pk)

    def find(self, name: str) -> Any:
        """The primary key of the one authority the name means; AuthorityNotFound otherwise."""
        if not name_key(name):
            raise AuthorityNotFound("No local authority name was given.")
        for key in name_variants(name):
            found = None if key in TOO_BROAD else self.keys.get(key)
            if found and len(found) == 1:
                return next(iter(found))
            if found:
                several = ", ".join(sorted(self.names[pk] for pk in found))
                raise AuthorityNotFound(
                    f"“{name}” could mean several local authorities in the register ({several}); "
                    "choose one."
                )
        raise AuthorityNotFound(
            f"“{name}” is not a local authority in the register of English local authorities"
            f"{self._suggestion(name)}. Choose one from the register."
        )

    def _suggestion(self, name: str) -> str:
        close = difflib.get_close_matches(name, sorted(set(self.names.values())), n=3, cutoff=0.6)
        return f" (did you mean {' or '.join(close)}?)" if close else ""


# --- Loading -------------------------------------------------------------------


def sync_register(model: Any, entries: list[RegisterEntry] | None = None) -> tuple[int, int]:
    """Bring `model` (LocalAuthority, or its historical model in a migration) in line with
    the register: an existing row that answers to an entry's names is updated in place
    (so its inspections, plans and members stay), the others are created. Rows the
    register does not know are left alone. Returns (created, updated).
    """
    entries = read_register() if entries is None else entries
    rows = list(model.objects.all())
    index = NameIndex((row.pk, row.name, list(row.also_known_as or [])) for row in rows)
    by_pk = {row.pk: row for row in rows}
    taken_slugs = {row.slug for row in rows}
    created = updated = 0
    for entry in entries:
        row = by_pk.get(_find_quietly(index, entry, by_pk))
        if row is None:
            slug = _free_slug(entry.name, taken_slugs)
            model.objects.create(name=entry.name, slug=slug, **entry.fields())
            taken_slugs.add(slug)
            created += 1
            continue
        changed = {k: v for k, v in entry.fields().items() if getattr(row, k) != v}
        if row.name != entry.name and not model.objects.filter(name=entry.name).exists():
            changed["name"] = entry.name
        if changed:
            model.objects.filter(pk=row.pk).update(**changed)
            updated += 1
        by_pk.pop(row.pk)  # one row per entry
    return created, updated


def _find_quietly(index: NameIndex, entry: RegisterEntry, rows: dict[Any, Any]) -> Any:
    """The row an entry updates: the one of the same name, else the one its names find."""
    names = {entry.name.lower(), entry.ons_name.lower()}
    for pk, row in rows.items():
        if row.name.lower() in names:
            return pk
    for name in (entry.name, entry.ons_name):
        try:
            return index.find(name)
        except AuthorityNotFound:
            continue
    return None


def _free_slug(name: str, taken: set[str]) -> str:
    base = slugify(name) or "authority"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
