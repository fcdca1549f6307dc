"""What the benchmarks share: an empty PostgreSQL database to measure in."""


def recreate_postgres_database() -> None:
    """Drop and create Django's database (its name must hold "bench": it is dropped)."""
    import psycopg
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        raise SystemExit('Give a PostgreSQL database with "bench" in its name: it is dropped.')
    connection.close()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
