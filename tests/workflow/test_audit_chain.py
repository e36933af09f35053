"""The audit log's hash chain: tampering behind the application's back is named by `scanner audit verify`.

Each case drops the append-only triggers (as someone with the database owner's rights can), changes
the table with plain SQL, and checks that verification names exactly the entries touched. Deleting the
newest entries and recomputing the whole chain leave a consistent chain: those are caught against a
head kept outside the database, as every scan prints one.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from scanner.db import Database, audit
from scanner.db.auditchain import GENESIS, ChainRow, Head, heads_in, verify
from scanner.db.session import downgrade, head_revision, make_engine, upgrade
from scanner.settings import load_settings
from tests.conftest import CliRun, DatabaseFactory, new_postgres_database

ENTRIES = 8


def fill(db: Database, count: int = ENTRIES) -> None:
    for number in range(count):
        with db.session() as session:
            audit.record(
                session,
                actor=f"inv{number % 3}",
                command="show ad",
                action="read",
                purpose="case 2026-014",
                details={"ad_id": number, "ads": [number, number + 1]},
                now=datetime(2026, 1, 2, 12, number),
            )


def unprotect(engine: Engine) -> None:
    """Drop the append-only triggers, as a database owner can."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))


def rows(engine: Engine) -> list[ChainRow]:
    with Session(engine) as session:
        return list(audit.chain_rows(session))


def forged_hash(row: ChainRow, prev: str, **changes: str) -> str:
    """The hash an attacker who read this code computes for `row` changed and linked to `prev`."""
    return replace(row, prev_hash=prev, **changes).computed_hash()


FORGED_AT = datetime(2026, 1, 2, 13, 0)


def insert_row(engine: Engine, entry_id: int, prev: str, digest: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (id, at, actor, command, action, purpose, details, prev_hash, entry_hash) "
                "VALUES (:id, :at, 'ghost', 'export', 'export', '', '{}', :prev, :digest)"
            ),
            {"id": entry_id, "at": FORGED_AT, "prev": prev, "digest": digest},
        )


def forge(engine: Engine, entry_id: int, prev: str) -> str:
    """Insert an entry whose hash is right for its content and predecessor, as someone who read this code."""
    row = ChainRow(entry_id, FORGED_AT, "ghost", "export", "export", "", {}, prev, "")
    digest = row.computed_hash()
    insert_row(engine, entry_id, prev, digest)
    return digest


def verified(db: Database, heads: tuple[Head, ...] = ()) -> list[tuple[str, int | None]]:
    with db.session() as session:
        result = verify(audit.chain_rows(session), heads)
    return [(finding.kind, finding.entry_id) for finding in result.findings]


def current_head(db: Database) -> Head:
    with db.session() as session:
        head = audit.head(session)
    assert head is not None
    return head


def test_an_untouched_log_verifies_and_its_head_is_the_newest_entry(db: Database) -> None:
    fill(db)
    with db.session() as session:
        result = verify(audit.chain_rows(session, batch=3), [current_head(db)])
    assert result.intact and result.entries == ENTRIES
    assert result.head == current_head(db) and result.head.id == ENTRIES
    assert rows(db.engine)[0].prev_hash == GENESIS


def _edit(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = 4"))


def _edit_and_rehash(engine: Engine) -> None:
    row = rows(engine)[3]
    digest = forged_hash(row, row.prev_hash, purpose="nothing to see")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET purpose = 'nothing to see', entry_hash = :digest WHERE id = 4"),
            {"digest": digest},
        )


def _delete_middle(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id IN (4, 5)"))


def _delete_oldest(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = 1"))


def _insert_before_first(engine: Engine) -> None:
    forge(engine, 0, GENESIS)


def _insert_branch_at_end(engine: Engine) -> None:
    """Two forged entries appended at the end, chained to entry 3 as if they followed it."""
    third = rows(engine)[2]
    first = forge(engine, 100, third.entry_hash)
    forge(engine, 101, first)


def _insert_in_the_middle(engine: Engine) -> None:
    """Make room by renumbering the later entries, then slip a well-hashed entry in after entry 3."""
    with engine.begin() as connection:
        for entry_id in range(ENTRIES, 3, -1):
            connection.execute(text("UPDATE audit_log SET id = id + 1 WHERE id = :id"), {"id": entry_id})
    third = rows(engine)[2]
    forge(engine, 4, third.entry_hash)


def _insert_with_a_wrong_hash(engine: Engine) -> None:
    newest = rows(engine)[-1]
    insert_row(engine, ENTRIES + 1, newest.entry_hash, "f" * 64)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_edit, [("changed", 4)]),
        (_edit_and_rehash, [("changed", 4)]),
        (_delete_middle, [("deleted", 4)]),
        (_delete_oldest, [("deleted", 2)]),
        (_insert_before_first, [("inserted", 0)]),
        (_insert_branch_at_end, [("inserted", 100), ("inserted", 101)]),
        (_insert_in_the_middle, [("inserted", 4), *[("changed", entry_id) for entry_id in range(5, ENTRIES + 2)]]),
        (_insert_with_a_wrong_hash, [("changed", ENTRIES + 1)]),
    ],
    ids=["edit", "edit-and-rehash", "delete-middle", "delete-oldest", "insert-first", "insert-branch",
         "insert-middle", "insert-bad-hash"],
)  # fmt: skip
def test_verify_names_each_tampered_entry(
    db: Database, tamper: Callable[[Engine], None], expected: list[tuple[str, int]]
) -> None:
    fill(db)
    unprotect(db.engine)
    tamper(db.engine)
    assert verified(db) == expected


