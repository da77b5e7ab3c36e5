"""A user's second-factor devices for the tests of two-factor sign-in (``test_mfa``,
``test_security_keys``): an enrolled app with two recovery codes, and the app's code now."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


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
