"""Site description files (`sources/<name>.yaml`): their schema, loading and validation.

An operator adds a site by writing one YAML file; no Python is needed unless the site is so unusual
that it names an adapter class instead of selectors. Every problem in a file is reported at
`file:line:column` with a fix, all problems of a file at once (`SourceError`). String values may use
`${ENV_VAR}`; an unset variable is an error at the line that uses it.

Selectors are CSS, written either as a string (`"h1.title"`, text of the first match, or
`"img.photo @src"`, an attribute, `"img @data-src|src"`, the first attribute the element has) or as
a mapping with `css`, `label`, `attribute`, `regex`, `all` and `required`. `label: Leeftijd` reads
the value the page shows beside that label (`labels.py`). `ad.follow` fetches values that sit behind
a link of the ad page, such as a phone number behind "show number" (`follow.py`). See
docs/sources.md for a complete example.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scanner.errors import SourceError
from scanner.settings import region_problem
from scanner.yamlfile import LocatedYAML, PathKey, Problem, YAMLSyntaxError, load_yaml, locate_validation_error

_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SHORT_SELECTOR = re.compile(r"^(?P<css>.*?)\s*@(?P<attribute>[A-Za-z_][\w:-]*(?:\|[A-Za-z_][\w:-]*)*)$")
# Where lazy-loading pages keep a photo's real address, in the order they are tried; `src` last, as it
# often holds a placeholder until a script swaps the image in.
LAZY_IMAGE_ATTRIBUTES = ("data-src", "data-lazy-src", "srcset", "src")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selector(_Strict):
    """Where one value is on a page: CSS and/or the label beside it, the attribute to read (text when
    empty; a list: the first one the element has), a regex."""

    css: str | None = Field(
        default=None, min_length=1, description="CSS of the element (with label: where to look for the label)."
    )
    label: list[str] | None = Field(
        default=None,
        description="The value shown beside this label (or one of these): dt/dd, th/td, 'Label: value'.",
    )
    attribute: str | list[str] | None = Field(
        default=None, description="Attribute to read instead of the text; a list: the first one present."
    )
    regex: str | None = None
    all: bool = False
    required: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _SHORT_SELECTOR.match(value.strip())
            if match and match.group("css").count("[") == match.group("css").count("]"):
                names = match.group("attribute").split("|")
                return {"css": match.group("css") or "*", "attribute": names[0] if len(names) == 1 else names}
            return {"css": value.strip()}
        if isinstance(value, dict) and isinstance(value.get("label"), str):
            return {**value, "label": [value["label"]]}
        return value

    @model_validator(mode="after")
    def _css_or_label(self) -> Selector:
        if self.css is None and not self.label:
            raise ValueError("give css (where the value is) or label (the word shown beside it)")
        if self.label is not None and not all(text.strip() for text in self.label):
            raise ValueError("a label is the word shown beside the value, e.g. label: Leeftijd")
        if isinstance(self.attribute, list) and not self.attribute:
            raise ValueError("attribute: give at least one attribute name")
        return self

    @property
    def attributes(self) -> tuple[str, ...]:
        """The attributes to try in order; empty: read the text."""
        if self.attribute is None:
            return ()
        return (self.attribute,) if isinstance(self.attribute, str) else tuple(self.attribute)

    def describe(self) -> str:
        """The selector as a source author wrote it, for messages: `dd.leeftijd`, `label 'Leeftijd'`."""
        parts = []
        if self.label:
            parts.append("label " + " or ".join(f"'{text}'" for text in self.label))
        if self.css is not None:
            parts.append(f"in {self.css}" if self.label else self.css)
        text = " ".join(parts)
        return text + (f" @{'|'.join(self.attributes)}" if self.attributes else "")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from None
        return value

    @field_validator("css")
    @classmethod
    def _css_parses(cls, value: str | None) -> str | None:
        from selectolax.lexbor import LexborHTMLParser

        if value is None:
            return value
        try:
            LexborHTMLParser("<p></p>").css(value)
        except Exception as exc:  # selectolax raises plain ValueError/SelectolaxError on bad CSS
            raise ValueError(f"not a valid CSS selector: {exc}") from None
        return value


class StartURL(_Strict):
    url: str
    city: str | None = Field(default=None, description="City (or region) this listing covers, for sightings.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"url": value} if isinstance(value, str) else value


class GateRequest(_Strict):
    url: str
    method: Literal["GET", "POST"] = "POST"
    form: dict[str, str] = Field(default_factory=dict)


class Gate(_Strict):
    """How to pass an age or consent gate: cookies to send, and/or a request to make once per run."""

    cookies: dict[str, str] = Field(default_factory=dict)
    request: GateRequest | None = None
    detect: str | None = Field(default=None, description="CSS that matches only on the gate page itself.")


class JsonListing(_Strict):
    """A listing served as JSON: dotted paths into the document (`data.items`, `links.next`)."""

    items_path: str
    url_key: str = "url"
    id_key: str | None = None
    marker_key: str | None = None
    next_path: str | None = None


class Listing(_Strict):
    ad_links: Selector | None = None
    next_page: Selector | None = None
    marker: Selector | None = Field(
        default=None,
        description="Per ad link, read inside the link's element: a value that changes when the ad changes "
        "(e.g. an update date). Known ads whose marker is unchanged are not fetched again.",
    )
    json_listing: JsonListing | None = Field(default=None, alias="json")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_way(self) -> Listing:
        if self.json_listing is None and self.ad_links is None:
            raise ValueError("give ad_links (a CSS selector for links to ads) or json (a JSON endpoint)")
        if self.json_listing is not None and (self.ad_links or self.next_page):
            raise ValueError("use either json or the CSS selectors ad_links/next_page, not both")
        if any(link is not None and link.css is None for link in (self.ad_links, self.next_page)):
            raise ValueError("ad_links and next_page are links: find them with css, not with a label")
        return self


AD_FIELDS = ("external_id", "title", "text", "city", "age", "phone", "posted", "photos", "license")
REQUIRED_AD_FIELDS = frozenset({"title", "text"})
NOT_FOLLOWED = frozenset({"external_id", "title", "text", "photos"})


class Follow(_Strict):
    """A value behind a link of the ad page (a phone behind "show number"): one more request per ad."""

    link: Selector = Field(
        description="The link on the ad page: a selector giving its URL (default: href, data-url, data-href)."
    )
    value: Selector | None = Field(default=None, description="Where the value is on the linked page (HTML).")
    json_path: str | None = Field(
        default=None, alias="json", description="Dotted path to the value when the link answers JSON."
    )
    regex: str | None = Field(default=None, description="Keep what this finds in the value (group 1 if any).")
    method: Literal["GET", "POST"] = "GET"
    required: bool = Field(
        default=False, description="true: an ad whose value cannot be fetched is an error; false: stored without it."
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_reader(self) -> Follow:
        if self.value is not None and self.json_path is not None:
            raise ValueError("give value (a selector on an HTML page) or json (a path in a JSON answer), not both")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from None
        return self


class AdSelectors(_Strict):
    external_id_pattern: str | None = Field(
        default=None, description="Regex on the ad URL whose group 1 is the site's id of the ad."
    )
    external_id: Selector | None = None
    title: Selector
    text: Selector
    city: Selector | None = None
    age: Selector | None = None
    phone: Selector | None = None
    posted: Selector | None = None
    photos: Selector | None = None
    license: Selector | None = None
    fields: dict[str, Selector] = Field(default_factory=dict)
    follow: dict[str, Follow] = Field(
        default_factory=dict,
        description="Field name -> a value behind a link of the ad page, fetched with one more request.",
    )

    @field_validator("external_id_pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                compiled = re.compile(value)
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from None
            if compiled.groups < 1:
                raise ValueError("the pattern needs a group: (\\d+) around the id")
        return value

    @model_validator(mode="after")
    def _has_id(self) -> AdSelectors:
        if self.external_id is None and self.external_id_pattern is None:
            raise ValueError("give external_id (a selector) or external_id_pattern (a regex on the ad URL)")
        refused = sorted(NOT_FOLLOWED & set(self.follow))
        if refused:
            raise ValueError(f"follow: {', '.join(refused)} is read from the ad page itself, not behind a link")
        return self

    def photo_selector(self) -> Selector | None:
        """The photos selector; without an attribute it reads the lazy-loading attributes, then src."""
        if self.photos is None or self.photos.attribute is not None:
            return self.photos
        return self.photos.model_copy(update={"attribute": list(LAZY_IMAGE_ATTRIBUTES)})

    def is_required(self, name: str) -> bool:
        selector = self.selector(name)
        if selector is not None and selector.required is not None:
            return selector.required
        return name in REQUIRED_AD_FIELDS or (name == "external_id" and self.external_id_pattern is None)

    def selector(self, name: str) -> Selector | None:
        if name == "photos":
            return self.photo_selector()
        if name in AD_FIELDS:
            value = getattr(self, name)
            return value if isinstance(value, Selector) else None
        return self.fields.get(name)


class Politeness(_Strict):
    delay: float | None = Field(default=None, ge=0.0, le=600.0)
    per_host_concurrency: int | None = Field(default=None, ge=1, le=16)
    obey_robots: bool | None = None
    max_pages: int | None = Field(default=None, ge=1)


class SourceConfig(_Strict):
    """One site, as described in `sources/<name>.yaml`."""

    name: str
    base_url: str
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Hosts that may be fetched; default: base URL's."
    )
    allow_private_addresses: bool = Field(
        default=False, description="Allow hosts that resolve to private, loopback or link-local addresses."
    )
    start_urls: list[StartURL] = Field(min_length=1)
    gate: Gate | None = None
    listing: Listing | None = None
    ad: AdSelectors | None = None
    adapter: str | None = Field(default=None, description="module:Class of a Python adapter, instead of selectors.")
    politeness: Politeness = Field(default_factory=Politeness)
    region: list[str] | None = Field(default=None, description="Places to keep; default: municipality.region.")
    file: str = Field(default="", exclude=True)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use lowercase letters, digits, '-' and '_' (e.g. rozewereld)")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL, e.g. https://example.nl/")
        return value if value.endswith("/") else value + "/"

    @field_validator("region")
    @classmethod
    def _known_places(cls, names: list[str] | None) -> list[str] | None:
        problem = region_problem(names or [])
        if problem:
            raise ValueError(problem)
        return names

    @field_validator("adapter")
    @classmethod
    def _adapter(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[\w.]+:\w+$", value):
            raise ValueError("write it as package.module:ClassName")
        return value

    @model_validator(mode="after")
    def _selectors_or_adapter(self) -> SourceConfig:
        if self.adapter is None and (self.listing is None or self.ad is None):
            raise ValueError("give both listing and ad selectors, or an adapter class")
        return self

    @property
    def hosts(self) -> frozenset[str]:
        own = urlsplit(self.base_url).hostname or ""
        return frozenset(host.lower() for host in [*self.allowed_hosts, own])

    def absolute(self, url: str) -> str:
        return urljoin(self.base_url, url)

    @property
    def config_hash(self) -> str:
        data = self.model_dump(mode="json", by_alias=True)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _expand(data: Any, path: PathKey, problems: list[tuple[PathKey, str, str]]) -> Any:
    """Replace ${VAR} in strings; remember where an unset variable is used."""
    if isinstance(data, dict):
        return {key: _expand(value, (*path, key), problems) for key, value in data.items()}
    if isinstance(data, list):
        return [_expand(value, (*path, index), problems) for index, value in enumerate(data)]
    if isinstance(data, str):

        def replace(match: re.Match[str]) -> str:
            value = os.environ.get(match.group(1))
            if value is None:
                problems.append((path, match.group(1), match.group(0)))
                return match.group(0)
            return value

        return _ENV_REFERENCE.sub(replace, data)
    return data


def _problems_of(document: LocatedYAML) -> tuple[SourceConfig | None, list[Problem]]:
    file = str(document.path)
    if not isinstance(document.data, dict):
        return None, [Problem("S001", "a source file must be a mapping of keys", file, 1, 1, fix="start with 'name:'")]
    unset: list[tuple[PathKey, str, str]] = []
    data = _expand(document.data, (), unset)
    problems = []
    for path, variable, _text in unset:
        where = document.position(path)
        problems.append(
            Problem(
                "S002",
                f"environment variable {variable} is not set",
                file,
                where.line,
                where.column,
                document.snippet(where.line),
                fix=f"export {variable}=... before running, or write the value here",
            )
        )
    config: SourceConfig | None = None
    try:
        config = SourceConfig.model_validate({**data, "file": file})
    except ValidationError as exc:
        unset_lines = {problem.line for problem in problems}
        # a value left as ${VAR} fails validation too; the unset variable is the one problem to report there
        located = locate_validation_error(exc, document, SourceConfig, code_prefix="S1")
        problems.extend(problem for problem in located if problem.line not in unset_lines)
    if config is not None and document.path.stem != config.name:
        where = document.position(("name",))
        problems.append(
            Problem(
                "S003",
                f"name '{config.name}' differs from the file name '{document.path.stem}'",
                file,
                where.line,
                where.column,
                document.snippet(where.line),
                fix=f"rename the file to {config.name}.yaml or set name: {document.path.stem}",
            )
        )
    return (config if not problems else None), sorted(problems, key=lambda problem: (problem.line, problem.column))


def check_source_file(path: Path) -> tuple[SourceConfig | None, list[Problem]]:
    """Validate one file: the config when valid, and every problem found."""
    try:
        document = load_yaml(path)
    except YAMLSyntaxError as exc:
        return None, [exc.problem]
    except OSError as exc:
        return None, [Problem("S000", f"cannot read: {exc.strerror}", str(path), 1, 1, fix="check the path")]
    return _problems_of(document)


def _raise(problems: Sequence[Problem]) -> None:
    first = problems[0]
    details = "\n".join(str(problem) for problem in problems)
    raise SourceError(
        f"{first.message}" + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""),
        context=f"{first.file}:{first.line}:{first.column}",
        hint=first.fix + (f"\n{details}" if len(problems) > 1 else ""),
    )


def load_sources(directory: Path, names: list[str] | None = None) -> list[SourceConfig]:
    """All sources of `directory` (or the named ones), validated; any problem raises `SourceError`."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SourceError(
            "the sources folder does not exist", context=str(directory), hint="set paths.sources_dir to the folder"
        )
    files = sorted(directory.glob("*.yaml"))
    if names:
        available = {path.stem: path for path in files}
        missing = [name for name in names if name not in available]
        if missing:
            raise SourceError(
                f"no source named {', '.join(missing)}",
                context=str(directory),
                hint=f"known sources: {', '.join(sorted(available)) or 'none'}",
            )
        files = [available[name] for name in names]
    configs = []
    for path in files:
        config, problems = check_source_file(path)
        if problems:
            _raise(problems)
        assert config is not None
        configs.append(config)
    return configs
