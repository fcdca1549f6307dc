"""The register of English local authorities: its migration, and how names find entries."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inspections.models import Inspection, LocalAuthority
from inspections.register import AuthorityNotFound, name_variants, read_register, sync_register
from tests.helpers import make_inspection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("printed", "register_name"),
    [
        # The title forms ../shared/reports/README.md names.
        ("Norfolk Council", "Norfolk"),
        ("London Borough of Waltham Forest", "Waltham Forest"),
        ("Isle of Wight Council", "Isle of Wight"),
        ("Kent County Council", "Kent"),
        ("Royal Borough of Windsor and Maidenhead", "Windsor and Maidenhead"),
        ("Bradford Children and Families Trust", "Bradford"),
        ("Telford & Wrekin", "Telford and Wrekin"),
        # Hyphens, dots and spacing.
        ("Stockton on Tees", "Stockton-on-Tees"),
        ("Stockton-on-Tees Borough Council", "Stockton-on-Tees"),
        ("St. Helens", "St Helens"),
        ("  middlesbrough  ", "Middlesbrough"),
        # City, metropolitan borough, county and "City of X" forms.
        ("City of Bradford Metropolitan District Council", "Bradford"),
        ("Wirral Metropolitan Borough Council", "Wirral"),
        ("City of York Council", "York"),
        ("Bristol City Council", "Bristol"),
        ("Bristol, City of", "Bristol"),
        ("Westminster City Council", "Westminster"),
        ("Durham County Council", "Durham"),
        ("County Durham", "Durham"),
        ("Bedford Borough Council", "Bedford"),
        ("Council of the Isles of Scilly", "Isles of Scilly"),
        ("Brighton & Hove City Council", "Brighton and Hove"),
        ("Royal Borough of Kingston upon Thames", "Kingston upon Thames"),
        ("Hull City Council", "Kingston upon Hull"),
        # Trusts, and names the register records as former or other names.
        ("Doncaster Children’s Services Trust", "Doncaster"),
        ("Birmingham Children's Trust", "Birmingham"),
        ("Slough Children First", "Slough"),
        ("Together for Children", "Sunderland"),
        ("Bournemouth", "Bournemouth, Christchurch and Poole"),
        ("BCP Council", "Bournemouth, Christchurch and Poole"),
        ("Borough of Poole", "Poole"),
    ],
)
def test_a_printed_name_finds_its_register_entry(printed, register_name):
    assert LocalAuthority.objects.resolve(printed).name == register_name


@pytest.mark.parametrize(
    ("printed", "message"),
    [
        ("Narnia County Council", "not a local authority in the register"),
        ("Midlesbrough", "did you mean Middlesbrough?"),
        ("Achieving for Children", "several local authorities"),
        ("London", "not a local authority in the register"),
        ("", "No local authority name"),
    ],
)
def test_a_name_the_register_cannot_place_is_refused_clearly(printed, message):
    with pytest.raises(AuthorityNotFound, match=message):
        LocalAuthority.objects.resolve(printed)


def test_an_authority_added_by_hand_is_found_by_its_name():
    LocalAuthority.objects.create(name="Synthetic authority 1", slug="synthetic-authority-1")
    assert LocalAuthority.objects.resolve("Synthetic Authority 1 Council").slug == (
        "synthetic-authority-1"
    )


def test_name_variants_strip_one_word_at_a_time():
    assert list(name_variants("City of Bradford Metropolitan District Council")) == [
        "city of bradford metropolitan district council",
        "bradford metropolitan district council",
        "bradford metropolitan district",
        "bradford",
    ]


def test_the_register_is_loaded_with_codes_regions_and_neighbours():
    entries = read_register()
    assert LocalAuthority.objects.count() == len(entries) == 156
    kent = LocalAuthority.objects.get(name="Kent")
    assert (kent.code, kent.ons_code, kent.urn) == ("886", "E10000016", "80476")
    assert kent.region == "South East"
    assert len(kent.statistical_neighbours) == 10
    assert set(kent.neighbours().values_list("code", flat=True)) == set(kent.statistical_neighbours)
    bcp = LocalAuthority.objects.get(code="839")
    assert "Bournemouth" in bcp.also_known_as


def test_loading_the_register_again_changes_nothing():
    assert sync_register(LocalAuthority) == (0, 0)


def test_loading_the_register_links_existing_rows_instead_of_duplicating_them():
    """What the migration does on a database that already holds authorities."""
    LocalAuthority.objects.all().delete()
    middlesbrough = LocalAuthority.objects.create(name="Middlesbrough", slug="middlesbrough")
    inspection = make_inspection(middlesbrough)
    stockton = LocalAuthority.objects.create(name="Stockton on Tees Council", slug="stockton")
    created, updated = sync_register(LocalAuthority)
    assert (created, updated) == (154, 2)
    assert LocalAuthority.objects.count() == 156
    middlesbrough.refresh_from_db()
    assert middlesbrough.ons_code == "E06000002"
    assert Inspection.objects.get().authority == middlesbrough == inspection.authority
    stockton.refresh_from_db()
    assert (stockton.name, stockton.code, stockton.slug) == ("Stockton-on-Tees", "808", "stockton")


@pytest.mark.django_db(transaction=True)
def test_the_migration_updates_an_existing_authority_by_name():
    executor = MigrationExecutor(connection)
    before = [("inspections", "0003_register_and_older_reports")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    authority = old.get_model("inspections", "LocalAuthority")
    authority.objects.all().delete()
    kept = authority.objects.create(name="Middlesbrough", slug="middlesbrough", code="806")
    old.get_model("inspections", "Inspection").objects.create(
        authority=kept, kind="standard", start_date="2023-03-13"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("inspections"))

    middlesbrough = LocalAuthority.objects.get(name="Middlesbrough")
    assert middlesbrough.pk == kept.pk
    assert middlesbrough.ons_code == "E06000002"
    assert LocalAuthority.objects.count() == 156
    inspection = Inspection.objects.get()
    assert inspection.history.get().history_change_reason == "History started"


def test_load_register_brings_the_table_back_in_line():
    kent = LocalAuthority.objects.get(name="Kent")
    kent.region = "Wessex"
    kent.save()
    LocalAuthority.objects.filter(name="Norfolk").delete()
    out = io.StringIO()
    call_command("load_register", stdout=out)
    assert "1 authorities created, 1 updated, 156 in all." in out.getvalue()
    kent.refresh_from_db()
    assert kent.region == "South East"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("East Riding", "East Riding of Yorkshire"),
        ("Newcastle", "Newcastle upon Tyne"),
        ("Dudley MBC", "Dudley"),
    ],
)
def test_short_names_reports_print_resolve(printed, expected):
    # Seen in the national corpus: Ofsted titles that name these authorities so.
    assert LocalAuthority.objects.resolve(printed).name == expected
