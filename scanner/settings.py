"""All settings of `scanner`, documented in one place, read in four layers.

Each later layer overrides the earlier ones, key by key:

1. defaults, written below beside each setting;
2. the config file `scanner.toml` (its path from `--config` or `SCANNER_CONFIG`; without either,
   `./scanner.toml` is read when it exists), with one TOML table per section:

       [database]
       url = "postgresql+psycopg://scanner@127.0.0.1/scanner"
       [crawl]
       delay = 2.0

3. environment variables `SCANNER_<SECTION>_<KEY>`, e.g. `SCANNER_DATABASE_URL`,
   `SCANNER_CRAWL_DELAY`; lists and tables are written as JSON (`SCANNER_LINKING_LICENSED_NUMBERS='["+31201234567"]'`);
4. command-line flags (`--database-url`, and `--set section.key=value` for any setting).

`scanner config show` prints every effective value and the layer it came from, secrets masked.
Unknown keys and bad values are `ConfigError`s naming the key, the layer (file or variable) and the fix.

The database defaults to a SQLite file `scanner.db` in the data directory: `$SCANNER_DATA_DIR`, else
`$XDG_DATA_HOME/scanner`, else `~/.local/share/scanner`.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner.errors import ConfigError
from scanner.places import unknown_region_names
from scanner.utf8 import NotUTF8, decode_utf8

Layer = Literal["default", "file", "env", "cli"]
ENV_PREFIX = "SCANNER_"


def default_data_dir() -> Path:
    """Where the SQLite database and other local state live unless configured otherwise."""
    if explicit := os.environ.get("SCANNER_DATA_DIR"):
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "scanner"


def region_problem(names: list[str]) -> str | None:
    """Why a region list cannot be used (a name that is no known place or region, with suggestions), or None."""
    unknown = unknown_region_names(names)
    if not unknown:
        return None
    raw, close = unknown[0]
    advice = f"did you mean {', '.join(close)}?" if close else "use a municipality, province, police unit or "
    advice += "" if close else "safety region, e.g. Haarlem or Kennemerland"
    return f"unknown place or region '{raw}': {advice}"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DatabaseSettings(_Section):
    url: str = Field(
        default="",
        description="SQLAlchemy URL. Empty means sqlite:///<data dir>/scanner.db. "
        "PostgreSQL: postgresql+psycopg://user:password@host/dbname",
        json_schema_extra={"secret": True},
    )
    echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")


class PathSettings(_Section):
    data_dir: str = Field(default="", description="Local state directory; empty means the default data dir.")
    sources_dir: str = Field(default="sources", description="Folder of site description files (*.yaml).")
    rules_dir: str = Field(default="rules", description="Folder of indicator rule files (*.yaml).")
    models_dir: str = Field(default="models", description="Folder of trained model files and their cards.")


class CrawlSettings(_Section):
    user_agent: str = Field(
        default="scanner/0.1 (+{contact_url}; municipal research crawler)",
        description="User-Agent header; {contact_url} is replaced by crawl.contact_url.",
    )
    contact_url: str = Field(
        default="https://example.org/scanner-contact",
        description="Where a site owner can reach the operator. Set this to your own page.",
    )
    obey_robots: bool = Field(default=True, description="Obey robots.txt and its Crawl-delay.")
    per_host_concurrency: int = Field(default=1, ge=1, le=16, description="Requests at once to one host.")
    global_concurrency: int = Field(default=8, ge=1, le=64, description="Requests at once over all hosts.")
    delay: float = Field(default=1.0, ge=0.0, le=600.0, description="Seconds between requests to one host.")
    jitter: float = Field(default=0.3, ge=0.0, le=1.0, description="Random share added to or taken off each delay.")
    request_timeout: float = Field(default=20.0, gt=0.0, description="Seconds to connect or wait for a byte.")
    request_deadline: float = Field(default=60.0, gt=0.0, description="Seconds a whole request may take at most.")
    max_response_bytes: int = Field(default=5_000_000, gt=0, description="Largest decoded page body accepted.")
    max_image_bytes: int = Field(default=8_000_000, gt=0, description="Largest photo accepted.")
    max_image_pixels: int = Field(default=40_000_000, gt=0, description="Pillow decompression-bomb limit.")
    max_redirects: int = Field(default=5, ge=0, le=20, description="Redirects followed per request.")
    max_retries: int = Field(default=3, ge=0, le=10, description="Retries on 408, 429, 5xx and network errors.")
    backoff_base: float = Field(default=1.0, ge=0.0, description="First retry waits this many seconds, doubling.")
    backoff_max: float = Field(default=60.0, ge=0.0, description="Longest wait between retries.")
    keep_image_bytes: bool = Field(default=False, description="Store photo bytes (off: only hashes are kept).")
    fetch_photos: bool = Field(default=True, description="Fetch and hash ad photos (off: only pages are collected).")
    removed_after_days: int = Field(
        default=2,
        ge=1,
        description="Different days an ad must be missing from its source's complete listings before it is "
        "marked removed (two scans on one day count once). An ad page answering 404 or 410 is removed at once.",
    )
    removal_guard_share: float = Field(
        default=0.2,
        gt=0.0,
        le=1.0,
        description="Hold every removal of a source whose ads listed fell by more than this share since its "
        "last complete crawl (1 switches the guard off for a run, e.g. after a site really shrank).",
    )
    removal_guard_min_ads: int = Field(
        default=5,
        ge=1,
        description="A fall of fewer ads than this never trips the removal guard (small sites).",
    )
    max_pages_per_source: int = Field(default=10_000, ge=1, description="Safety cap on pages per source per run.")


class ExtractSettings(_Section):
    default_region: str = Field(
        default="NL",
        description="The sites' country: region of phone numbers and currency of amounts written without one.",
    )
    other_regions: list[str] = Field(
        default=["BE", "DE"], description="Regions also tried for mobile numbers written without a country code."
    )


class MunicipalitySettings(_Section):
    name: str = Field(default="", description="The municipality running this deployment, e.g. Haarlem.")
    min_age: int = Field(default=21, ge=18, le=30, description="Municipal minimum age for sex work (APV).")
    license_pattern: str = Field(
        default=r"\b(?:vergunning(?:nummer|nr)?|licen[cs]e(?:\s*(?:no|nr|number))?)\.?\s*[:#]?\s*([A-Z]{0,4}[-/]?\d{3,8}(?:[-/]\d{1,6})?)",
        description="Regular expression for licence numbers in ad text; group 1 is the number.",
    )
    license_required: bool = Field(default=True, description="Ads of sex businesses must show a licence number.")
    region: list[str] = Field(
        default=[],
        description="Keep only ads in these places: municipalities, provinces, police units or safety "
        'regions (e.g. ["Kennemerland"]). Empty keeps every place. Unknown names are refused when loading.',
    )

    @field_validator("region")
    @classmethod
    def _known_places(cls, names: list[str]) -> list[str]:
        problem = region_problem(names)
        if problem:
            raise ValueError(problem)
        return names


class RuleOverride(_Section):
    enabled: bool | None = None
    weight: float | None = None
    thresholds: dict[str, float] = Field(default_factory=dict)


class RulesSettings(_Section):
    overrides: dict[str, RuleOverride] = Field(
        default_factory=dict,
        description="Per rule id: enabled, weight and thresholds, without editing the rule.",
    )
    sensitive_enabled: dict[str, str] = Field(
        default_factory=dict,
        description="Sensitive rules (nationality, ethnicity, language) switched on, each with the recorded reason.",
    )


class LinkingSettings(_Section):
    photo_max_distance: int = Field(default=6, ge=0, le=64, description="Largest pHash distance for one photo.")
    text_threshold: float = Field(default=0.5, gt=0.0, le=1.0, description="MinHash Jaccard for near-duplicate text.")
    licensed_numbers: list[str] = Field(
        default_factory=list, description="Phone numbers of licensed businesses; never used to link ads."
    )
    max_ads_per_identifier: int = Field(
        default=150,
        ge=2,
        description="Hard cap: an identifier, photo or text bucket on more ads than this links nothing "
        "(it also bounds the pairwise work); smaller hubs are found by hub_min_groups and hub_share.",
    )
    hub_min_groups: int = Field(
        default=3,
        ge=2,
        description="A picture shown by at least this many unrelated groups of ads (no shared contact or other "
        "picture, unrelated texts) under as many names is a hub that links nothing, if hub_share agrees.",
    )
    hub_min_groups_contact: int = Field(
        default=10,
        ge=2,
        description="The same for a phone, e-mail or handle; higher, because one phone behind several women "
        "is what a network looks like.",
    )
    hub_share: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description="The hub line grows with the listing: the unrelated groups must also be at least this share "
        "of the ads of the identifier's sources and cities.",
    )
    hub_text_similarity: float = Field(
        default=0.1,
        gt=0.0,
        le=1.0,
        description="When the texts of those groups are this similar or more (median estimated Jaccard of word "
        "shingles), one writer wrote them: the identifier is a group's, not a hub.",
    )
    duo_together: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="A phone shared by exactly two names is a duo (a pair, not a network) when the days the two "
        "are online overlap at least this much (Jaccard of their days) in at most two cities.",
    )
    link_min_strength: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Links weaker than this are stored as evidence but do not join ads into a network.",
    )
    min_network_people: int = Field(
        default=2,
        ge=1,
        description="A linked group becomes a network only with at least this many distinct people (names).",
    )
    photo_probe_radius: int = Field(
        default=1,
        ge=0,
        le=3,
        description="Bits probed per 16-bit band when looking for similar photos (higher: slower, finds more).",
    )
    text_num_perm: int = Field(default=128, ge=16, le=512, description="MinHash permutations per ad text.")
    text_shingle_words: int = Field(default=3, ge=1, le=8, description="Words per text shingle.")
    movement_min_cities: int = Field(
        default=3,
        ge=2,
        description="Groups that stayed in at least this many same cities on the same days are joined.",
    )


class ModelSettings(_Section):
    path: str = Field(default="models/bootstrap.skops", description="Model file used for scoring.")
    rules_only: bool = Field(
        default=False,
        description="Score with the indicator rules only, without a model. Off: a model.path that names no "
        "file stops the score and the scan (exit 8), so a typo never silently changes what scores mean.",
    )
    trusted_types: list[str] = Field(default_factory=list, description="Extra skops types to trust on load.")
    min_training_labels: int = Field(
        default=500,
        ge=0,
        description="A model trained on fewer labelled ads than this is shown with a warning wherever its "
        "score appears, and by every scan (0: no such warning; a synthetic model is always warned about).",
    )
    sensitive_features: dict[str, str] = Field(
        default_factory=dict,
        description="Sensitive word lists (nationality, nationalities, countries, languages) the model may read "
        "when trained, and `language` for the ad's language as a feature, each with the recorded reason. "
        "Empty: their words are masked and the language is no feature.",
    )


class FairnessSettings(_Section):
    max_rate_ratio: float = Field(
        default=1.25,
        gt=1.0,
        description="Warn when a group's flag or false-positive rate is more than this many times that of the "
        "other ads (ad language, site, region).",
    )
    min_group_ads: int = Field(
        default=30,
        ge=1,
        description="Groups (and the rest they are compared with) need at least this many ads to be compared.",
    )


class ScoreSettings(_Section):
    flag_threshold: float = Field(default=50.0, ge=0.0, le=100.0, description="Risk score at which an ad is flagged.")
    rule_share: float = Field(default=0.5, ge=0.0, le=1.0, description="Weight of the rules in the risk score.")
    rule_scale: float = Field(
        default=12.0,
        gt=0.0,
        description="Summed rule weight at which the rule part of a score reaches 63% (see docs/model.md).",
    )
    review_budget: int = Field(
        default=50, ge=1, description="Ads an investigator can review per round: k of the precision at k."
    )


class RetentionSettings(_Section):
    unflagged_days: int = Field(default=30, ge=1, description="Ads never flagged are purged after this many days.")
    flagged_days: int = Field(default=365, ge=1, description="Flagged ads without a review are purged after this.")
    unresolved_place_days: int = Field(
        default=3,
        ge=1,
        description="An ad whose place cannot be resolved is held (not linked, scored or reported) and purged "
        "when it is still unresolved this many days after the hold began.",
    )
    purge_after_scan: bool = Field(default=True, description="Run the purge at the end of every scan.")
    redact_benign_reviews: bool = Field(
        default=True,
        description="When an ad reviewed benign is purged, its reviews keep label, reviewer, time, scores and "
        "rule ids but lose the ad's text, phones, URL and the note (a legal worker's ad is not kept for ever; "
        "see docs/deploy.md).",
    )


class PrivacySettings(_Section):
    controller: str = Field(default="", description="The organisation responsible for the processing.")
    purpose: str = Field(default="", description="Why ads are processed (recorded in the audit log).")
    legal_basis: str = Field(default="", description="The legal basis of the processing.")
    dpia_reference: str = Field(default="", description="Reference of the data protection impact assessment.")
    require_legal_basis: bool = Field(
        default=True,
        description="Refuse to collect ads until controller, purpose, legal basis and DPIA are set.",
    )


class ReportSettings(_Section):
    min_score: float = Field(default=0.0, ge=0.0, le=100.0, description="Default --min-score of reports.")
    snippet_chars: int = Field(default=60, ge=10, le=400, description="Context characters around evidence.")


class MonitoringSettings(_Section):
    textfile: str = Field(
        default="",
        description="Prometheus metrics file written after every scan, for node-exporter's textfile collector "
        "(e.g. /var/lib/prometheus/node-exporter/scanner.prom); empty writes none.",
    )
    progress_interval: float = Field(
        default=60.0,
        ge=1.0,
        le=3600.0,
        description="Seconds between progress log lines when a scan runs without a terminal (cron, systemd).",
    )


NotifyEvent = Literal["source_failed", "source_degraded", "scan_interrupted", "possible_minor", "watchlist_hit"]
DEFAULT_NOTIFY_EVENTS: tuple[NotifyEvent, ...] = (
    "source_failed",
    "scan_interrupted",
    "possible_minor",
    "watchlist_hit",
)


class NotifySettings(_Section):
    events: list[NotifyEvent] = Field(
        default_factory=lambda: list(DEFAULT_NOTIFY_EVENTS),
        description="What sends a message: source_failed, scan_interrupted, possible_minor, watchlist_hit, and "
        "source_degraded (off by default: a degraded source is in the report and the metrics).",
    )
    email_to: list[str] = Field(default_factory=list, description="Addresses that get the message; empty sends none.")
    email_from: str = Field(default="scanner@localhost", description="Sender address of the messages.")
    smtp_host: str = Field(default="localhost", description="SMTP server that delivers the messages.")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Its port (587 for starttls, 465 for tls).")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="none", description="none (a local mail server), starttls, or tls (implicit TLS)."
    )
    smtp_user: str = Field(default="", description="Login name on the SMTP server; empty sends without login.")
    smtp_password: str = Field(default="", description="Password of smtp_user.", json_schema_extra={"secret": True})
    smtp_timeout: float = Field(default=20.0, gt=0.0, le=300.0, description="Seconds to wait for the SMTP server.")
    command: list[str] = Field(
        default_factory=list,
        description='A program and its arguments, run with the message as JSON on stdin (e.g. ["/usr/local/bin/'
        'notify-team"]); no shell. Empty runs none.',
    )
    command_timeout: float = Field(default=30.0, gt=0.0, le=600.0, description="Seconds the command may take.")
    link_base: str = Field(
        default="",
        description="Base URL of your scanner web pages; messages then link to {link_base}/ads/ID. Empty: the "
        "messages name the scanner command to run instead.",
    )


class Settings(_Section):
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    paths: PathSettings = Field(default_factory=PathSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    municipality: MunicipalitySettings = Field(default_factory=MunicipalitySettings)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    linking: LinkingSettings = Field(default_factory=LinkingSettings)
    model: ModelSettings = Field(default_factory=ModelSettings)
    score: ScoreSettings = Field(default_factory=ScoreSettings)
    fairness: FairnessSettings = Field(default_factory=FairnessSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    monitoring: MonitoringSettings = Field(default_factory=MonitoringSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)

    @property
    def data_dir(self) -> Path:
        return Path(self.paths.data_dir) if self.paths.data_dir else default_data_dir()

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.data_dir / 'scanner.db'}"

    @property
    def user_agent(self) -> str:
        return self.crawl.user_agent.replace("{contact_url}", self.crawl.contact_url)


SECTIONS: dict[str, type[_Section]] = {
    name: info.annotation  # type: ignore[misc]
    for name, info in Settings.model_fields.items()
}


def all_keys() -> list[str]:
    """Every setting as `section.key`, in documentation order."""
    return [f"{section}.{key}" for section, model in SECTIONS.items() for key in model.model_fields]


def env_name(key: str) -> str:
    return ENV_PREFIX + key.replace(".", "_").upper()


def is_secret(key: str) -> bool:
    section, name = key.split(".", 1)
    extra = SECTIONS[section].model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("secret"))


@dataclass
class LoadedSettings:
    """The effective settings and, per key, the layer and place it came from."""

    settings: Settings
    origins: dict[str, tuple[Layer, str]] = field(default_factory=dict)

    def value(self, key: str) -> Any:
        section, name = key.split(".", 1)
        return getattr(getattr(self.settings, section), name)


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(options)}"


def _check_key(key: str, where: str) -> None:
    if "." not in key:
        raise ConfigError(
            f"'{key}' is not a setting",
            context=where,
            hint=f"write section.key; {_suggest(key, list(SECTIONS))}",
        )
    section, name = key.split(".", 1)
    if section not in SECTIONS:
        raise ConfigError(f"unknown section '{section}'", context=where, hint=_suggest(section, list(SECTIONS)))
    if name not in SECTIONS[section].model_fields:
        raise ConfigError(
            f"unknown setting '{key}'",
            context=where,
            hint=_suggest(name, list(SECTIONS[section].model_fields)),
        )


def _parse_text_value(key: str, raw: str) -> Any:
    """Environment and `--set` values are text; lists and tables are JSON."""
    section, name = key.split(".", 1)
    annotation = str(SECTIONS[section].model_fields[name].annotation)
    if annotation.startswith(("list", "dict")):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            if annotation.startswith("list"):
                return [part.strip() for part in raw.split(",") if part.strip()]
            raise
    return raw


def _read_file(path: Path) -> dict[str, Any]:
    """The TOML tables of the config file; UTF-8 with or without a byte-order mark, anything else named."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("config file not found", context=str(path), hint="check --config or SCANNER_CONFIG") from None
    except OSError as exc:
        raise ConfigError(
            f"cannot read the config file: {exc.strerror}", context=str(path), hint="check the path and its permissions"
        ) from None
    try:
        text = decode_utf8(raw)
    except NotUTF8 as exc:
        raise ConfigError(
            exc.message, context=f"{path}:{exc.line}:{exc.column}", hint=f"TOML files are UTF-8: {exc.hint}"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", context=str(path), hint="fix the syntax at that line") from None
    except RecursionError:
        raise ConfigError(
            "not valid TOML: arrays or tables nested too deeply", context=str(path), hint="flatten the nesting"
        ) from None


def _flatten_file(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(
                f"'{section}' must be a table such as [{section}]",
                context=str(path),
                hint=f"write [section] headers; {_suggest(section, list(SECTIONS))}",
            )
        for name, value in table.items():
            key = f"{section}.{name}"
            _check_key(key, str(path))
            flat[key] = value
    return flat


def config_path(explicit: str | None, environ: Mapping[str, str]) -> Path | None:
    if explicit:
        return Path(explicit)
    if from_env := environ.get("SCANNER_CONFIG"):
        return Path(from_env)
    local = Path("scanner.toml")
    return local if local.exists() else None


def load_settings(
    config: str | None = None,
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> LoadedSettings:
    """Build the effective settings from defaults < file < environment < command line."""
    environ = os.environ if environ is None else environ
    layers: list[tuple[Layer, str, dict[str, Any]]] = []

    path = config_path(config, environ)
    if path is not None:
        layers.append(("file", str(path), _flatten_file(_read_file(path), path)))

    known_env = {env_name(key): key for key in all_keys()}
    from_env: dict[str, Any] = {}
    for variable, raw in environ.items():
        if not variable.startswith(ENV_PREFIX) or variable in {"SCANNER_CONFIG", "SCANNER_DATA_DIR"}:
            continue
        if variable.startswith("SCANNER_TEST_"):
            continue
        key = known_env.get(variable)
        if key is None:
            raise ConfigError(
                f"unknown environment variable {variable}",
                context="environment",
                hint=_suggest(variable, list(known_env)),
            )
        try:
            from_env[key] = _parse_text_value(key, raw)
        except json.JSONDecodeError:
            raise ConfigError(
                f"{variable} is not valid JSON", context="environment", hint='write lists as ["a", "b"]'
            ) from None
    if from_env:
        layers.append(("env", "environment", from_env))

    if cli:
        parsed: dict[str, Any] = {}
        for key, raw in cli.items():
            _check_key(key, "command line")
            parsed[key] = _parse_text_value(key, raw) if isinstance(raw, str) else raw
        layers.append(("cli", "command line", parsed))

    settings = Settings()
    origins: dict[str, tuple[Layer, str]] = {key: ("default", "default") for key in all_keys()}
    for layer, where, values in layers:
        for key, value in values.items():
            section, name = key.split(".", 1)
            try:
                setattr(getattr(settings, section), name, value)
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"]
                variable = f" ({env_name(key)})" if layer == "env" else ""
                raise ConfigError(
                    f"bad value for {key}{variable}: {problem}",
                    context=where,
                    hint=_describe(key),
                ) from None
            origins[key] = (layer, where)
    return LoadedSettings(settings=settings, origins=origins)


def _describe(key: str) -> str:
    section, name = key.split(".", 1)
    info = SECTIONS[section].model_fields[name]
    default = info.get_default(call_default_factory=True)
    return f"{key}: {info.description or ''} (default {default!r})"


def mask(key: str, value: Any) -> Any:
    """Hide secrets: whole values for secret keys, and passwords inside URLs."""
    if isinstance(value, str) and "://" in value and "@" in value:
        scheme, rest = value.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        if ":" in credentials:
            user = credentials.split(":", 1)[0]
            return f"{scheme}://{user}:***@{host}"
        return value
    if is_secret(key) and value and not (isinstance(value, str) and "://" in value):
        return "***"
    return value


def describe_all() -> list[tuple[str, str, Any, str]]:
    """(key, environment variable, default, description) for documentation and tests."""
    rows = []
    for key in all_keys():
        section, name = key.split(".", 1)
        info = SECTIONS[section].model_fields[name]
        rows.append((key, env_name(key), info.get_default(call_default_factory=True), info.description or ""))
    return rows
