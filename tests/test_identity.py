"""Who the signed-in user is costs nothing beyond the session's user row
(``sspf_flow.identity``): it comes with the roles, the agency and whether they review the access
log, and the permissions viewflow asks for come in one query. Still as fresh as before: a role
taken away counts at the next request."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from sspf_flow import access, requestcache
from sspf_flow.identity import Backend
from sspf_flow.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_the_session_user_brings_roles_agency_and_review_in_the_same_query(
    users, agencies, django_assert_num_queries
):
    coordinator = users["samordnare"]
    manager = users["socialtjanst"]
    Membership.objects.filter(user=coordinator).update(manager=manager)
    with django_assert_num_queries(1):
        loaded = Backend().get_user(manager.pk)
    with requestcache.scope(), django_assert_num_queries(0):
        assert access.roles_of(loaded) == {Role.SOCIAL_SERVICES}
        assert access.agency_of(loaded) == agencies["socialtjanst"]
        assert access.can_review_log(loaded)
    with django_assert_num_queries(1):
        admin = Backend().get_user(users["admin"].pk)
    with requestcache.scope(), django_assert_num_queries(0):
        assert access.roles_of(admin) == {Role.ADMIN}
        assert access.agency_of(admin) is None
        assert access.can_review_log(admin)


def test_a_user_loaded_otherwise_is_asked_only_what_is_asked_once_per_request(
    users, django_assert_num_queries
):
    """A task's owner, a recipient, any user outside a request: small queries, each once."""
    school = User.objects.get(pk=users["skola"].pk)
    with requestcache.scope():
        with django_assert_num_queries(2):  # the roles, the agency
            assert access.works_with_cases(school)
        with django_assert_num_queries(1):  # whether they manage a coordinator
            assert not access.can_review_log(school)
        with django_assert_num_queries(0):
            assert access.works_with_cases(school) and not access.can_review_log(school)


def test_a_role_taken_away_counts_at_the_next_request(users):
    coordinator = users["samordnare"]
    client = Client()
    client.force_login(coordinator)
    assert client.get("/case/inbox/").status_code == 200
    coordinator.groups.remove(Group.objects.get(name=Role.COORDINATOR))
    assert client.get("/case/inbox/").status_code == 403


def test_an_inactive_user_is_signed_out(users):
    client = Client()
    client.force_login(users["skola"])
    assert client.get("/sspf/list/").status_code == 200
    User.objects.filter(pk=users["skola"].pk).update(is_active=False)
    response = client.get("/sspf/list/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_permissions_in_one_query_are_djangos(users, django_assert_num_queries):
    coordinator = users["samordnare"]
    coordinator.user_permissions.add(Permission.objects.get(codename="view_agency"))
    ours = User.objects.get(pk=coordinator.pk)
    with django_assert_num_queries(1):
        permissions = Backend().get_all_permissions(ours)
        assert ours.has_perm("sspf_flow.view_agency")
    djangos = ModelBackend().get_all_permissions(User.objects.get(pk=coordinator.pk))
    assert permissions == djangos
    assert "sspf_flow.view_agency" in permissions and len(permissions) > 1  # and the group's

    inactive = User.objects.get(pk=coordinator.pk)
    inactive.is_active = False
    assert Backend().get_all_permissions(inactive) == set()
    superuser = User(is_superuser=True, is_active=True)
    superuser.pk = 10**6
    assert Backend().get_all_permissions(superuser) == ModelBackend().get_all_permissions(superuser)
