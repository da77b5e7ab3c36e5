"""Single sign-on through the municipality's identity provider (OpenID Connect, issue 15).

On only when ``SSPF_OIDC_ISSUER`` is set (project/settings.py, docs/operations.md). The code
flow with PKCE is mozilla-django-oidc's; this module adds what SSPF needs around it:

- the provider's endpoints are read from its discovery document
  (``<issuer>/.well-known/openid-configuration``) when first needed, and kept for an hour;
- the ID token's issuer and audience are checked (the library checks neither);
- a user is found by the provider's ``sub`` claim with its issuer (``ExternalIdentity``),
  never by e-mail address;
- at every sign-in the user's roles and agency membership are set from the groups claim and
  ``SSPF_OIDC_GROUPS`` (``grants``): a group removed at the provider takes its role away at the
  next sign-in, through the same group change that the record of role changes
  (``sspf_flow.roles``) writes down. Groups that map to nothing refuse the sign-in
  (``Refused``): the project floor shows the refusal page;
- the session's user is read as ``identity.Backend`` reads it (roles and agency in one query).
"""

import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from . import access, identity
from .mfa_access import SSO_SESSION_FLAG
from .models.external import ExternalIdentity
from .models.org import Agency, Membership, Role

log = logging.getLogger(__name__)

SESSION_FLAG = SSO_SESSION_FLAG  # the provider did the second factor (mfa_access)

DISCOVERY_MAX_AGE = 3600  # seconds a discovery document is kept
_discovered = {}  # issuer -> (time read, document)

ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled():
    return bool(getattr(settings, "SSPF_OIDC_ISSUER", ""))


def local_login():
    """Whether username and password sign in (``SSPF_LOCAL_LOGIN``)."""
    return getattr(settings, "SSPF_LOCAL_LOGIN", True)


def discovery(issuer=None):
    """The provider's discovery document, read once an hour."""
    issuer = issuer or settings.SSPF_OIDC_ISSUER
    read = _discovered.get(issuer)
    if read is None or time.monotonic() - read[0] > DISCOVERY_MAX_AGE:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration",
            timeout=import_from_settings("OIDC_TIMEOUT", 10),
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(
                f"The provider at {issuer} names itself {document.get('issuer')!r}: "
                "SSPF_OIDC_ISSUER must be the issuer exactly as the provider names it"
            )
        read = _discovered[issuer] = (time.monotonic(), document)
    return read[1]


