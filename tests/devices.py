"""A user's second-factor devices for the tests of two-factor sign-in (``test_mfa``,
``test_security_keys``): an enrolled app with two recovery codes, the app's code now, a
security key, and security keys switched on for a site address."""

import uuid

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from project.environment import relying_party


def code_for(key_bytes, at=None):
    totp = TOTP(key_bytes)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():06d}"


def enrolled(user, codes=("abcd1234", "efgh5678")):
    app = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=recovery, token=code)
    return app


def a_key(user):
    """A security key row (not a real key: it can be listed and removed, not used)."""
    return WebAuthnCredential.objects.create(
        user=user, name="", confirmed=True, credential_id=uuid.uuid4().bytes, public_key=b"p" * 16
    )


def keys_at(settings, site_url):
    """Security keys as production would have them with ``SITE_URL`` = ``site_url``."""
    settings.SITE_URL = site_url
    (
        settings.OTP_WEBAUTHN_RP_ID,
        settings.OTP_WEBAUTHN_ALLOWED_ORIGINS,
        settings.SSPF_SECURITY_KEYS,
    ) = relying_party(site_url)
