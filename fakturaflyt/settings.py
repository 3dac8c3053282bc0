"""Django settings, read from the environment (12-factor).

The main variables are below; every variable, with a production value, is in
``deploy/env.example`` (a test checks that it names each one this file reads), and each block at
the end of this file (production hardening, security, privacy, retries) explains its own.

| variable | default | meaning |
|---|---|---|
| ``DATABASE_URL`` | ``sqlite:///<var>/fakturaflyt.sqlite3`` | PostgreSQL in production (``postgres://...``) |
| ``SECRET_KEY`` | generated once into ``var/secret_key`` | must be set in production |
| ``DEBUG`` | ``0`` | ``1`` for development tracebacks |
| ``ALLOWED_HOSTS`` | ``127.0.0.1,localhost`` | comma separated |
| ``FAKTURAFLYT_VAR`` | ``./var`` | local state: SQLite file, secret key, received files |
| ``MEDIA_ROOT`` | ``<var>/media`` | where received documents are stored as received |
| ``CELERY_BROKER_URL`` | unset | unset: tasks run in-process; ``redis://...``: Celery workers |
| ``EMAIL_HOST`` ... | unset | unset: mail is written to ``<var>/mail``; set: SMTP |
| ``FAKTURAFLYT_BASE_URL`` | ``http://127.0.0.1:8000`` | where users reach the web UI (links in approval reminders) |
| ``FAKTURAFLYT_CORPUS`` | ``../shared/corpus`` | reference data (standard accounts) when present |
| ``FAKTURAFLYT_INTAKE_DIR`` | ``<var>/intake`` | watched folders: ``<orgnr>/inbox``, ``<orgnr>/peppol`` |
| ``FAKTURAFLYT_MAIL_DOMAIN`` | unset | domain of the intake addresses ``faktura+<orgnr>@<domain>`` |
| ``FAKTURAFLYT_MAILDIR`` | unset | Maildir the mail server delivers intake mail into (polled every minute) |
| ``FAKTURAFLYT_IMAP_URL`` | unset | ``imaps://user:password@host/INBOX``: IMAP intake mailbox (polled every minute) |
| ``FAKTURAFLYT_CONFIDENCE_THRESHOLD`` | ``0.8`` | a field read with less confidence sends the document to review |
| ``FAKTURAFLYT_DUPLICATE_WINDOW_DAYS`` | ``3`` | same supplier and amount within this many days is a duplicate |
| ``FAKTURAFLYT_OCR_ENGINE`` | ``rapidocr`` | ``rapidocr`` or ``tesseract`` for scans |
| ``FAKTURAFLYT_PEPPOL_OUTBOX`` | ``<media>/peppol/outbox`` | outgoing EHF (+ sidecar JSON) for the Peppol access point; receipts in ``receipts/`` |
| ``FAKTURAFLYT_INVOICE_MAIL_FROM`` | unset | one From address for all invoice mails; unset: the company's own e-mail |
| ``FAKTURAFLYT_FETCH_EXCHANGE_RATES`` | off | ``1``: fetch Norges Bank's daily exchange rates on business days at 17:15 |
| ``FAKTURAFLYT_EXCHANGE_RATE_CURRENCIES`` | EUR,USD,GBP,SEK,DKK,CHF,JPY,PLN,CNY | the currencies fetched |
| ``EMAIL_TIMEOUT`` | ``60`` | seconds before an SMTP send counts as a temporary failure |
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FAKTURAFLYT_VAR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_celery_beat",
    "fakturaflyt.companies",
    "fakturaflyt.ledger",
    "fakturaflyt.payables",
    "fakturaflyt.coding",
    "fakturaflyt.purchasing",
    "fakturaflyt.approvals",
    "fakturaflyt.payments",
    "fakturaflyt.receivables",
    "fakturaflyt.billing",
    "fakturaflyt.distribution",
    "fakturaflyt.banking",
    "fakturaflyt.dunning",
    "fakturaflyt.cards",
    "fakturaflyt.dashboards",
    "fakturaflyt.integrations",
    "fakturaflyt.search",
    "fakturaflyt.monitoring",
    "fakturaflyt.security",
    "fakturaflyt.privacy",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "fakturaflyt.web",
]

MIDDLEWARE = [
    "fakturaflyt.monitoring.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fakturaflyt.companies.middleware.ActiveCompanyMiddleware",
    "fakturaflyt.payables.uploads_guard.UploadGuardMiddleware",
    "fakturaflyt.security.middleware.TwoFactorMiddleware",
    "fakturaflyt.privacy.middleware.AccessLogMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fakturaflyt.urls"
WSGI_APPLICATION = "fakturaflyt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fakturaflyt.companies.context_processors.active_company",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fakturaflyt.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two posters never read the
    # same next voucher number; WAL lets readers run while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "fakturaflyt" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it before collectstatic has run
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # when an upload is spooled to disk; not a limit
# Uploads: one file at most FAKTURAFLYT_MAX_UPLOAD_MB, one request body at most FAKTURAFLYT_MAX_REQUEST_MB
# (413 before the body is read; payables.uploads_guard). Raw-body API uploads are read into memory.
FAKTURAFLYT_MAX_UPLOAD_MB = float(os.environ.get("FAKTURAFLYT_MAX_UPLOAD_MB", "25"))
# unset: four times the file limit
FAKTURAFLYT_MAX_REQUEST_MB = (
    float(os.environ["FAKTURAFLYT_MAX_REQUEST_MB"]) if os.environ.get("FAKTURAFLYT_MAX_REQUEST_MB") else None
)
DATA_UPLOAD_MAX_MEMORY_SIZE = int(FAKTURAFLYT_MAX_UPLOAD_MB * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
# Secure cookies, HSTS and the other production settings: see the monitoring block at the end.
X_FRAME_OPTIONS = "DENY"

# E-mail: SMTP when EMAIL_HOST is set, otherwise files under var/mail (nothing leaves the machine).
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fakturaflyt@localhost")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
# Outgoing EHF for the Peppol access point; empty: MEDIA_ROOT/peppol/outbox
FAKTURAFLYT_PEPPOL_OUTBOX = os.environ.get("FAKTURAFLYT_PEPPOL_OUTBOX", "")
# One From address for all companies' invoice mails (SPF/DMARC); empty: each company's own e-mail
FAKTURAFLYT_INVOICE_MAIL_FROM = os.environ.get("FAKTURAFLYT_INVOICE_MAIL_FROM", "")
FAKTURAFLYT_FETCH_EXCHANGE_RATES = os.environ.get("FAKTURAFLYT_FETCH_EXCHANGE_RATES", "") in {"1", "true", "yes"}
FAKTURAFLYT_EXCHANGE_RATE_CURRENCIES = [
    c.strip().upper() for c in os.environ.get("FAKTURAFLYT_EXCHANGE_RATE_CURRENCIES", "").split(",") if c.strip()
]

# Celery: a broker makes tasks go to workers; without one they run in-process, at once.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chains-nightly": {"task": "ledger.verify_audit_chains", "schedule": crontab(hour=2, minute=30)},
    "payables-scan-folders": {"task": "payables.scan_folders", "schedule": 60.0},
    "payables-poll-mail": {"task": "payables.poll_mail", "schedule": 60.0},
    "payables-process-pending": {"task": "payables.process_pending", "schedule": 300.0},
    "coding-refit-models-nightly": {"task": "coding.refit_models", "schedule": crontab(hour=3, minute=15)},
    "approvals-remind-overdue": {"task": "approvals.remind_overdue", "schedule": crontab(minute=5)},
    "billing-run-daily": {"task": "billing.run_all", "schedule": crontab(hour=5, minute=0)},
    "dunning-run-daily": {"task": "dunning.run_all", "schedule": crontab(hour=5, minute=30)},
    # Norges Bank publishes its daily rates about 16:00 on business days (a no-op unless switched on).
    "ledger-fetch-exchange-rates": {
        "task": "ledger.fetch_exchange_rates",
        "schedule": crontab(hour=17, minute=15, day_of_week="mon-fri"),
    },
    "distribution-retry-due": {"task": "distribution.retry_due", "schedule": 120.0},
    "distribution-read-peppol-receipts": {"task": "distribution.read_peppol_receipts", "schedule": 120.0},
}

# Absolute links in e-mails (the approval reminder): where users reach the web UI.
FAKTURAFLYT_BASE_URL = os.environ.get("FAKTURAFLYT_BASE_URL", "http://127.0.0.1:8000")

FAKTURAFLYT_CORPUS = Path(os.environ.get("FAKTURAFLYT_CORPUS", BASE_DIR.parent / "shared" / "corpus"))

# Supplier-invoice intake (payables): watched folders, the intake mailbox, the checks.
FAKTURAFLYT_INTAKE_DIR = Path(os.environ.get("FAKTURAFLYT_INTAKE_DIR", VAR_DIR / "intake"))
FAKTURAFLYT_INTAKE_SETTLE_SECONDS = float(os.environ.get("FAKTURAFLYT_INTAKE_SETTLE_SECONDS", "2"))
FAKTURAFLYT_MAIL_DOMAIN = os.environ.get("FAKTURAFLYT_MAIL_DOMAIN", "")
FAKTURAFLYT_MAILDIR = os.environ.get("FAKTURAFLYT_MAILDIR", "")
FAKTURAFLYT_IMAP_URL = os.environ.get("FAKTURAFLYT_IMAP_URL", "")
FAKTURAFLYT_CONFIDENCE_THRESHOLD = float(os.environ.get("FAKTURAFLYT_CONFIDENCE_THRESHOLD", "0.8"))
FAKTURAFLYT_DUPLICATE_WINDOW_DAYS = int(os.environ.get("FAKTURAFLYT_DUPLICATE_WINDOW_DAYS", "3"))
FAKTURAFLYT_OCR_ENGINE = os.environ.get("FAKTURAFLYT_OCR_ENGINE", "rapidocr")

# LOGGING (JSON or text, with request ids): see the monitoring block below.

# --- Production hardening, logging and metrics (monitoring) ---------------------------------
# FAKTURAFLYT_ENV=production: refuses to start without SECRET_KEY and ALLOWED_HOSTS or with DEBUG;
# secure cookies, HSTS, JSON logs and a closed /metrics by default. See docs/operations.md.
FAKTURAFLYT_PRODUCTION = os.environ.get("FAKTURAFLYT_ENV", "development").strip().lower() == "production"
if FAKTURAFLYT_PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    _missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name, "").strip()]
    if _missing:
        raise ImproperlyConfigured(f"FAKTURAFLYT_ENV=production needs {' and '.join(_missing)} in the environment.")
    if DEBUG:
        raise ImproperlyConfigured("FAKTURAFLYT_ENV=production refuses DEBUG=1 (tracebacks would show data).")
# Old keys still accepted for signed data (sessions, password-reset links) while rotating SECRET_KEY.
SECRET_KEY_FALLBACKS = [k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]

SECURE_COOKIES = _env_bool("SECURE_COOKIES", default=FAKTURAFLYT_PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True  # the pages carry the token in the form and in hx-headers; no script reads the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if SECURE_COOKIES else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD")
# Redirect http to https in Django only when asked: the proxy usually does it, and `make run` is plain http.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if _env_bool("TRUST_X_FORWARDED_PROTO"):
    # Only behind a proxy that sets (and overwrites) X-Forwarded-Proto; else a client could claim https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HSTS preload is a decision for the whole domain (hstspreload.org), not for this app: not warned about.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Logs: JSON lines (production default) or text, each with the request id; one access line per request.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if FAKTURAFLYT_PRODUCTION else "text")
from fakturaflyt.monitoring.logs import logging_config  # noqa: E402

LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "WARNING"), access_log=_env_bool("ACCESS_LOG", True))
# The worker logs through LOGGING above (JSON with request ids) instead of Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
if os.environ.get("CELERY_WORKER_CONCURRENCY"):
    CELERY_WORKER_CONCURRENCY = int(os.environ["CELERY_WORKER_CONCURRENCY"])

# /metrics: bearer token; without one, closed in production and open to 127.0.0.1 only elsewhere.
FAKTURAFLYT_METRICS_TOKEN = os.environ.get("FAKTURAFLYT_METRICS_TOKEN", "")


# --- Login, lock-out, two-factor authentication (security) ---------------------------------
# | variable | default | meaning |
# | FAKTURAFLYT_REQUIRE_2FA | 1 | admins, accountants and anyone with payment rights must use TOTP |
# | FAKTURAFLYT_LOCKOUT_FAILURES | 5 | failed logins before a pause |
# | FAKTURAFLYT_LOCKOUT_MINUTES | 15 | length of the pause (a fixed time: more tries do not extend it) |
# | FAKTURAFLYT_LOCKOUT_BY | username+ip_address | what is counted; "username" or "username,ip_address" also work |
# | FAKTURAFLYT_PROXY_COUNT | unset | reverse proxies in front (read X-Forwarded-For only when set) |
# | FAKTURAFLYT_API_TOKEN_FAILURES | 20 | bad bearer tokens per client IP per 15 minutes before HTTP 429 |
# Production default is ON; `make run` (the local demo) and the load benchmark switch it off.
from datetime import timedelta as _timedelta  # noqa: E402

FAKTURAFLYT_REQUIRE_2FA = _env_bool("FAKTURAFLYT_REQUIRE_2FA", default=True)
AUTHENTICATION_BACKENDS = [
    # django-axes' check, but a login without a request (tests, shell) is not refused.
    "fakturaflyt.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("FAKTURAFLYT_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = _timedelta(minutes=int(os.environ.get("FAKTURAFLYT_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [
    [p.strip() for p in group.split("+") if p.strip()] if "+" in group else group.strip()
    for group in os.environ.get("FAKTURAFLYT_LOCKOUT_BY", "username+ip_address").split(",")
    if group.strip()
]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "fakturaflyt.security.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "fakturaflyt.security.lockout.lockout_response"
if os.environ.get("FAKTURAFLYT_PROXY_COUNT"):
    # Trust X-Forwarded-For only behind our own proxies: the right-most entries are theirs.
    AXES_IPWARE_PROXY_COUNT = int(os.environ["FAKTURAFLYT_PROXY_COUNT"])
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
FAKTURAFLYT_API_TOKEN_FAILURES = int(os.environ.get("FAKTURAFLYT_API_TOKEN_FAILURES", "20"))
OTP_TOTP_ISSUER = "Fakturaflyt"

# --- Personal data and retention (privacy) -------------------------------------------------
# Last day of the financial year (month, day): the 5-year retention of bokføringsloven § 13 runs from it.
FAKTURAFLYT_FISCAL_YEAR_END = (12, 31)
# The access log (who read which document or person) is not primary documentation: kept 18 months, so that
# the auditor's review of a year, finished by the annual accounts about six months after year end, still
# finds every read of that year; then pruned nightly (docs/privacy.md).
FAKTURAFLYT_ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("FAKTURAFLYT_ACCESS_LOG_RETENTION_DAYS", "548"))
CELERY_BEAT_SCHEDULE["privacy-prune-access-log"] = {
    "task": "privacy.prune_access_log",
    "schedule": crontab(hour=3, minute=45),
}

# --- Retries and back-off of background work (faults) --------------------------------------
# Tasks that touch the database or the broker retry with exponential back-off and jitter
# (fakturaflyt/tasks_base.py): waits up to 2, 4, 8, ... seconds, at most 10 minutes, 8 times.
FAKTURAFLYT_TASK_MAX_RETRIES = int(os.environ.get("FAKTURAFLYT_TASK_MAX_RETRIES", "8"))
FAKTURAFLYT_TASK_RETRY_BACKOFF = int(os.environ.get("FAKTURAFLYT_TASK_RETRY_BACKOFF", "2"))
FAKTURAFLYT_TASK_RETRY_BACKOFF_MAX = int(os.environ.get("FAKTURAFLYT_TASK_RETRY_BACKOFF_MAX", "600"))
# Queueing while the broker is down: a few tries over about 2 s, then the error goes to the caller.
# Callers queue on commit (robust: logged, never a 500), the work is already stored, and the
# sweepers (payables.process_pending, banking.resume_queued, distribution.retry_due) queue it again.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.8}
# A broker that is unreachable fails a connection within 5 s instead of the kernel's minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 5, "visibility_timeout": 3600}
# The Redis result backend subscribes to a task's result before the task is published; its own
# default policy retries 20 times a second apart, so a web request hung ~20 s when Redis was down
# (then failed anyway). A couple of quick tries, then the queueing fails and is logged (see above).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
# Workers keep reconnecting to a broker that went away, also at start-up.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Late-acknowledged tasks still running when the broker connection drops are redelivered anyway.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE["banking-resume-queued"] = {"task": "banking.resume_queued", "schedule": 600.0}
