"""Settings layering (defaults < file < environment < command line) and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import ConfigError
from scanner.settings import all_keys, env_name, load_settings, mask


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scanner.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("file_text", "environ", "cli", "expected", "layer"),
    [
        ("", {}, {}, 1.0, "default"),
        ("[crawl]\ndelay = 2.5\n", {}, {}, 2.5, "file"),
        ("[crawl]\ndelay = 2.5\n", {"SCANNER_CRAWL_DELAY": "3"}, {}, 3.0, "env"),
        ("[crawl]\ndelay = 2.5\n", {"SCANNER_CRAWL_DELAY": "3"}, {"crawl.delay": "4"}, 4.0, "cli"),
        ("", {}, {"crawl.delay": "0.5"}, 0.5, "cli"),
    ],
)
def test_layers_override_in_order(
    tmp_path: Path, file_text: str, environ: dict[str, str], cli: dict[str, str], expected: float, layer: str
) -> None:
    path = write(tmp_path, file_text)
    loaded = load_settings(config=str(path), cli=cli, environ=environ)
    assert loaded.settings.crawl.delay == expected
    assert loaded.origins["crawl.delay"][0] == layer
    # keys nobody set stay at their default
    assert loaded.origins["crawl.max_retries"] == ("default", "default")


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[municipality]\nname = "Haarlem"\n')
    loaded = load_settings(environ={"SCANNER_CONFIG": str(path)})
    assert loaded.settings.municipality.name == "Haarlem"
    assert loaded.origins["municipality.name"] == ("file", str(path))


def test_database_url_defaults_to_sqlite_in_data_dir(tmp_path: Path) -> None:
    loaded = load_settings(cli={"paths.data_dir": str(tmp_path)}, environ={})
    assert loaded.settings.database_url == f"sqlite:///{tmp_path / 'scanner.db'}"
    selected = load_settings(environ={"SCANNER_DATABASE_URL": "postgresql+psycopg://u:pw@db/scanner"})
    assert selected.settings.database_url == "postgresql+psycopg://u:pw@db/scanner"


def test_lists_from_environment_as_json_or_commas() -> None:
    loaded = load_settings(environ={"SCANNER_LINKING_LICENSED_NUMBERS": '["+31201234567"]'})
    assert loaded.settings.linking.licensed_numbers == ["+31201234567"]
    loaded = load_settings(environ={"SCANNER_MUNICIPALITY_REGION": "Haarlem, Kennemerland"})
    assert loaded.settings.municipality.region == ["Haarlem", "Kennemerland"]


@pytest.mark.parametrize(
    ("file_text", "environ", "cli", "message", "hint"),
    [
        ("[crawl]\ndelai = 2\n", {}, {}, "unknown setting 'crawl.delai'", "did you mean 'delay'?"),
        ("[crowl]\ndelay = 2\n", {}, {}, "unknown section 'crowl'", "did you mean 'crawl'?"),
        ("[crawl]\ndelay = -1\n", {}, {}, "bad value for crawl.delay", "crawl.delay:"),
        ("[crawl\n", {}, {}, "not valid TOML", "fix the syntax"),
        (
            "",
            {"SCANNER_CRAWL_DELAI": "2"},
            {},
            "unknown environment variable SCANNER_CRAWL_DELAI",
            "SCANNER_CRAWL_DELAY",
        ),
        ("", {"SCANNER_CRAWL_DELAY": "soon"}, {}, "bad value for crawl.delay (SCANNER_CRAWL_DELAY)", "default 1.0"),
        ("", {}, {"crawl.nope": "1"}, "unknown setting 'crawl.nope'", ""),
        ("delay = 2\n", {}, {}, "'delay' must be a table", "[section]"),
    ],
)
def test_errors_name_key_place_and_fix(
    tmp_path: Path, file_text: str, environ: dict[str, str], cli: dict[str, str], message: str, hint: str
) -> None:
    path = write(tmp_path, file_text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config=str(path), cli=cli, environ=environ)
    assert message in str(caught.value)
    assert hint in (caught.value.hint or "")
    if not environ and not cli:
        assert caught.value.context == str(path)


@pytest.mark.parametrize(
    ("file_text", "environ"),
    [
        ('[municipality]\nregion = ["Kenemerland"]\n', {}),
        ("", {"SCANNER_MUNICIPALITY_REGION": '["Haarlem", "Kenemerland"]'}),
    ],
)
def test_an_unknown_region_name_fails_when_the_settings_load_with_a_suggestion(
    tmp_path: Path, file_text: str, environ: dict[str, str]
) -> None:
    """One typo would otherwise keep no ad at all, silently."""
    with pytest.raises(ConfigError) as caught:
        load_settings(config=str(write(tmp_path, file_text)), environ=environ)
    assert "unknown place or region 'Kenemerland': did you mean Kennemerland" in str(caught.value)
    known = load_settings(
        cli={"municipality.region": '["Kennemerland", "provincie Noord-Holland", "Haarlem"]'}, environ={}
    )
    assert known.settings.municipality.region == ["Kennemerland", "provincie Noord-Holland", "Haarlem"]


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(config=str(tmp_path / "absent.toml"), environ={})


def test_every_key_has_an_environment_variable_and_description() -> None:
    names = [env_name(key) for key in all_keys()]
    assert len(names) == len(set(names)), "two settings map to one SCANNER_* variable"
    assert "SCANNER_DATABASE_URL" in names


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        (
            "database.url",
            "postgresql+psycopg://scanner:s3cret@db/scanner",
            "postgresql+psycopg://scanner:***@db/scanner",
        ),
        ("database.url", "sqlite:////var/lib/scanner/scanner.db", "sqlite:////var/lib/scanner/scanner.db"),
        ("crawl.delay", 1.0, 1.0),
    ],
)
def test_secrets_are_masked(key: str, value: object, shown: object) -> None:
    assert mask(key, value) == shown
