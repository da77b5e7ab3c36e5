"""Who the signed-in user is, in no query beyond the session's user row: that row comes with
their roles, their agency membership (agency and municipality) and whether they review the
access log.

Django's session middleware loads the request's user through the authentication backend; the
project's backend (``Backend``, in ``AUTHENTICATION_BACKENDS``) loads that row with the rest
annotated, and ``access`` reads the answers from it. A user object loaded any other way (a task's
owner, a recipient; any user outside a request) is asked only what is asked of them, in small
queries, each once per request. The backend also reads a user's permissions (asked by viewflow
for its task lists) in one query instead of Django's two."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Sum, Value, When

from . import requestcache
from .models.org import Membership, Role

ROLE_BITS = {role: 1 << n for n, role in enumerate(Role)}


class Identity:
    """The answers about one user that every page asks."""

    def __init__(self, user):
        bits = user._sspf_roles or 0
        self.roles = frozenset(role for role, bit in ROLE_BITS.items() if bits & bit)
        self.reviews_coordinators = user._sspf_reviews
        self.in_operative_group = bool(user._sspf_in_group)
        self.coaches = bool(user._sspf_coaches)
        try:
            self.membership = user.membership
        except ObjectDoesNotExist:
            self.membership = None


def users_with_identity():
    """Users with their roles (one bit each, summed in one subquery: a user is in a group at
    most once), membership and reviewer flag, read in the same query."""
    bit = Case(
        *[When(name=role.value, then=Value(b)) for role, b in ROLE_BITS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    roles = (
        Group.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(bits=Sum(bit))
        .values("bits")
    )
    reviews = Exists(
        Membership.objects.filter(manager=OuterRef("pk"), user__groups__name=Role.COORDINATOR)
    )
    return (
        get_user_model()
        ._default_manager.select_related("membership__agency__municipality")
        .annotate(
            _sspf_roles=Subquery(roles[:1]),
            _sspf_reviews=reviews,
            _sspf_in_group=_exists_for_user("operative_memberships", "user"),
            _sspf_coaches=_exists_for_user("sig_coached", "coach"),
        )
    )


def _related(name):
    """The model of the user model's reverse relation ``name`` (the operative app's group
    memberships, ``operative_memberships``, or SIG persons coached, ``sig_coached``): found
    that way so this floor imports nothing of that app; None without it."""
    relation = getattr(get_user_model(), name, None)
    return relation.rel.related_model if relation is not None else None


def _exists_for_user(relation, field):
    """Whether a row of ``relation``'s model has the user in ``field``, for the user row's query."""
    model = _related(relation)
    if model is None:
        return Value(False)
    return Exists(model.objects.filter(**{field: OuterRef("pk")}))


def _answer(user, name, ask):
    """``name`` of the user's identity: read with the user row by the backend, or else
    ``ask()``-ed (a small query), once per request. A user loaded any other way (a task's
    owner, a recipient; every user outside a request) is asked only what is asked of them."""
    if hasattr(user, "_sspf_reviews"):
        if not hasattr(user, "_sspf_identity"):
            user._sspf_identity = Identity(user)
        return getattr(user._sspf_identity, name)
    return requestcache.cached((name, user.pk), ask)


def roles_of(user):
    return _answer(user, "roles", lambda: frozenset(user.groups.values_list("name", flat=True)))


def membership_of(user):
    return _answer(
        user,
        "membership",
        lambda: Membership.objects.select_related("agency__municipality").filter(user=user).first(),
    )


def reviews_coordinators(user):
    """Whether the user manages a coordinator (and so reviews the access log)."""
    return _answer(
        user,
        "reviews_coordinators",
        lambda: Membership.objects.filter(
            manager=user, user__groups__name=Role.COORDINATOR
        ).exists(),
    )


def in_an_operative_group(user):
    """Whether the user is a member of any operative group."""
    memberships = _related("operative_memberships")
    return _answer(
        user,
        "in_operative_group",
        lambda: memberships is not None and memberships.objects.filter(user=user).exists(),
    )


def coaches_anyone(user):
    """Whether the user is the coach of any SIG person (seed 002: "ungdomscoach")."""
    coached = _related("sig_coached")
    return _answer(
        user,
        "coaches",
        lambda: coached is not None and coached.objects.filter(coach=user).exists(),
    )


NAME = ("content_type__app_label", "codename")


class Backend(ModelBackend):
    """Django's model backend, reading the session's user with its identity, and permissions in
    one query. With local login switched off (``SSPF_LOCAL_LOGIN``) no password signs in,
    on any login page."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not getattr(settings, "SSPF_LOCAL_LOGIN", True):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        try:
            user = users_with_identity().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.values_list(*NAME)
            else:
                perms = (
                    Permission.objects.filter(user=user_obj)
                    .order_by()
                    .values_list(*NAME)
                    .union(
                        Permission.objects.filter(group__user=user_obj)
                        .order_by()
                        .values_list(*NAME)
                    )
                )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in perms}
        return user_obj._perm_cache
