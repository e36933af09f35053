"""Careless and hostile input gives a located one-line error with its exit code, never a traceback.

One test per case of issue 13: YAML tags in rule and source files, config files in other encodings,
an output folder that does not exist, non-UTF-8 input to extract, a database newer than the code, a
model path with a typo, an unreadable image, a reading command on a database that does not exist.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from PIL import Image
from sqlalchemy import func, select, text

from scanner.crawl.imagehashes import hash_image
from scanner.crawl.sourcefile import check_source_file
from scanner.db import Database, audit
from scanner.db.models import AuditEntry, ScanRun
from scanner.errors import ConfigError, InputError
from scanner.lab.demo.server import SOURCES_DIR
from scanner.rules.loader import read_pack
from scanner.settings import load_settings
from tests.conftest import CliRun

REPOSITORY = Path(__file__).resolve().parents[2]
TAGS = [
    ('!!python/object/apply:os.system ["touch {marker}"]', "!!python/object/apply:os.system"),
    ("!foo [a]", "!foo"),
    ("!!omap [a: 1]", "!!omap"),
    ('!!python/name:os.system ""', "!!python/name:os.system"),
]


def one_line_error(result: Result, code: int) -> str:
    """The error line of an expected failure; fails on a traceback or another exit code."""
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.output
    return errors[0]


def tagged_rules(tmp_path: Path, tag: str) -> tuple[Path, int]:
    """A copy of the shipped rules with a tag as one rule's weight; the tag's line number."""
    folder = tmp_path / "rules"
    shutil.copytree(REPOSITORY / "rules", folder)
    rule = folder / "age-under-23.yaml"
    lines = rule.read_text(encoding="utf-8").splitlines()
    number = next(index for index, line in enumerate(lines) if line.startswith("weight:"))
    lines[number] = f"weight: {tag.format(marker=tmp_path / 'ran')}"
    rule.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, number + 1


@pytest.mark.parametrize(("tag", "shown"), TAGS, ids=[shown for _, shown in TAGS])
def test_a_rule_file_with_a_yaml_tag_is_a_located_problem_in_every_command(
    run_cli: CliRun, tmp_path: Path, tag: str, shown: str
) -> None:
    folder, line = tagged_rules(tmp_path, tag)
    where = f"{folder / 'age-under-23.yaml'}:{line}:9"
    validated = run_cli("rules", "validate", str(folder))
    assert validated.exit_code == 1 and "Traceback" not in validated.output
    assert f"{where}: error Y003: YAML tag {shown} is not allowed" in validated.output
    for command in (["rules", "list"], ["rules", "test"], ["rules", "apply"]):
        assert where in one_line_error(run_cli(*command, "--rules-dir", str(folder)), 7)
    assert not (tmp_path / "ran").exists(), "nothing tagged may ever be constructed"


def test_a_scan_with_a_broken_rule_file_stops_before_it_crawls(run_cli: CliRun, db: Database, tmp_path: Path) -> None:
    folder, line = tagged_rules(tmp_path, TAGS[0][0])
    error = one_line_error(run_cli("scan", env={"SCANNER_PATHS_RULES_DIR": str(folder)}), 7)
    assert f"age-under-23.yaml:{line}:9" in error
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ScanRun)) == 0  # nothing started, nothing crawled
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize(("tag", "shown"), TAGS[:2], ids=[shown for _, shown in TAGS[:2]])
def test_a_source_file_with_a_yaml_tag_is_a_located_problem(tmp_path: Path, tag: str, shown: str) -> None:
    source = tmp_path / "rozewereld.yaml"
    text_ = (SOURCES_DIR / "rozewereld.yaml").read_text(encoding="utf-8")
    source.write_text(text_.replace("  title: h1.titel", f"  title: {tag.format(marker=tmp_path / 'ran')}"))
    config, problems = check_source_file(source)
    assert config is None
    (problem,) = problems
    assert (problem.code, problem.message) == ("Y003", f"YAML tag {shown} is not allowed")
    assert problem.line == text_.splitlines().index("  title: h1.titel") + 1 and problem.column == 10
    assert not (tmp_path / "ran").exists()


def test_yaml_aliases_that_expand_a_billion_times_are_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for number, name in enumerate("bcdefgh"):
        previous = "abcdefgh"[number]
        laughs.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    (rules / "laughs.yaml").write_text("\n".join(laughs) + "\n", encoding="utf-8")
    (loaded,) = read_pack(rules).rules
    (problem,) = loaded.problems
    assert problem.code == "Y004"


def test_merge_keys_are_read_with_positions(tmp_path: Path) -> None:
    """`<<: *base` has no position of its own; its keys are placed at the mapping (a crash before)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "merged.yaml").write_text("base: &base {title: x}\nid: merged\n<<: *base\n", encoding="utf-8")
    (loaded,) = read_pack(rules).rules
    assert loaded.document is not None and loaded.document.data["title"] == "x"
    assert all(problem.code.startswith("R") for problem in loaded.problems)


