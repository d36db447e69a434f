"""Settings, read from the environment (see the configuration table in README.md).

With nothing set the app runs for local development: debug on, SQLite in the project
folder and a generated secret key kept in a git-ignored file. ``DJANGO_DEBUG=false``
switches to production behaviour and refuses to start without a secret key and the
allowed host names.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from decision.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_networks,
    env_origin,
    env_origins,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)


def _development_secret(file_name: str) -> str:
    """Return a local development secret kept in a git-ignored file, made on first use."""
    path = BASE_DIR / file_name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("DJANGO_SECRET_KEY", None)
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = _development_secret(".secret_key")

# The audit chain's links are HMACs under this key, which the database never holds: whoever
# can only write the tables cannot rewrite the log consistently (docs/audit.md). Previous
# keys, after a rotation (manage.py audit_rotate_key), still verify the older events.
AUDIT_KEY = env_str("DJANGO_AUDIT_KEY", None)
if AUDIT_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_AUDIT_KEY must be set when DJANGO_DEBUG is false.")
    AUDIT_KEY = _development_secret(".audit_key")
AUDIT_PREVIOUS_KEYS = env_list("DJANGO_AUDIT_PREVIOUS_KEYS", [])
for _key in (AUDIT_KEY, *AUDIT_PREVIOUS_KEYS):
    if len(_key) < 32:
        raise ImproperlyConfigured("Audit keys must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_origins("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "decision.core",
    "decision.audit",
    "decision.accounts",
    "decision.clinic",
    "decision.board",
    "decision.cds",
    "decision.synthetic",
    "decision.api",
]

MIDDLEWARE = [
    "decision.core.requests.RequestIdMiddleware",
    "decision.core.middleware.UnreadableRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "decision.core.middleware.SessionLimitsMiddleware",
    "decision.core.middleware.NotFoundPageMiddleware",
    "decision.core.middleware.DatabaseOutageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "decision.accounts.middleware.TwoFactorRequiredMiddleware",
    "decision.core.middleware.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "decision.urls"
WSGI_APPLICATION = "decision.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "decision.core.context_processors.permissions",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so concurrent writers queue
    # instead of failing part-way; WAL lets readers continue while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses locked-out users and addresses before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CSRF_FAILURE_VIEW = "decision.core.errors.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# The FHIR export names each patient's MRN with this identifier system (docs/api.md). The
# default is a placeholder: each site sets the URI its record systems use for its MRNs.
FHIR_MRN_SYSTEM = env_str("DJANGO_FHIR_MRN_SYSTEM", "https://crlm.example.org/fhir/mrn")

STATIC_URL = "static/"
# Collected files for production (`manage.py collectstatic`); in development WhiteNoise
# serves straight from the app folders, so no collected copy is needed or looked for.
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT", None if DEBUG else str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# The reverse proxies in front of the app (CIDR networks). X-Forwarded-For is read only
# when the connection comes from one of them, and only as far back as the hops they
# vouch for; otherwise the client is the socket's peer (decision.core.requests).
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES", [])
if env_str("DJANGO_TRUSTED_PROXY_COUNT", None) is not None:
    raise ImproperlyConfigured(
        "DJANGO_TRUSTED_PROXY_COUNT is no longer read: list the proxies' networks in "
        "DJANGO_TRUSTED_PROXIES instead (for example 127.0.0.1/32 or 10.0.0.0/8)."
    )

# Login lockout (django-axes): after this many failures for one user name from one address,
# that pair is locked out for the cool-off time.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are forgotten only when a login is complete, second factor included
# (decision.accounts.lockout): a correct password alone must not wipe the count of wrong codes.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "decision.core.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "decision.core.requests.client_ip_address"
AXES_USERNAME_CALLABLE = "decision.accounts.lockout.attempted_username"
AXES_VERBOSE = False
# And whatever the address: at most this many failures for one account in an hour, after
# which the account is locked until the hour has passed or an administrator resets it
# (decision.accounts.lockout). The failures are counted from axes' failure log.
ACCOUNT_FAILURE_LIMIT = env_int("DJANGO_LOGIN_ACCOUNT_FAILURE_LIMIT", 20, minimum=1)
ACCOUNT_FAILURE_WINDOW = timedelta(hours=1)
AXES_HANDLER = "decision.accounts.lockout.AccountLimitHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Axes keeps the form fields of a failed attempt; these are stored masked.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Two-factor sign-in (django-otp): after the password, a code from an authenticator app or a
# single-use recovery code. Required in production for every user, administrators included;
# off by default in development so that `make run` needs no phone.
TWO_FACTOR_REQUIRED = env_bool("DJANGO_TWO_FACTOR_REQUIRED", not DEBUG)
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "CRLM decision support"

# Sessions: stored in the database, ended after an idle time and at an absolute limit.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("DJANGO_SESSION_IDLE_MINUTES", 30, minimum=1))
SESSION_ABSOLUTE_LIMIT = timedelta(hours=env_int("DJANGO_SESSION_MAX_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# CDS Hooks (docs/cds-hooks.md). The app's address as record systems reach it: the audience
# their tokens must name and the base of the links on cards. Unset, each request's own
# scheme and Host header are used, which is right only when a proxy passes both through.
CDS_HOOKS_BASE_URL = env_origin("DJANGO_CDS_HOOKS_BASE_URL", None)
# FHIR_MRN_SYSTEM (above) is also how a record system's Patient is matched to ours: only by
# an identifier of that system.

# The JSON API (/api/v1/, docs/api.md): per-user tokens for systems, sessions for the
# browser; roles as on the web pages; JSON in and out, errors as the evaluator's contract.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "decision.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["decision.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("DJANGO_API_RATE", "600/minute")},
    "EXCEPTION_HANDLER": "decision.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRLM decision support API",
    "DESCRIPTION": (
        "Evaluate findings, register patients, record and read assessments, and export "
        "them as FHIR R4. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
API_TOKEN_DAYS = env_int("DJANGO_API_TOKEN_DAYS", 90, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Browser and transport security. Production defaults are strict; each can be relaxed
# through the environment for a deployment behind a TLS-terminating proxy.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only this server's own files: no inline script or style, no framing, no plug-ins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "decision.core.requests.RequestIdLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [request %(request_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        },
    },
    "loggers": {
        # SQL with its parameters (names, MRNs) must never reach the logs, whatever the level.
        "django.db.backends": {"level": "WARNING", "propagate": True},
        "axes": {"level": "WARNING", "propagate": True},
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "DJANGO_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
}
