from sqlalchemy import inspect

from scanner.db import Database


def test_fresh_database_has_all_tables(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"ads", "ad_versions", "audit_log", "indicator_hits", "assessments"} <= tables
