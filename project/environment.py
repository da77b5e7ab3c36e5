"""Typed environment variables for the settings: a bad value stops start-up with a message that
names the variable. Secrets may come from a file named by ``NAME_FILE`` (Docker/K8s secrets)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def env(name, default=None):
    """A string from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/K8s secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name, default):
    value = env(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name, default):
    value = env(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def relying_party(site_url):
    """WebAuthn's relying party for ``site_url``: its host name, its allowed origins, and
    whether security keys can work there at all (only on a secure origin: https, or http on
    localhost). Elsewhere (the demo's http://127.0.0.1:8000) keys are off, and the placeholder
    origin matches no page."""
    parts = urlsplit(site_url)
    secure = parts.scheme == "https" or parts.hostname == "localhost"
    if not secure:
        return "localhost", ["http://localhost"], False
    return parts.hostname, [f"{parts.scheme}://{parts.netloc}"], True
