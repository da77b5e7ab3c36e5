"""The one settings module.

Every value that differs between the embedded demo and production comes from a typed environment
variable (or ``NAME_FILE`` for secrets). The defaults give the embedded mode: SQLite, Celery on a
filesystem broker, e-mails recorded by the console backend. A bad value stops start-up loudly.
"""

import json
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from project.environment import env, env_bool, env_int, env_list, relying_party

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The embedded demo (SQLite, filesystem broker); production leaves it off.
SSPF_DEMO = env_bool("SSPF_DEMO", False)
VAR_DIR = Path(env("SSPF_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("SSPF_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
    # Embedded mode only: a random key kept in var/ so sessions survive a restart.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "csp",
    "viewflow",
    "viewflow.workflow",
    "sspf_flow",
    "forms",
    "notifications",
    "casework",
    "operative",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sspf_flow.sessions.NoStoreMiddleware",
    "casework.middleware.RequestCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "casework.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casework.middleware.SecondFactorMiddleware",
    "casework.middleware.LoginFirstMiddleware",
    "sspf_flow.sessions.IdleSessionMiddleware",
    "casework.middleware.RefusedAttemptMiddleware",
    "operative.middleware.RefusedPersonAttemptMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "casework.middleware.TransitionRefusedMiddleware",
    # viewflow adds these two itself when missing; listed so their order is visible.
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    # last, as django-axes documents: turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "casework.pages.shell.shell",
                "project.context.next_group_meeting",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sspf.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web workers, Celery worker and beat all write this one file. Each transaction
    # takes the write lock when it begins (IMMEDIATE) and waits up to 20 s for it, instead of
    # failing with "database is locked" when it tries to write after reading; in WAL mode
    # readers do not block the writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Plans are priced for data in memory or on SSD (random reads cost about as much as
    # sequential ones), as a case system's working set is: at PostgreSQL's default of 4, a busy
    # coordinator's overview read 247 000 deadlines by a sequential scan (78 ms) instead of her
    # cases' 1 787 by index (20 ms). docs/operations.md, "PostgreSQL settings".
    options = DATABASES["default"].setdefault("OPTIONS", {})
    if "random_page_cost" not in options.get("options", ""):  # unless DATABASE_URL sets it
        options["options"] = f"{options.get('options', '')} -c random_page_cost=1.1".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The session's user is read with their roles and agency, and permissions in one query
# (sspf_flow.identity).
AUTHENTICATION_BACKENDS = ["sspf_flow.identity.Backend"]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- two-factor sign-in and lockout (issue 15) ---
# Who must sign in with a second factor: sspf_flow.mfa_access. Off by default in the demo.
SSPF_MFA_REQUIRED = env_bool("SSPF_MFA_REQUIRED", not SSPF_DEMO)
OTP_TOTP_ISSUER = env("SSPF_MFA_ISSUER", "SSPF")
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = 1  # waits 1, 2, 4 … s after wrong codes
# Security keys and passkeys (WebAuthn, django-otp-webauthn), bound to SITE_URL's host name.
OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS, SSPF_SECURITY_KEYS = relying_party(SITE_URL)
OTP_WEBAUTHN_RP_NAME, OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = "SSPF", False  # a second factor
# django-axes: N failures per username or per address (OR) in M minutes lock it for M minutes.
AUTHENTICATION_BACKENDS = ["casework.lockout.LockoutBackend", *AUTHENTICATION_BACKENDS]
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("SSPF_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("SSPF_LOCKOUT_MINUTES", 15) / 60  # hours
if min(AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME) <= 0:
    raise ImproperlyConfigured("SSPF_LOCKOUT_FAILURES and SSPF_LOCKOUT_MINUTES must be positive")
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "casework.lockout.locked_out"  # the login page, one message, axes' 429
AXES_ENABLE_ADMIN = False  # English only; the user list's "Lås upp inloggningen" unlocks
AXES_CLIENT_IP_CALLABLE = "casework.lockout.client_address"  # as the sign-ins record it

# --- single sign-on (issue 15) ---
# Signing in with the municipality's account through its OpenID Connect provider (code flow
# with PKCE, mozilla-django-oidc; sspf_flow.sso, project.sso): off unless SSPF_OIDC_ISSUER is
# set. The provider's endpoints come from its discovery document, read when first needed.
# docs/operations.md, "Single sign-on".
SSPF_OIDC_ISSUER = (env("SSPF_OIDC_ISSUER") or "").rstrip("/")
# Username and password (the login page and the admin's); off only together with SSO.
SSPF_LOCAL_LOGIN = env_bool("SSPF_LOCAL_LOGIN", True)
OIDC_RP_CLIENT_ID = env("SSPF_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("SSPF_OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env("SSPF_OIDC_SCOPES", "openid email profile")
SSPF_OIDC_GROUPS_CLAIM = env("SSPF_OIDC_GROUPS_CLAIM", "groups")
try:  # {group: {"role": …, "municipality": …, "agency": …}}, checked at start-up
    SSPF_OIDC_GROUPS = json.loads(env("SSPF_OIDC_GROUPS") or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(f"SSPF_OIDC_GROUPS is not valid JSON: {exc}") from exc
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TIMEOUT = 10  # seconds for each request to the provider
# Signing out of SSPF signs out at the provider too (its end_session_endpoint); off: the
# provider's session stays, as for the municipality's other applications.
SSPF_OIDC_LOGOUT_AT_PROVIDER = env_bool("SSPF_OIDC_LOGOUT_AT_PROVIDER", False)
OIDC_STORE_ID_TOKEN = SSPF_OIDC_LOGOUT_AT_PROVIDER  # its id_token_hint
if SSPF_OIDC_ISSUER:
    if not OIDC_RP_CLIENT_ID or not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured(
            "SSPF_OIDC_ISSUER needs SSPF_OIDC_CLIENT_ID and SSPF_OIDC_CLIENT_SECRET (or _FILE)"
        )
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "sspf_flow.sso.OIDCBackend"]
elif not SSPF_LOCAL_LOGIN:
    raise ImproperlyConfigured("SSPF_LOCAL_LOGIN=false needs SSPF_OIDC_ISSUER: nobody could log in")

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded files (signed consent forms) are never served directly: only through views that ask
# the access module and write the access log. There is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
CONSENT_UPLOAD_MAX_BYTES = env_int("SSPF_CONSENT_UPLOAD_MAX_MB", 10) * 1024 * 1024

# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (overwriting the client's).
if env_bool("SSPF_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# --- headers and sessions (issue 15) ---
# A login ends after SSPF_IDLE_MINUTES without activity (the page warns
# SSPF_IDLE_WARNING_MINUTES before) and at the latest SSPF_SESSION_MAX_HOURS after it began
# (sspf_flow.sessions.IdleSessionMiddleware); the cookie lives no longer than that.
if env("SESSION_COOKIE_AGE"):
    raise ImproperlyConfigured(
        "SESSION_COOKIE_AGE is replaced by SSPF_SESSION_MAX_HOURS (and SSPF_IDLE_MINUTES)"
    )
SSPF_IDLE_MINUTES = env_int("SSPF_IDLE_MINUTES", 30)
SSPF_IDLE_WARNING_MINUTES = env_int("SSPF_IDLE_WARNING_MINUTES", 2)
SSPF_SESSION_MAX_HOURS = env_int("SSPF_SESSION_MAX_HOURS", 8)
if SSPF_IDLE_MINUTES < 2:
    raise ImproperlyConfigured("SSPF_IDLE_MINUTES must be at least 2")
if not 0 < SSPF_IDLE_WARNING_MINUTES < SSPF_IDLE_MINUTES:
    raise ImproperlyConfigured(
        "SSPF_IDLE_WARNING_MINUTES must be 1 or more and below SSPF_IDLE_MINUTES"
    )
if not 1 <= SSPF_SESSION_MAX_HOURS <= 24:
    raise ImproperlyConfigured("SSPF_SESSION_MAX_HOURS must be 1–24")
SESSION_COOKIE_AGE = SSPF_SESSION_MAX_HOURS * 3600
# HSTS for the host's subdomains too, and the preload token (check --deploy asks for both).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: forms carry the token, the idle warning's keepalive takes
# the one its <meta> carries.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline or
# eval; styles may be inline (viewflow's frontend sets style attributes and <style> blocks).
# A form may post to us, and after sign-in we may redirect to the OpenID provider (Chromium
# checks that redirect against form-action too): its origin comes from SSPF_OIDC_ISSUER.
_form_action = ["'self'"]
if SSPF_OIDC_ISSUER:
    from urllib.parse import urlsplit

    _issuer = urlsplit(SSPF_OIDC_ISSUER)
    if _issuer.scheme not in ("https", "http") or not _issuer.netloc:
        raise ImproperlyConfigured("SSPF_OIDC_ISSUER must be an https:// address")
    _form_action.append(f"{_issuer.scheme}://{_issuer.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": _form_action,
    }
}
# Permissions-Policy: no page needs a camera, a microphone, the position or payments.
SSPF_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

REDIS_URL = env("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: Redis when configured, otherwise kombu's filesystem transport in var/ so that a real
# worker and beat still run without any server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # one quick try to reach the broker, no retries while a request waits (see below)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
# A hand-off the broker cannot take now is not retried while the user's request waits: the row
# stays queued and beat's sweep hands it over when the broker is back (notifications.outbox).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless this is set: a
# new PostgreSQL connection per e-mail (about 6 ms) held one task per e-mail at 64/s instead of
# 108 (bench/mail.py). The worker keeps its connection as a web process does, by
# DATABASE_CONN_MAX_AGE, checked before and after each task (project/celery.py).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
TIMER_SWEEP_SECONDS = env_int("SSPF_TIMER_SWEEP_SECONDS", 60)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS) or EMAIL_USE_SSL (port 465), not both")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "sspf@example.invalid")

# The outbox: attempts before an e-mail is marked failed, seconds before a row stuck in
# "sending" is re-queued, and how many due rows one sweep hands to the workers.
OUTBOX_MAX_ATTEMPTS = env_int("SSPF_OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_STALE_SECONDS = env_int("SSPF_OUTBOX_STALE_SECONDS", 120)
OUTBOX_HANDOFF_SECONDS = env_int("SSPF_OUTBOX_HANDOFF_SECONDS", 120)
OUTBOX_SWEEP_BATCH = env_int("SSPF_OUTBOX_SWEEP_BATCH", 500)
# Reminders and escalations are sent from this hour (local time) on their day; the daily
# summary from DIGEST_HOUR. The days of the ladder are set per municipality in the admin.
NOTIFY_HOUR = env_int("SSPF_NOTIFY_HOUR", 7)
DIGEST_HOUR = env_int("SSPF_DIGEST_HOUR", 7)
DEADLINE_SWEEP_BATCH = env_int("SSPF_DEADLINE_SWEEP_BATCH", 500)
# Gallring runs once a day, at the first beat from this hour (local time); the rules are set
# per municipality by the administrator, and nothing is removed until they are.
GALLRING_HOUR = env_int("SSPF_GALLRING_HOUR", 2)
if not 0 <= GALLRING_HOUR <= 23:
    raise ImproperlyConfigured("SSPF_GALLRING_HOUR must be an hour, 0–23")

# Case numbering prefix (SSPF-2026-0001) and the follow-up interval proposed after a meeting.
CASE_NUMBER_PREFIX = env("SSPF_CASE_NUMBER_PREFIX", "SSPF")
DEFAULT_FOLLOW_UP_DAYS = env_int("SSPF_DEFAULT_FOLLOW_UP_DAYS", 42)
# How far ahead an operative group's recurring meetings are made (the beat extends them).
OPERATIVE_HORIZON_DAYS = env_int("SSPF_OPERATIVE_HORIZON_DAYS", 183)
# The follow-up task opens in the coordinator's inbox this many days before the booked date.
FOLLOW_UP_LEAD_DAYS = env_int("SSPF_FOLLOW_UP_LEAD_DAYS", 7)

# --- protected log (issue 15) ---
# The access log's review flags a user refused this many times (a typed case number, an old
# link, a probe) within this many minutes: "Många nekade försök på kort tid".
REFUSED_BURST_COUNT = env_int("SSPF_REFUSED_BURST_COUNT", 5)
REFUSED_BURST_MINUTES = env_int("SSPF_REFUSED_BURST_MINUTES", 10)
if REFUSED_BURST_COUNT < 2 or REFUSED_BURST_MINUTES < 1:
    raise ImproperlyConfigured(
        "SSPF_REFUSED_BURST_COUNT must be at least 2 and SSPF_REFUSED_BURST_MINUTES at least 1"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "filters": {"refusals_without_traceback": {"()": "project.logging.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # On the logger, not the handler, so that every handler (Django's own too) gets the record
    # without the traceback of an expected 403/404.
    "loggers": {
        "django.request": {"filters": ["refusals_without_traceback"]},
        "axes": {"level": "WARNING"},  # django-axes: failures and lockouts, not every sign-in
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

VIEWFLOW = {}
