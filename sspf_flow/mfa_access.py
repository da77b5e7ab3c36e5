"""Who must sign in with a second factor (issue 15), asked of ``access``.

Every role that reads case data (the agency roles and the coordinator, ``CASE_ROLES``), the
steering group (its statistics of a small municipality can point at a person) and the
administrator (who manages accounts and roles and reads the access log), and any account let
into the admin. A user with no role sees nothing and is not asked. The whole rule is off when
``SSPF_MFA_REQUIRED`` is (the demo, the tests); sessions signed in through single sign-on are
the identity provider's responsibility (``second_factor_exempt``)."""

from django.conf import settings

from . import identity
from .models.org import Role

__all__ = [
    "SECOND_FACTOR_ROLES",
    "may_add_security_key",
    "requires_second_factor",
    "second_factor_confirmed",
    "second_factor_exempt",
]

SECOND_FACTOR_ROLES = frozenset(
    {
        Role.SCHOOL,
        Role.SOCIAL_SERVICES,
        Role.POLICE,
        Role.LEISURE,
        Role.SAFETY,
        Role.COORDINATOR,
        Role.STEERING_GROUP,
        Role.ADMIN,
    }
)


def requires_second_factor(user):
    """Whether ``user`` must confirm a second factor before any page."""
    if not getattr(settings, "SSPF_MFA_REQUIRED", True):
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(SECOND_FACTOR_ROLES & identity.roles_of(user))


# The flag a session signed in through single sign-on carries (``sspf_flow.sso`` sets it): the
# provider did the strong authentication, so the product's own second factor is not asked for.
SSO_SESSION_FLAG = "sspf_sso"


def second_factor_exempt(session):
    """A session signed in through single sign-on."""
    return bool(session.get(SSO_SESSION_FLAG))


def second_factor_confirmed(user, session):
    """Whether this sign-in has its second factor: confirmed with a device in this session
    (django-otp's ``is_verified``), or done by the provider (single sign-on)."""
    return user.is_verified() or second_factor_exempt(session)


def may_add_security_key(user):
    """Only a sign-in confirmed with one of the user's own devices adds a security key: not a
    password alone (that would let a stolen password add its own key), nor a single sign-on
    session, whose second factor is the provider's."""
    return user.is_authenticated and user.is_verified()
