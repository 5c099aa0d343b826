"""Settings shared by every service, read from the environment.

One variable, ``YUNGUAN_DATABASE_URL``, switches every service at once: a base naming a server,
``postgresql+asyncpg://user:pw@host:5432/?ssl=require``, gives each service its own database
``yunguan_<service>`` on it (the query options kept), while the default keeps SQLite files under
``data/``. ``YUNGUAN_<SERVICE>_DATABASE_URL`` (``YUNGUAN_KPI_DATABASE_URL``…) names one service's
database whole and wins over the base. A base that names a database is refused: every service would
share it, and with it one ``alembic_version`` table for four migration histories.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]

# Published in this repository, so only tests may use it (``allow_demo_secret``): demo mode
# generates a random secret per installation instead (see installation_secret).
DEMO_SERVICE_SECRET = "yunguan-demo-service-secret"
SECRET_FILE = "service-secret"

SERVICE_PORTS = {"gateway": 8000, "org": 8001, "planning": 8002, "kpi": 8003, "risk": 8004}


class ServiceSettings(BaseSettings):
    """Settings of one service; ``service`` names it and picks its defaults."""

    model_config = SettingsConfigDict(env_prefix="YUNGUAN_", extra="ignore")

    service: str = "org"
    # A server (no database in it): each service gets <prefix><service> there.
    database_url: str = ""
    # Database names on a server are <prefix><service> (yunguan_org, yunguan_planning, ...).
    database_prefix: str = "yunguan_"
    # One service's own database, whole (wins over database_url).
    org_database_url: str = ""
    planning_database_url: str = ""
    kpi_database_url: str = ""
    risk_database_url: str = ""
    # Each process's connection pool (PostgreSQL): replicas × services × (size + overflow) must stay
    # below the server's max_connections less its reserve (docs/operations.md).
    db_pool_size: int = 5
    db_max_overflow: int = 5
    db_pool_timeout: float = 30.0
    # Migrate the database at start (the embedded `make run`); off where a one-shot job runs
    # `python -m services.common.migrate upgrade <service>` before the replicas start (Kubernetes).
    run_migrations: bool = True
    # A new signing key is published (JWKS) this long before org signs with it, so every verifier's
    # cached JWKS holds it first: longer than jwks_cache_seconds plus org's key reload (60 s).
    key_activation_seconds: float = 600.0
    data_dir: Path = ROOT / "data"
    # Where uploaded files (evidence, attachments) are kept (services.common.files): empty for
    # <data_dir>/files/<service>, a folder for <folder>/<service>, or s3://bucket/prefix for an S3-compatible
    # bucket (objects under <prefix>/<service>/; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a
    # profile or the instance's role). The bucket stays private: the services serve the bytes themselves.
    file_store: str = ""
    # MinIO, Ceph and the like: their URL (https://minio.example:9000); empty for AWS itself.
    s3_endpoint_url: str = ""
    s3_region: str = ""
    # "path" for servers without virtual-host buckets (MinIO's default); "auto" lets boto3 choose.
    s3_addressing_style: str = "auto"
    # A virus scanner every uploaded file passes before it is kept, reading the file on standard input and
    # exiting 0 when it is clean (e.g. "clamdscan --no-summary -"); empty: no scan. A scanner that cannot be
    # run or does not answer within file_scan_timeout refuses the file (fail closed).
    file_scan_command: str = ""
    file_scan_timeout: float = 60.0
    # Attachments on records (plans, tasks, risks…): the largest file, and how many files one record holds.
    attachment_max_bytes: int = 20 * 1024 * 1024
    attachment_max_per_record: int = 50
    host: str = "127.0.0.1"
    port: int = 0
    # Token trust: issuer and audience every service checks; keys come from org's JWKS.
    token_issuer: str = "yunguan-org"
    token_audience: str = "yunguan"
    jwks_url: str = ""
    jwks_cache_seconds: int = 300
    # How often the list of revoked subjects (deactivated users, revoked clients) is fetched from org:
    # their tokens stop working within about this long.
    revocation_refresh_seconds: float = 15.0
    demo: bool = False
    log_level: str = "INFO"
    log_json: bool = True
    # Password hashing cost (argon2id); tests lower it, production keeps the library default.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # Hashes computed at once, and how long a sign-in waits for a turn before a 429.
    argon2_max_concurrent: int = 2
    argon2_queue_seconds: float = 2.0
    access_token_minutes: int = 15
    # How org writes grants into access tokens: 2 compact (services.common.authz.encode_grants), 1 one object per
    # grant. Every service reads both; during an upgrade from a release that reads only 1, org keeps 1 until the
    # other services run the new release.
    token_grants_version: int = 2
    refresh_token_days: int = 14
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    # Where each service answers (events are delivered there; the gateway routes there).
    org_url: str = f"http://127.0.0.1:{SERVICE_PORTS['org']}"
    planning_url: str = f"http://127.0.0.1:{SERVICE_PORTS['planning']}"
    kpi_url: str = f"http://127.0.0.1:{SERVICE_PORTS['kpi']}"
    risk_url: str = f"http://127.0.0.1:{SERVICE_PORTS['risk']}"
    # Events: the relay delivering this service's outbox, and how it retries.
    relay_enabled: bool = True
    relay_interval: float = 0.5
    relay_batch: int = 100
    relay_max_attempts: int = 8
    relay_backoff_base: float = 1.0
    relay_backoff_max: float = 300.0
    relay_timeout: float = 10.0
    webhook_allow_private_targets: bool = False
    # Periods data may be recorded for: this many years before today's year and after it
    # (services.common.periods.recordable); a measurement for 2451 is refused with 422.
    period_years_back: int = 10
    period_years_ahead: int = 2
    # Each service's audit chain head is signed by org this often (seconds; 0: never).
    audit_anchor_seconds: float = 300.0
    # /metrics answers only with "Authorization: Bearer <this>" (Prometheus' bearer_token);
    # unset, it is not served at all.
    metrics_token: str = ""
    # OpenTelemetry traces go to this OTLP/HTTP endpoint (a base URL, /v1/traces is added), unless the OTel
    # environment (OTEL_EXPORTER_OTLP_ENDPOINT…) says otherwise; neither set: tracing is off entirely.
    otlp_endpoint: str = ""
    # The company's time zone: "today" for due dates, overdue checks, reminders and digests
    # (services.common.clock); timestamps are stored in UTC whatever it is.
    business_timezone: str = "Asia/Shanghai"
    # Where people open the product: deep links in e-mails and group-robot messages start here.
    public_url: str = "http://localhost:8000"
    # Outgoing e-mail (org's notifications). No host: e-mail is not sent (in-app and robots still are).
    # security: starttls (587), tls (implicit, 465) or none (a relay on a trusted network only).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "Yunguan 运管 <noreply@localhost>"
    # A CA bundle to trust for the SMTP server's certificate (a company CA); empty: the system's.
    smtp_ca_file: str = ""
    smtp_timeout: float = 15.0
    # Notifications: how often due reminders, escalations and digests are looked for, and when
    # digests go out (business time zone).
    notify_scan_seconds: float = 60.0
    # Org's dispatcher of outgoing e-mail and robot messages runs in the background (polling every
    # second when idle); tests turn it off and run its rounds by hand.
    notify_dispatch_enabled: bool = True
    digest_hour: int = 8
    # The weekly operations meeting's weekday (0 Monday … 6 Sunday): its agenda goes out the working
    # day before.
    weekly_meeting_weekday: int = 0
    # Internal service clients authenticate to org with secrets derived from this one.
    service_secret: str = DEMO_SERVICE_SECRET

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> ServiceSettings:
        # Only the services sign in to one another; the gateway never uses the secret.
        uses_secret = self.service in ("org", "planning", "kpi", "risk")
        if uses_secret and self.service_secret == DEMO_SERVICE_SECRET and not self.allow_demo_secret:
            if not self.demo:
                raise ValueError("YUNGUAN_SERVICE_SECRET must be set outside demo mode (YUNGUAN_DEMO=1)")
            # Anyone can read the published default and derive every svc-* client secret from it;
            # a demo installation uses its own random secret, shared by its processes through
            # the data folder.
            self.service_secret = installation_secret(self.data_dir)
        return self

    allow_demo_secret: bool = False

    def service_url(self, service: str) -> str:
        url: str = getattr(self, f"{service}_url")
        return url.rstrip("/")

    @model_validator(mode="after")
    def _fill_defaults(self) -> ServiceSettings:
        if not self.port:
            self.port = SERVICE_PORTS.get(self.service, 8000)
        if not self.jwks_url:
            self.jwks_url = f"http://127.0.0.1:{SERVICE_PORTS['org']}/api/org/.well-known/jwks.json"
        return self

    @model_validator(mode="after")
    def _refuse_shared_database(self) -> ServiceSettings:
        if self.service in DATABASE_SERVICES and not getattr(self, f"{self.service}_database_url"):
            check_base_url(self.database_url)
        return self

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL of this service's own database."""
        own: str = getattr(self, f"{self.service}_database_url", "")
        return own or service_database_url(self.database_url, self.service, self.data_dir, self.database_prefix)

    def pool_options(self) -> dict[str, Any]:
        """The engine's pool settings (PostgreSQL; SQLite ignores them)."""
        return {"pool_size": self.db_pool_size, "max_overflow": self.db_max_overflow,
                "pool_timeout": self.db_pool_timeout}


