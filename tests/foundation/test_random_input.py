"""Random bytes as scanner.toml, source files and rule files, and random byte streams to `scanner extract`:
the result is a value or an expected error with its exit code, never a traceback.

Pure random bytes rarely get past the first check, so each input is also made by splicing random
bytes into a valid file, which reaches the parsers and validators behind it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.crawl.sourcefile import check_source_file, load_sources
from scanner.errors import ConfigError, RuleError, SourceError
from scanner.lab.demo.server import SOURCES_DIR
from scanner.rules.loader import read_pack
from scanner.rules.ruleset import RuleSet
from scanner.settings import Settings, load_settings
from tests.conftest import CliRun

REPOSITORY = Path(__file__).resolve().parents[2]
VALID_CONFIG = (
    b'[database]\nurl = "sqlite:///x.db"\n[crawl]\ndelay = 2.0\nuser_agent = "scanner/0.1"\n'
    b'[municipality]\nname = "Haarlem"\nregion = ["Kennemerland"]\n[rules.overrides.youth-language]\nweight = 2.5\n'
)
VALID_SOURCE = (SOURCES_DIR / "rozewereld.yaml").read_bytes()
VALID_RULE = (REPOSITORY / "rules" / "age-under-23.yaml").read_bytes()
RUN = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# Pieces of YAML and TOML syntax, so that splices make tags, aliases, merges, tables and nesting.
SYNTAX = st.sampled_from(
    [b"!", b"!!", b"!!python/object/apply:os.system ", b"!!omap ", b"&a ", b"*a", b"<<: ", b"[", b"]", b"{", b"}",
     b": ", b"- ", b"\n", b"  ", b"'", b'"', b"? ", b"|", b">", b"#", b"---\n", b"%YAML 1.2\n", b"\t", b"=",
     b"[[", b"]]", b".", b"1e999", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\xe9"]
)  # fmt: skip
# Whole values a careless or hostile author writes: tags on scalars and collections, aliases, merges.
VALUES = st.sampled_from(
    [b"!foo [a]", b"!!omap [a: 1]", b"!!python/object/apply:os.system [x]", b"!!python/name:os.system ''",
     b"&a [1, 2]", b"*a", b"*nowhere", b"{<<: *a}", b"&b {c: 1}", b"!!binary AAAA", b"!!set {a}", b"!!str 5",
     b"! x", b"!!timestamp 2001-12-14", b"[" * 80, b"{a: " * 80, b"'open", b"2.5", b"true", b"[]", b"{}", b"~",
     b'"\\ud800"', b"\xff\xfe"]
)  # fmt: skip


def spliced(valid: bytes) -> st.SearchStrategy[bytes]:
    """`valid` with random bytes and pieces of syntax put in (or written over it) at a random place."""
    inserted = st.lists(st.one_of(SYNTAX, st.binary(max_size=8)), max_size=8).map(b"".join)
    return st.tuples(st.integers(0, len(valid)), st.integers(0, 40), inserted).map(
        lambda cut: valid[: cut[0]] + cut[2] + valid[cut[0] + cut[1] :]
    )


def revalued(valid: bytes) -> st.SearchStrategy[bytes]:
    """`valid` with the value of one `key: value` (or `key = value`) line replaced by random syntax."""
    lines = valid.split(b"\n")
    keyed = [index for index, line in enumerate(lines) if b": " in line or b" = " in line]
    parts = st.lists(st.one_of(SYNTAX, st.binary(max_size=6), st.sampled_from([b"a", b"1", b"x y"])), max_size=6)
    value = st.one_of(VALUES.map(lambda whole: [whole]), parts)

    def replace(index: int, parts: list[bytes]) -> bytes:
        line = lines[index]
        separator = b": " if b": " in line else b" = "
        changed = [*lines]
        changed[index] = line.split(separator, 1)[0] + separator + b"".join(parts)
        return b"\n".join(changed)

    return st.builds(replace, st.sampled_from(keyed), value)


def file_bytes(valid: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=600), spliced(valid), revalued(valid))


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="scanner-random-") as name:
        yield Path(name)


@RUN
@given(file_bytes(VALID_CONFIG))
def test_random_bytes_as_scanner_toml(data: bytes) -> None:
    with folder() as where:
        path = where / "scanner.toml"
        path.write_bytes(data)
        try:
            loaded = load_settings(config=str(path), environ={})
        except ConfigError as error:
            assert error.context and str(path) in error.context and error.hint
            assert "\n" not in error.message
        else:
            assert isinstance(loaded.settings, Settings)


@RUN
@given(file_bytes(VALID_SOURCE))
def test_random_bytes_as_a_source_file(data: bytes) -> None:
    with folder() as where:
        path = where / "rozewereld.yaml"
        path.write_bytes(data)
        config, problems = check_source_file(path)
        assert (config is None) == bool(problems)
        for problem in problems:
            assert problem.file == str(path) and problem.line >= 1 and problem.column >= 1
        try:
            load_sources(where)
        except SourceError as error:
            assert error.context and str(path) in error.context


@RUN
@given(file_bytes(VALID_RULE))
def test_random_bytes_as_a_rule_file(data: bytes) -> None:
    with folder() as where:
        path = where / "age-under-23.yaml"
        path.write_bytes(data)
        pack = read_pack(where)
        for problem in pack.problems():
            assert problem.file == str(path) and problem.line >= 1 and problem.column >= 1
        try:
            RuleSet.load(where, Settings())
        except (RuleError, ConfigError) as error:
            assert error.context


LINE = st.one_of(
    st.binary(max_size=120),
    st.text(max_size=120).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.builds(
        lambda ident, body: b'{"id": ' + ident + b', "text": ' + body + b"}",
        st.sampled_from([b"1", b'"a"', b"null", b"[1]", b"1e999", b"{}"]),
        st.sampled_from([b'"Anna 06-12345678"', b'"\\ud83d"', b"12", b'"\\u0000"', b"[]", b'"\xe9\xe9n"']),
    ),
)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=6).map(b"\n".join), st.booleans())
def test_random_byte_streams_to_extract(data: bytes, plain: bool) -> None:
    with folder() as where:
        run = CliRun(database_url=f"sqlite:///{where / 'unused.db'}", data_dir=where)
        result = run("extract", *(["--plain"] if plain else []), input=data)
        assert result.exit_code in (0, 9), result.output  # an exception would have been raised here instead
        errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
        assert len(errors) == (1 if result.exit_code == 9 else 0), result.output
        assert not (where / "unused.db").exists()


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(file_bytes(VALID_CONFIG))
def test_random_scanner_toml_through_the_command_line(data: bytes) -> None:
    with folder() as where:
        path = where / "scanner.toml"
        path.write_bytes(data)
        run = CliRun(database_url=f"sqlite:///{where / 'unused.db'}", data_dir=where)
        result = run("config", "show", env={"SCANNER_CONFIG": str(path), "SCANNER_DATABASE_URL": ""})
        assert result.exit_code in (0, 3), result.output
        if result.exit_code == 3:
            assert sum(line.startswith("error: ") for line in result.output.splitlines()) == 1