CONFIG = '[municipality]\nname = "Súdwest-Fryslân"\n\n[crawl]\ndelay = 2.5\n'


@pytest.mark.parametrize(
    ("encoded", "message", "line"),
    [
        (CONFIG.encode("utf-16"), "the text is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8", 1),
        (CONFIG.encode("utf-16-le"), "the text looks like UTF-16 without a byte-order mark, not UTF-8", 1),
        (CONFIG.encode("utf-16-be"), "the text looks like UTF-16 without a byte-order mark, not UTF-8", 1),
        (CONFIG.encode("utf-32"), "the text is UTF-32 (it starts with a UTF-32 byte-order mark), not UTF-8", 1),
        (CONFIG.encode("cp1252"), "not UTF-8: byte 0xFA; it looks like Windows-1252 (CP1252, 'ANSI') or Latin-1", 2),
        (b"[crawl]\ndelay = \x00\n", "binary data: a NUL byte, which text never holds", 2),
    ],
    ids=["utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "binary"],
)
def test_a_config_file_in_another_encoding_names_it(
    run_cli: CliRun, tmp_path: Path, encoded: bytes, message: str, line: int
) -> None:
    path = tmp_path / "scanner.toml"
    path.write_bytes(encoded)
    with pytest.raises(ConfigError) as caught:
        load_settings(config=str(path), environ={})
    assert caught.value.message.startswith(message)
    assert caught.value.context is not None and caught.value.context.startswith(f"{path}:{line}:")
    assert caught.value.hint is not None and "UTF-8" in caught.value.hint
    error = one_line_error(run_cli("config", "show", env={"SCANNER_CONFIG": str(path)}), 3)
    assert message in error


def test_a_config_file_with_a_utf8_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "scanner.toml"
    path.write_bytes(b"\xef\xbb\xbf" + CONFIG.encode("utf-8"))
    settings = load_settings(config=str(path), environ={}).settings
    assert (settings.municipality.name, settings.crawl.delay) == ("Súdwest-Fryslân", 2.5)


def test_a_config_path_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_settings(config=str(tmp_path), environ={})


def audit_entries(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "csv"],
        ["export", "--format", "graphml"],
        ["report", "--format", "html"],
        ["report"],  # the table
    ],
    ids=["export-csv", "export-graphml", "report-html", "report-table"],
)
def test_an_output_folder_that_does_not_exist_fails_before_anything_is_written_or_audited(
    run_cli: CliRun, db: Database, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "missing-dir" / "out.file"
    error = one_line_error(run_cli(*command, "-o", str(target)), 9)
    assert "the folder" in error and "missing-dir does not exist" in error
    assert not target.parent.exists()
    assert audit_entries(db) == 0
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("x")
    assert "is not a folder" in one_line_error(run_cli(*command, "-o", str(not_a_folder / "out")), 9)
    assert audit_entries(db) == 0


@pytest.mark.parametrize("command", [["export", "--format", "json"], ["report", "--format", "json"], ["report"]])
def test_an_output_file_is_written_whole_and_audited(
    run_cli: CliRun, db: Database, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "out" / "result.txt"
    target.parent.mkdir()
    result = run_cli(*command, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").strip()
    assert [path.name for path in target.parent.iterdir()] == ["result.txt"], "no temporary file is left"
    assert target.stat().st_mode & 0o077 == 0, "personal data is written readable by its owner only"
    with db.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert entry.command == command[0]
    if command[0] == "export":
        assert entry.details["file"] == str(target)


def test_extract_refuses_non_utf8_input_at_its_line(run_cli: CliRun, tmp_path: Path) -> None:
    path = tmp_path / "ads.txt"
    path.write_bytes(b"Anna 21 jaar, bel 06-12345678\n" + "Eén uur 150 euro\n".encode("cp1252"))
    result = run_cli("extract", str(path))
    assert result.exit_code == 9 and "Traceback" not in result.output
    first = json.loads(result.output.splitlines()[0])
    assert first["phones"] == ["+31612345678"]  # the good line before is extracted
    error = one_line_error(result, 9)
    assert error == (
        f"error: {path}:2:2: not UTF-8: byte 0xE9; it looks like Windows-1252 (CP1252, 'ANSI') or Latin-1 text"
    )
    assert "iconv -f CP1252 -t UTF-8" in result.output


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Anna 06-12345678\n".encode("utf-16"), "the text is UTF-16"),
        (b'{"text": "\\ud800"}\n', "unpaired surrogate"),
        (b'{"id": 1' + b"0" * 5000 + b', "text": "x"}\n', "not a usable JSON object"),
        (b'{"text": ' + b"[" * 100_000 + b"\n", "not a usable JSON object: nested too deeply"),
    ],
    ids=["utf-16", "surrogate", "huge-number", "deep-json"],
)
def test_extract_refuses_unusable_stdin(run_cli: CliRun, data: bytes, message: str) -> None:
    result = run_cli("extract", input=data)
    assert message in one_line_error(result, 9)


def test_extract_reads_utf8_with_a_byte_order_mark_and_windows_line_ends(run_cli: CliRun) -> None:
    result = run_cli("extract", input=b"\xef\xbb\xbfAnna bel 06-12345678\r\n")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["phones"] == ["+31612345678"] and not found["spans"][0]["text"].endswith("\r")


def test_db_upgrade_on_a_database_newer_than_the_code_names_the_version_it_needs(run_cli: CliRun, db: Database) -> None:
    with db.session() as session:
        audit.record(session, actor="op", command="db upgrade", action="schema", details={"scanner": "9.9.0"})
        session.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    for command in (["db", "upgrade"], ["db", "upgrade", "head"], ["report"], ["db", "downgrade", "0001"]):
        error = one_line_error(run_cli(*command), 4)
        assert "the database schema (0099) is newer than this version of scanner" in error
        assert "last migrated by scanner 9.9.0" in error
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    assert "newer than this scanner" in run_cli("db", "current").output


def test_db_upgrade_to_an_unknown_revision_lists_the_known_ones(run_cli: CliRun) -> None:
    error = one_line_error(run_cli("db", "upgrade", "zzzz"), 9)
    assert "cannot upgrade to 'zzzz'" in error


@pytest.mark.parametrize("command", [["score"], ["scan"]])
def test_a_model_path_with_a_typo_exits_8_unless_rules_only_is_set(
    run_cli: CliRun, db: Database, command: list[str]
) -> None:
    typo = {"SCANNER_MODEL_PATH": "models/bootstrp.skops"}
    error = one_line_error(run_cli(*command, env=typo), 8)
    assert "model.path: no model file at 'models/bootstrp.skops'" in error
    for empty in ({"SCANNER_MODEL_PATH": ""},):
        assert "model.path is empty" in one_line_error(run_cli(*command, env=empty), 8)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ScanRun)) == 0  # the scan stopped before it crawled
    if command == ["score"]:
        rules_only = run_cli(*command, env={**typo, "SCANNER_MODEL_RULES_ONLY": "true"})
        assert rules_only.exit_code == 0, rules_only.output


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello, not an image", "not an image, or an image damaged beyond reading"),
        (_jpeg()[:300], "a damaged image"),
        (b"BM" + b"\x00" * 60, "a damaged image: Unsupported BMP header type (0)"),
    ],
    ids=["text", "truncated-jpeg", "broken-bmp"],
)
def test_an_unreadable_image_is_named_without_python_internals(
    run_cli: CliRun, tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "suspect.jpg"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        hash_image(data, context=str(path))
    assert "object at 0x" not in str(caught.value) and message in caught.value.message
    error = one_line_error(run_cli("search", "--image", str(path)), 9)
    assert error.startswith(f"error: {path}: {message}")
    assert "object at 0x" not in error


@pytest.mark.parametrize(
    "command", [["report"], ["audit"], ["audit", "verify"], ["show", "ad", "1"], ["db", "current"], ["purge"]]
)
def test_a_reading_command_never_creates_a_database(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "no-such-folder" / "scanner.db"
    run = CliRun(database_url=f"sqlite:///{missing}", data_dir=tmp_path / "data")
    result = run(*command)
    assert "Traceback" not in result.output
    if command == ["db", "current"]:
        assert result.exit_code == 0 and "no file at" in result.output
    else:
        assert "there is no database file here" in one_line_error(result, 4)
        assert "fix: run: scanner db upgrade" in result.output
    assert not missing.exists() and not missing.parent.exists()
    created = run("db", "upgrade")
    assert created.exit_code == 0 and missing.is_file()