# The services that own a database (the gateway has none).
DATABASE_SERVICES = ("org", "planning", "kpi", "risk")


class SharedDatabaseURL(ValueError):
    """YUNGUAN_DATABASE_URL names a database: every service would share it."""


def check_base_url(base: str) -> None:
    """Refuse a base URL that names a database (the services would share it and one alembic_version)."""
    if not base:
        return
    try:
        url = make_url(base)
    except Exception as exc:
        raise SharedDatabaseURL(
            f"YUNGUAN_DATABASE_URL 不是有效的数据库地址：{exc} / YUNGUAN_DATABASE_URL is not a database URL: {exc}"
        ) from exc
    if url.database:
        raise SharedDatabaseURL(
            f"YUNGUAN_DATABASE_URL 只能指明数据库服务器，不能指明数据库（此处为“{url.database}”）："
            f"各服务会共用一个数据库和一张 alembic_version 表。请去掉数据库名（如 postgresql+asyncpg://用户:密码@主机:5432/），每个服务将使用"
            f"自己的数据库 yunguan_<服务>；或用 YUNGUAN_<服务>_DATABASE_URL 分别指定。 / "
            f"YUNGUAN_DATABASE_URL must name a database server, not a database (it names \"{url.database}\"): every "
            f"service would share it and one alembic_version table. Leave the name out "
            f"(postgresql+asyncpg://user:pw@host:5432/) so each service uses its own yunguan_<service>, or name each "
            f"one with YUNGUAN_<SERVICE>_DATABASE_URL.")


