"""Django settings, read from the environment (12-factor).

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
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Production hardening, logging and metrics (monitoring) ---------------------------------

# --- Login, lock-out, two-factor authentication (security) ---------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Personal data and retention (privacy) -------------------------------------------------

# --- Retries and back-off of background work (faults) --------------------------------------
