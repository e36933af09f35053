"""The database tables, as SQLAlchemy 2.0 typed models.

Tables follow the data flow (see docs/architecture.md):

    sources ─< ads ─< ad_versions           what was collected, one version per distinct content
    scan_runs ─< sightings >─ ads           an ad seen in a run, on which listing, in which city
    scan_runs ─< frontier                   URLs of a run still to fetch (resume after a crash)
    http_cache                              validators and hashes of fetched pages (incremental)
    photos ─< ad_photos >─ ads              photo hashes (bytes only if configured)
    identifiers ─< ad_identifiers >─ ads    phones (E.164), emails, handles, licence numbers
    links (ad, ad, kind)                    shared phone / photo / text between two ads
    identity_judgements                     per shared phone, photo, ...: person, business, duo or hub, and why
    networks ─< network_members >─ ads      connected groups of linked ads: networks, business groups, duos
    link_state                              per ad, the inputs last linked (incremental linking)
    indicator_hits                          a rule that fired, with its evidence
    rule_evaluations                        per ad, the rule set and version last evaluated
    assessments                             scores per ad or network, with model and rule versions
    reviews, watchlist_entries              what investigators decided and follow
    audit_log                               append-only, hash-chained record of who did what with personal data

Every change to these models needs a new Alembic revision (`alembic revision --autogenerate`); a
revision that has landed is never edited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IntPK = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
Timestamp = Annotated[datetime, mapped_column(DateTime(timezone=False))]
Json = Annotated[Any, mapped_column(JSON)]
Name = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[IntPK]
    name: Mapped[Name] = mapped_column(unique=True)
    base_url: Mapped[str] = mapped_column(String(500))
    config_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[Timestamp]
    # The removal guard's baseline: how many stored ads the listings showed at the last complete crawl.
    listed_ads: Mapped[int | None]
    listed_run_id: Mapped[int | None]
    listed_at: Mapped[datetime | None]


class ScanRun(Base):
    __tablename__ = "scan_runs"
    id: Mapped[IntPK]
    kind: Mapped[str] = mapped_column(String(20))  # scan | crawl | link | score
    status: Mapped[str] = mapped_column(String(20), index=True)  # running | completed | failed | interrupted
    # The crawl's verdict, worst over its sources: ok | degraded | failed (null until the crawl ends).
    health: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[Timestamp]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    resumed_from_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id"))
    simulated_day: Mapped[int | None]
    ruleset_hash: Mapped[str | None] = mapped_column(String(64))
    model_version: Mapped[str | None] = mapped_column(String(100))
    stats: Mapped[Json] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int | None]


class Ad(Base):
    __tablename__ = "ads"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)
    id: Mapped[IntPK]
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    first_seen_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]
    removed_at: Mapped[datetime | None]
    # Different days the ad was missing from its source's complete listings, and the last such day.
    missing_days: Mapped[int] = mapped_column(default=0)
    missing_on: Mapped[date | None]
    city: Mapped[str | None] = mapped_column(String(200), index=True)  # the municipality, resolved
    # Set while the ad's place could not be resolved: not scored or reported until it is, purged if it stays so.
    place_held_since: Mapped[datetime | None] = mapped_column(index=True)
    # The newest version's id; not a foreign key, so ads and ad_versions do not depend on each other.
    current_version_id: Mapped[int | None]

    source: Mapped[Source] = relationship()
    versions: Mapped[list[AdVersion]] = relationship(
        back_populates="ad", foreign_keys="AdVersion.ad_id", order_by="AdVersion.id"
    )


class AdVersion(Base):
    __tablename__ = "ad_versions"
    __table_args__ = (UniqueConstraint("ad_id", "content_hash"),)
    id: Mapped[IntPK]
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), index=True)
    scan_run_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[Timestamp]
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[Json] = mapped_column(default=dict)  # labelled fields read by the source's selectors
    features: Mapped[Json | None]  # scanner.extract output, JSON shape of `scanner extract`
    extractor_version: Mapped[str | None] = mapped_column(String(40))

    ad: Mapped[Ad] = relationship(back_populates="versions", foreign_keys=[ad_id])


class Sighting(Base):
    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("ad_id", "scan_run_id"),)
    id: Mapped[IntPK]
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), index=True)
    scan_run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id"), index=True)
    seen_at: Mapped[Timestamp]
    listing_url: Mapped[str] = mapped_column(String(1000), default="")
    city: Mapped[str | None] = mapped_column(String(200))


class FrontierEntry(Base):
    __tablename__ = "frontier"
    __table_args__ = (UniqueConstraint("scan_run_id", "url"),)
    id: Mapped[IntPK]
    scan_run_id: Mapped[int] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20))  # listing | ad | photo | json
    # pending | done | failed | gone (an ad page that answered 404 or 410)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    meta: Mapped[Json] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    error_class: Mapped[str | None] = mapped_column(String(30))  # scanner.crawl.health.CLASSES
    discovered_at: Mapped[Timestamp]
    done_at: Mapped[datetime | None]


class HttpCacheEntry(Base):
    __tablename__ = "http_cache"
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int | None]
    fetched_at: Mapped[Timestamp]
    # What the crawler read from the page last time (a listing's ad links), reused on 304 Not Modified.
    meta: Mapped[Json | None]


class Photo(Base):
    __tablename__ = "photos"
    id: Mapped[IntPK]
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    phash: Mapped[str | None] = mapped_column(String(16), index=True)
    dhash: Mapped[str | None] = mapped_column(String(16))
    phash_mirror: Mapped[str | None] = mapped_column(String(16))
    width: Mapped[int | None]
    height: Mapped[int | None]
    fetched_at: Mapped[Timestamp]
    error: Mapped[str | None] = mapped_column(Text)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)


class AdPhoto(Base):
    __tablename__ = "ad_photos"
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True, index=True)
    first_seen_at: Mapped[Timestamp]


class Identifier(Base):
    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("kind", "value"),)
    id: Mapped[IntPK]
    kind: Mapped[str] = mapped_column(String(20))  # phone | email | handle | license
    value: Mapped[str] = mapped_column(String(300))  # phone: E.164; handle: "kind:value"
    created_at: Mapped[Timestamp]


class AdIdentifier(Base):
    __tablename__ = "ad_identifiers"
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    identifier_id: Mapped[int] = mapped_column(
        ForeignKey("identifiers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    found_in: Mapped[str] = mapped_column(String(20), default="text")  # text | field | link
    obscurity: Mapped[int] = mapped_column(default=0)
    first_seen_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]


class Link(Base):
    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("ad_a_id", "ad_b_id", "kind"),)
    id: Mapped[IntPK]
    ad_a_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), index=True)
    ad_b_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # phone | email | handle | photo | text | movement
    strength: Mapped[float] = mapped_column(Float)
    evidence: Mapped[Json] = mapped_column(default=dict)
    created_at: Mapped[Timestamp]


class Network(Base):
    """A connected group of linked ads. Only `kind == "network"` is a network for rules, scores and reports;
    business groups (B-...) and duo pairs (D-...) are shown as such (see `live_networks`)."""

    __tablename__ = "networks"
    id: Mapped[IntPK]
    label: Mapped[str] = mapped_column(String(40), unique=True)  # stable public id, e.g. N-000123
    kind: Mapped[str] = mapped_column(String(20), default="network", server_default="network", index=True)
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    dissolved_at: Mapped[datetime | None]
    summary: Mapped[Json] = mapped_column(default=dict)  # distinct phones, names, cities, template, movement


def live_networks() -> ColumnElement[bool]:
    """Groups that are networks and still stand: what the rules, scores and reports read as networks."""
    return and_(Network.dissolved_at.is_(None), Network.kind == "network")


class IdentityJudgement(Base):
    """What the linker decided about one shared identifier or picture, and why (scanner.link.identity)."""

    __tablename__ = "identity_judgements"
    __table_args__ = (UniqueConstraint("kind", "value"),)
    id: Mapped[IntPK]
    kind: Mapped[str] = mapped_column(String(20))  # phone | email | handle | license | photo
    value: Mapped[str] = mapped_column(String(300))  # E.164, address, handle, licence, or a photo's pHash
    verdict: Mapped[str] = mapped_column(String(20), index=True)  # person | business | duo | hub
    reason: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[Json] = mapped_column(default=dict)  # ads, names, groups, line, ... and the ad ids
    decided_at: Mapped[Timestamp]


class LinkState(Base):
    """What the linker last saw of an ad (a fingerprint of its linking inputs) and its text signature.

    Lets a nightly run recompute only the MinHash signatures of new and changed ads.
    """

    __tablename__ = "link_state"
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[Timestamp]


class NetworkMember(Base):
    __tablename__ = "network_members"
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[Timestamp]


class IndicatorHit(Base):
    __tablename__ = "indicator_hits"
    __table_args__ = (Index("ix_indicator_hits_ad_run", "ad_id", "scan_run_id"),)
    id: Mapped[IntPK]
    ad_id: Mapped[int | None] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    ad_version_id: Mapped[int | None] = mapped_column(ForeignKey("ad_versions.id", ondelete="CASCADE"))
    scan_run_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id"))
    rule_id: Mapped[str] = mapped_column(String(100), index=True)
    rule_version: Mapped[int]
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(30))  # trafficking | licensing | underage
    weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[Json] = mapped_column(default=list)  # [{"start", "end", "text", "field"}]
    created_at: Mapped[Timestamp]


class RuleEvaluation(Base):
    """Which version of an ad the per-ad rules last saw, under which rule-set hash (for incremental runs)."""

    __tablename__ = "rule_evaluations"
    ad_id: Mapped[int] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True)
    ad_version_id: Mapped[int] = mapped_column(ForeignKey("ad_versions.id", ondelete="CASCADE"))
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    evaluated_at: Mapped[Timestamp]
    # What the evaluation compared the ad with ({"prices": {area, count, percentiles}}), so that
    # `scanner rules explain` judges the ad with the same statistics; empty when no rule needed any.
    statistics: Mapped[Json | None]


class Assessment(Base):
    __tablename__ = "assessments"
    id: Mapped[IntPK]
    ad_id: Mapped[int | None] = mapped_column(ForeignKey("ads.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    scan_run_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id"), index=True)
    created_at: Mapped[Timestamp]
    risk_score: Mapped[float] = mapped_column(Float)
    licensing_score: Mapped[float] = mapped_column(Float)
    underage: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    model_version: Mapped[str | None] = mapped_column(String(100))
    model_probability: Mapped[float | None] = mapped_column(Float)
    ruleset_hash: Mapped[str | None] = mapped_column(String(64))
    explanation: Mapped[Json] = mapped_column(default=dict)


class Review(Base):
    __tablename__ = "reviews"
    id: Mapped[IntPK]
    ad_id: Mapped[int | None] = mapped_column(ForeignKey("ads.id", ondelete="SET NULL"), index=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]
    # A copy of what the label is about, so reviews survive a purge of the ad and still train the model.
    snapshot: Mapped[Json] = mapped_column(default=dict)


class WatchlistEntry(Base):
    __tablename__ = "watchlist_entries"
    id: Mapped[IntPK]
    kind: Mapped[str] = mapped_column(String(20))  # phone | network | text
    value: Mapped[str] = mapped_column(String(500))  # normalised: E.164, network label, lowercase text
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[Timestamp]
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditEntry(Base):
    """Append-only (the migration adds triggers that refuse UPDATE and DELETE) and hash-chained.

    `prev_hash` is the `entry_hash` of the entry before (zeros for the first); `entry_hash` covers it
    and this entry's fields, so a changed, deleted or inserted entry breaks the chain
    (scanner.db.auditchain). Write entries only through `scanner.db.audit.record`.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[Timestamp]
    actor: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))  # read | export | change | purge | collect | schema
    purpose: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[Json] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


# The same triggers as migration 0002, for databases built straight from the models (tests).
APPEND_ONLY_MESSAGE = "audit_log is append-only"
for _event in ("UPDATE", "DELETE"):
    event.listen(
        AuditEntry.__table__,
        "after_create",
        DDL(  # type: ignore[no-untyped-call]
            f"CREATE TRIGGER audit_log_no_{_event.lower()} BEFORE {_event} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        ).execute_if(dialect="sqlite"),
    )
event.listen(
    AuditEntry.__table__,
    "after_create",
    DDL(  # type: ignore[no-untyped-call]
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$ LANGUAGE plpgsql"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    AuditEntry.__table__,
    "after_create",
    DDL(  # type: ignore[no-untyped-call]
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    ).execute_if(dialect="postgresql"),
)