def test_deleting_the_newest_entries_is_caught_against_the_head_kept_outside(db: Database) -> None:
    fill(db)
    kept_outside = current_head(db)
    unprotect(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM audit_log WHERE id > {ENTRIES - 2}"))
    assert verified(db) == []  # what is left is a consistent chain
    assert verified(db, (kept_outside,)) == [("head", ENTRIES)]


def test_deleted_newest_entries_replaced_by_new_ones_are_caught_against_the_head(db: Database) -> None:
    fill(db)
    kept_outside = current_head(db)
    unprotect(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM audit_log WHERE id > {ENTRIES - 3}"))
    fill(db, 3)  # the application goes on writing; on SQLite it reuses the ids
    assert verified(db) == []
    assert verified(db, (kept_outside,)) == [("head", ENTRIES)]


def test_a_recomputed_chain_is_consistent_but_does_not_match_the_head_kept_outside(db: Database) -> None:
    fill(db)
    older = Head(3, rows(db.engine)[2].entry_hash)
    kept_outside = current_head(db)
    unprotect(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = 5"))
    prev = rows(db.engine)[3].entry_hash
    with db.engine.begin() as connection:
        for row in rows(db.engine)[4:]:
            digest = forged_hash(row, prev)
            connection.execute(
                text("UPDATE audit_log SET prev_hash = :prev, entry_hash = :digest WHERE id = :id"),
                {"prev": prev, "digest": digest, "id": row.id},
            )
            prev = digest
    assert verified(db) == []
    # The older head still matches (the rewrite came after it); the newer one brackets the damage.
    assert verified(db, (older, kept_outside)) == [("head", ENTRIES)]


def test_concurrent_writers_keep_one_chain(db: Database) -> None:
    """Eight threads, each with its own connection, record at once: the chain does not fork."""
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for step in range(6):
                with db.session() as session:
                    audit.record(session, actor=f"t{number}", command="show ad", action="read", details={"s": step})
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        result = verify(audit.chain_rows(session))
    assert result.intact and result.entries == 48


def test_details_are_hashed_as_stored(db: Database) -> None:
    """Tuples and integer keys come back from the JSON column as lists and strings: the hash still holds."""
    with db.session() as session:
        audit.record(session, actor="a", command="c", action="read", details={1: (2, 3), "x": {"y": 1.5}})
    assert verified(db) == []


def test_heads_are_read_from_scan_output_and_checked(db: Database, run_cli: CliRun, tmp_path: Path) -> None:
    fill(db)
    head = current_head(db)
    summary = tmp_path / "scan.json"
    summary.write_text(json.dumps({"run_id": 3, "audit_head": str(head)}), encoding="utf-8")
    assert heads_in(summary.read_text()) == [head]
    intact = run_cli("audit", "verify", "--heads-from", str(summary))
    assert intact.exit_code == 0, intact.output
    assert f"audit log intact: {ENTRIES} entries, head {head}, checked against 1 heads" in intact.output
    piped = run_cli("audit", "verify", "--heads-from", "-", input=f"scan done\naudit head: {head}\n")
    assert piped.exit_code == 0 and "checked against 1 heads" in piped.output
    unprotect(db.engine)
    _edit(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM audit_log WHERE id = {ENTRIES}"))
    broken = run_cli("audit", "verify", "--head", str(head), "--json")
    assert broken.exit_code == 1
    found = json.loads(broken.output)
    assert not found["intact"]
    assert [(item["kind"], item["entry"]) for item in found["findings"]] == [("changed", 4), ("head", ENTRIES)]
    assert "entry 4 was changed" in found["findings"][0]["message"]
    text_output = run_cli("audit", "verify", "--head", str(head))
    assert text_output.exit_code == 1
    assert "changed: entry 4 was changed or forged" in text_output.output
    assert "NOT intact: 2 problems" in text_output.output
    assert "Traceback" not in text_output.output


@pytest.mark.parametrize("value", ["12", "12:abc", "x:" + "a" * 64])
def test_a_malformed_head_is_a_usage_error(run_cli: CliRun, value: str) -> None:
    result = run_cli("audit", "verify", "--head", value)
    assert result.exit_code == 2
    assert "ID:HASH" in result.output


def test_a_file_without_heads_is_refused(run_cli: CliRun, tmp_path: Path) -> None:
    empty = tmp_path / "nothing.log"
    empty.write_text("no heads here\n", encoding="utf-8")
    result = run_cli("audit", "verify", "--heads-from", str(empty))
    assert result.exit_code == 9
    assert "no audit head" in result.output


def _upgrade_from_0002_with_entries(url: str, data_dir: Path) -> None:
    settings = load_settings(cli={"database.url": url, "paths.data_dir": str(data_dir)}, environ={}).settings
    upgrade(settings, "0002")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for number in range(3):
                connection.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, command, action, purpose, details) "
                        "VALUES (:at, 'ana', 'show ad', 'read', '', :details)"
                    ),
                    {"at": datetime(2026, 1, 2, 12, number), "details": json.dumps({"ad_id": number})},
                )
        upgrade(settings)
        with Session(engine) as session:
            result = verify(audit.chain_rows(session))
        assert result.intact and result.entries == 3
        with Session(engine) as session, session.begin():
            audit.record(session, actor="bob", command="report", action="read")
        with Session(engine) as session:
            result = verify(audit.chain_rows(session))
        assert result.intact and result.entries == 4
        with pytest.raises(SQLDatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log"))
    finally:
        engine.dispose()


def test_the_migration_chains_the_entries_already_there(database_factory: DatabaseFactory, tmp_path: Path) -> None:
    _upgrade_from_0002_with_entries(database_factory.empty_url(tmp_path), tmp_path)


def test_the_migration_chains_the_entries_already_there_on_postgres(requires_postgres: str, tmp_path: Path) -> None:
    _upgrade_from_0002_with_entries(new_postgres_database(requires_postgres), tmp_path)


def test_concurrent_writers_keep_one_chain_on_postgres(requires_postgres: str, tmp_path: Path) -> None:
    url = new_postgres_database(requires_postgres)
    settings = load_settings(cli={"database.url": url, "paths.data_dir": str(tmp_path)}, environ={}).settings
    upgrade(settings)
    engine = make_engine(url)
    try:
        test_concurrent_writers_keep_one_chain(Database(engine, sessionmaker(engine, expire_on_commit=False)))
    finally:
        engine.dispose()


def test_downgrade_delete_and_upgrade_again_is_caught_against_the_printed_head(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    """The scenario of the issue: without the trigger, rows are deleted and the database upgraded again."""
    url = database_factory.empty_url(tmp_path)
    run = CliRun(database_url=url, data_dir=tmp_path)
    assert run("db", "upgrade").exit_code == 0
    assert run("--as", "ana", "report").exit_code == 0
    assert run("--as", "ana", "report", "--format", "json").exit_code == 0
    down = run("db", "downgrade", "0001", "--drop-audit-protection")
    assert down.exit_code == 0, down.output
    (printed,) = heads_in(down.output)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE command = 'report'"))  # no hash chain: no trace?
    finally:
        engine.dispose()
    assert run("db", "upgrade").exit_code == 0
    assert run("audit", "verify").exit_code == 0  # the recomputed chain is consistent in itself
    against = run("audit", "verify", "--head", str(printed))
    assert against.exit_code == 1
    assert f"entry {printed.id} has another hash than the head" in against.output


def test_downgrade_is_recorded_before_it_runs(database_factory: DatabaseFactory, tmp_path: Path) -> None:
    url = database_factory.empty_url(tmp_path)
    settings = load_settings(cli={"database.url": url, "paths.data_dir": str(tmp_path)}, environ={}).settings
    upgrade(settings)
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            audit.record(session, actor="ana", command="report", action="read")
        before = rows(engine)
        head = downgrade(settings, "0002", actor="op", purpose="rollback", drop_audit_protection=True)
        with engine.connect() as connection:
            found = connection.execute(text("SELECT actor, command, action, purpose, details FROM audit_log")).all()
    finally:
        engine.dispose()
    assert len(before) == 1 and len(found) == 2
    assert head is not None and head.startswith("2:")
    actor, command, action, purpose, details = found[-1]
    assert (actor, command, action, purpose) == ("op", "db downgrade", "schema", "rollback")
    assert (json.loads(details) if isinstance(details, str) else details) == {
        "from": head_revision(),
        "to": "0002",
        "removes": ["its hash chain"],
        "audit_entries": 1,
        "forced": True,
    }


def test_a_role_that_may_only_read_and_insert_the_log_can_record_on_postgres(
    requires_postgres: str, tmp_path: Path
) -> None:
    """deploy.md advises SELECT and INSERT only on audit_log: the insert lock must not need more."""
    url = new_postgres_database(requires_postgres)
    settings = load_settings(cli={"database.url": url, "paths.data_dir": str(tmp_path)}, environ={}).settings
    upgrade(settings)
    role = f"audit_writer_{uuid.uuid4().hex[:8]}"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE ROLE "{role}"'))
            connection.execute(text(f'GRANT SELECT, INSERT ON audit_log TO "{role}"'))
            connection.execute(text(f'GRANT USAGE ON SEQUENCE audit_log_id_seq TO "{role}"'))
        with Session(engine) as session, session.begin():
            session.execute(text(f'SET LOCAL ROLE "{role}"'))
            audit.record(session, actor="ana", command="report", action="read")
            with pytest.raises(SQLDatabaseError, match="permission denied"), session.begin_nested():
                session.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))  # what the lock does not use
        with Session(engine) as session:
            assert verify(audit.chain_rows(session)).entries == 1
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        engine.dispose()