def setting(attr, *default):
    """mozilla-django-oidc's settings, with the provider's endpoints from discovery."""
    if attr in ENDPOINTS:
        return discovery()[ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


# --- the mapping of the provider's groups -------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """What one group of the provider gives: a role, an agency (by municipality and name), or
    both."""

    role: Role | None
    municipality: str | None  # the municipality's code, or its name
    agency: str | None

    @property
    def agency_key(self):
        return (self.municipality, self.agency) if self.agency else None


def parse_grants(raw):
    """``SSPF_OIDC_GROUPS`` (parsed JSON) as {group: Grant}; a mistake stops start-up."""
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("SSPF_OIDC_GROUPS must be a JSON object: {group: {...}}")
    grants = {}
    roles = {role.value for role in Role}
    for group, entry in raw.items():
        where = f"SSPF_OIDC_GROUPS[{group!r}]"
        if not isinstance(entry, dict) or not entry:
            raise ImproperlyConfigured(f"{where} must be an object with role and/or agency")
        unknown = set(entry) - {"role", "municipality", "agency"}
        if unknown:
            raise ImproperlyConfigured(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
        role, municipality, agency = (entry.get(key) for key in ("role", "municipality", "agency"))
        for key, value in (("role", role), ("municipality", municipality), ("agency", agency)):
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise ImproperlyConfigured(f"{where}.{key} must be a non-empty string")
        if role is not None and role not in roles:
            raise ImproperlyConfigured(
                f"{where}.role is {role!r}; the roles are {', '.join(sorted(roles))}"
            )
        if bool(agency) != bool(municipality):
            raise ImproperlyConfigured(
                f"{where} must name both municipality and agency, or neither"
            )
        if role is None and agency is None:
            raise ImproperlyConfigured(f"{where} gives neither a role nor an agency")
        grants[str(group)] = Grant(
            Role(role) if role else None,
            municipality.strip() if municipality else None,
            agency.strip() if agency else None,
        )
    return grants


def grants():
    return parse_grants(getattr(settings, "SSPF_OIDC_GROUPS", {}))


def groups_in(claims):
    """The groups the claims carry (``SSPF_OIDC_GROUPS_CLAIM``): a list, or one string."""
    value = claims.get(settings.SSPF_OIDC_GROUPS_CLAIM)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


@dataclass(frozen=True)
class Access:
    """What the claims give: roles, and the agency keys (municipality, agency name)."""

    roles: frozenset
    agencies: frozenset

    @property
    def nothing(self):
        return not self.roles and not self.agencies


def access_from(claims, mapping=None):
    """The roles and agencies the groups in ``claims`` map to (unknown groups count for
    nothing)."""
    mapping = grants() if mapping is None else mapping
    found = [mapping[group] for group in groups_in(claims) if group in mapping]
    return Access(
        roles=frozenset(grant.role for grant in found if grant.role),
        agencies=frozenset(grant.agency_key for grant in found if grant.agency_key),
    )


def find_agency(municipality, name):
    """The agency named ``name`` in the municipality with this code (or, failing that, this
    name); None if there is none."""
    agencies = Agency.objects.select_related("municipality").filter(name=name)
    by_code = agencies.filter(municipality__code=municipality).first()
    return by_code or agencies.filter(municipality__name=municipality).first()


class Refused(PermissionDenied):
    """The sign-in is refused; ``reason`` says why (the refusal page's text)."""

    NO_ACCESS = "no_access"  # no group maps to anything
    SEVERAL_AGENCIES = "several_agencies"  # groups point at more than one agency
    NO_AGENCY = "no_agency"  # a role that works for an agency, and no agency
    UNKNOWN_AGENCY = "unknown_agency"  # the mapping names an agency SSPF does not have
    ADMIN_AND_CASE_ROLE = "admin_and_case_role"  # access.administrator_holds_no_case_role
    INACTIVE = "inactive"  # the account is switched off in SSPF

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# --- applying the claims to the user -------------------------------------------------------------


def _username(claims):
    """A free username from the claims (preferred_username, e-mail, or sub)."""
    base = claims.get("preferred_username") or claims.get("email") or f"sso-{claims['sub']}"
    base = re.sub(r"[^\w.@+-]", "", str(base))[:140] or "sso"
    User = get_user_model()
    candidate, n = base, 1
    while User._default_manager.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def set_roles(user, roles):
    """The user's role groups become exactly ``roles`` (other groups stay). Through
    ``user.groups``, so the record of role changes writes each one down."""
    role_groups = Group.objects.filter(name__in=[role.value for role in Role])
    current = set(user.groups.filter(pk__in=role_groups).values_list("name", flat=True))
    wanted = {role.value for role in roles}
    if current - wanted:
        user.groups.remove(*role_groups.filter(name__in=current - wanted))
    if wanted - current:
        user.groups.add(*role_groups.filter(name__in=wanted - current))


def set_membership(user, agency):
    """The user's agency becomes ``agency`` (none: the membership goes). The title and the
    manager the administrator set stay while the agency stays."""
    membership = Membership.objects.filter(user=user).first()
    if agency is None:
        if membership is not None:
            membership.delete()
    elif membership is None:
        Membership.objects.create(user=user, agency=agency)
    elif membership.agency_id != agency.pk:
        membership.agency = agency
        membership.manager = None
        membership.save(update_fields=["agency", "manager"])


def apply_claims(claims, issuer=None):
    """``sign_in``, once more when a parallel first sign-in of the same person made their
    account in between (the issuer and subject are unique)."""
    try:
        return sign_in(claims, issuer)
    except IntegrityError:
        return sign_in(claims, issuer)


def sign_in(claims, issuer=None):
    """Sign-in with the provider's ``claims``: the user (found by issuer and ``sub``, made on
    the first sign-in) with roles and membership set from the groups. Raises ``Refused``
    (after taking every role and the membership away from a known user) when they give
    nothing."""
    issuer = issuer or settings.SSPF_OIDC_ISSUER
    subject = str(claims["sub"])
    given = access_from(claims)
    agencies = {key: find_agency(*key) for key in given.agencies}
    refusal = None
    if given.nothing:
        refusal = Refused.NO_ACCESS
    elif access.administrator_holds_no_case_role(given.roles):
        refusal = Refused.ADMIN_AND_CASE_ROLE
    elif len(agencies) > 1:
        refusal = Refused.SEVERAL_AGENCIES
    elif not agencies and given.roles - {Role.ADMIN}:
        # Every role but the administrator's works for an agency of a municipality (the
        # steering group too: its figures are its municipality's).
        refusal = Refused.NO_AGENCY
    elif None in agencies.values():
        missing = [key for key, agency in agencies.items() if agency is None]
        log.error("SSPF_OIDC_GROUPS names agencies SSPF does not have: %s", missing)
        refusal = Refused.UNKNOWN_AGENCY
    with transaction.atomic():
        link = (
            ExternalIdentity.objects.select_related("user")
            .select_for_update()
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if link is None and refusal:
            raise Refused(refusal)  # no account is made for someone with no access
        if link is None:
            user = get_user_model()._default_manager.create_user(_username(claims))
            user.set_unusable_password()
            link = ExternalIdentity(user=user, issuer=issuer, subject=subject)
        user = link.user
        if refusal:
            set_roles(user, ())
            set_membership(user, None)
        else:
            set_roles(user, given.roles)
            set_membership(user, next(iter(agencies.values()), None))
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.email = str(claims.get("email") or user.email)[:254]
        user.is_staff = Role.ADMIN in given.roles and not refusal
        user.save()
        link.last_sign_in = timezone.now()
        link.save()
    # Outside the transaction: a refused known user's roles are gone for good.
    if refusal:
        log.info("Sign-in of user %s through the provider refused: %s", user.pk, refusal)
        raise Refused(refusal)
    if not user.is_active:
        raise Refused(Refused.INACTIVE)
    return user


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with SSPF's matching and mapping; reads the session's
    user (and permissions) as ``identity.Backend`` does."""

    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every request's user and every password login: nothing
        # here may ask the provider. The endpoints are read when a sign-in needs them.
        self.OIDC_RP_CLIENT_ID = setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = setting("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = setting("OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: setting("OIDC_OP_JWKS_ENDPOINT"))

    def authenticate(self, request, **kwargs):
        if request is None or not enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != settings.SSPF_OIDC_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer")
        audience = payload.get("aud")
        audience = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audience:
            raise SuspiciousOperation("The ID token is meant for another client")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo is about another subject than the ID token")
        try:
            return apply_claims({**payload, **userinfo})
        except Refused as refused:
            # The project floor's callback view shows the page for this reason.
            self.request.sspf_sso_refused = refused.reason
            raise

    def get_user(self, user_id):
        return identity.Backend().get_user(user_id)

    def get_all_permissions(self, user_obj, obj=None):
        return identity.Backend().get_all_permissions(user_obj, obj)


def provider_logout_url(request, then):
    """Where the browser goes to sign out at the provider too (``SSPF_OIDC_LOGOUT_AT_PROVIDER``)
    and come back to ``then``; None when that is off, the session did not come from the
    provider, or the provider has no end_session_endpoint. Asked before the session ends."""
    if not (
        enabled()
        and getattr(settings, "SSPF_OIDC_LOGOUT_AT_PROVIDER", False)
        and request.session.get(SESSION_FLAG)
    ):
        return None
    try:
        endpoint = discovery().get("end_session_endpoint")
    except (requests.RequestException, ValueError, ImproperlyConfigured):
        log.exception("The identity provider's discovery document cannot be read")
        return None
    if not endpoint:
        return None
    params = {"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": then}
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def check_configuration():
    """At start-up (the app's ready): a mistake in the mapping stops the server."""
    if enabled():
        grants()