def service_database_url(base: str, service: str, data_dir: Path, prefix: str = "yunguan_") -> str:
    """Derive one service's database URL from the deployment-wide base URL (a server): its database
    ``<prefix><service>`` there, with the base's query options (``?ssl=require``…) kept."""
    if not base or make_url(base).get_backend_name() == "sqlite":
        check_base_url(base)
        return f"sqlite+aiosqlite:///{Path(data_dir) / (service + '.db')}"
    check_base_url(base)
    return make_url(base).set(database=f"{prefix}{service}").render_as_string(hide_password=False)


def installation_secret(data_dir: Path) -> str:
    """This installation's service secret: read from ``<data_dir>/service-secret``, created
    (random, owner-only) on first use. Processes starting at once agree: the file appears
    whole through a hard link, which fails for everyone but the first."""
    path = Path(data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    value = path.read_text().strip()
    if len(value) < 32:
        raise ValueError(f"{path} holds no usable service secret; delete it to have a new one made")
    return value


def business_timezone() -> str:
    """The business time zone's name, from the environment (``YUNGUAN_BUSINESS_TIMEZONE``)."""
    return os.environ.get("YUNGUAN_BUSINESS_TIMEZONE") or "Asia/Shanghai"


def settings_for(service: str, **overrides: Any) -> ServiceSettings:
    return ServiceSettings(service=service, **overrides)
