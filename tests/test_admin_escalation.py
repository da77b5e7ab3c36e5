"""Nobody raises their own rights in /admin/: the administrator cannot give himself a case
role, staff or superuser status; an administrator holds no case role; every role given or taken
is recorded and shown to the log's reviewers; and the outbox shows no recipient's address.

The forms are posted back as a browser would: what the rendered change page holds, with the
test's changes on top."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission, User

from notifications import outbox
from notifications.models import Outbox, OutboxStatus
from sspf_flow import access
from sspf_flow.models import AccessLog, Membership, Role, RoleChange

GUARDIAN = "vardnadshavare.ett@example.invalid"
OWN_ROLES = "Du kan inte ändra dina egna roller"
BOTH_ROLES = "En administratör kan inte samtidigt ha en roll i ärendearbetet"


class FormReader(HTMLParser):
    """What a browser sends for the form with ``form_id``: named, enabled fields; checked
    boxes; selected options; no submit buttons."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.select = self.textarea = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "file", "image"):
                self.add(name, attrs.get("value") or "")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def user_url(user):
    return f"/admin/auth/user/{user.pk}/change/"


def post_back(client, user, **changes):
    """Open ``user``'s change page, then post its form back with ``changes``."""
    page = client.get(user_url(user))
    assert page.status_code == 200
    reader = FormReader("user_form")
    reader.feed(page.content.decode())
    return client.post(user_url(user), {**reader.data, **changes})


def role(name):
    return str(Group.objects.get(name=name).pk)


def roles_of(user):
    return set(user.groups.values_list("name", flat=True))


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("olga", "olga@exempel.invalid", "pw-for-tests-only")


@pytest.fixture
def newcomer(agencies):
    """A new colleague at the school, without a role yet."""
    user = User.objects.create_user("nils", password="pw-for-tests-only")
    Membership.objects.create(user=user, agency=agencies["skola"])
    return user


# No escalation


def test_the_administrator_cannot_give_himself_the_coordinator_role(client, admin_user):
    client.force_login(admin_user)
    recorded = RoleChange.objects.count()

    answer = post_back(client, admin_user, groups=[role(Role.ADMIN), role(Role.COORDINATOR)])

    assert answer.status_code == 200
    assert OWN_ROLES in answer.content.decode()
    assert roles_of(admin_user) == {Role.ADMIN}
    assert RoleChange.objects.count() == recorded


def test_ones_own_roles_are_shown_but_cannot_be_changed(client, admin_user):
    client.force_login(admin_user)
    page = client.get(user_url(admin_user)).content.decode()
    assert OWN_ROLES in page
    reader = FormReader("user_form")
    reader.feed(page)
    assert "groups" not in reader.data  # the field is disabled

    saved = post_back(client, admin_user, first_name="Adam")  # the rest of the page still saves

    assert saved.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.first_name == "Adam" and roles_of(admin_user) == {Role.ADMIN}


@pytest.mark.parametrize("whom", ["admin", "skola"])
def test_a_forged_post_makes_nobody_staff_or_superuser(client, admin_user, users, whom):
    client.force_login(admin_user)
    page = client.get(user_url(users[whom])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    permission = Permission.objects.get(codename="coordinate_case")

    answer = post_back(
        client,
        users[whom],
        is_superuser="on",
        is_staff="on",
        user_permissions=[str(permission.pk)],
    )

    assert answer.status_code == 302  # saved, the forged fields ignored
    user = User.objects.get(pk=users[whom].pk)
    assert not user.is_superuser
    assert user.is_staff == (whom == "admin")
    assert not user.user_permissions.exists()


def test_a_forged_post_to_the_add_page_makes_a_plain_user(client, admin_user):
    client.force_login(admin_user)
    reader = FormReader("user_form")
    reader.feed(client.get("/admin/auth/user/add/").content.decode())
    password = "Ett-långt-lösen-9"
    forged = {"is_superuser": "on", "is_staff": "on", "groups": [role(Role.COORDINATOR)]}
    answer = client.post(
        "/admin/auth/user/add/",
        {**reader.data, "username": "mallory", "password1": password, "password2": password}
        | forged,
    )
    assert answer.status_code == 302
    created = User.objects.get(username="mallory")
    assert not (created.is_superuser or created.is_staff) and roles_of(created) == set()


def test_the_administrator_gives_an_agency_role_and_takes_it_away_both_recorded(
    client, admin_user, newcomer
):
    client.force_login(admin_user)

    assert post_back(client, newcomer, groups=[role(Role.SCHOOL)]).status_code == 302
    assert roles_of(newcomer) == {Role.SCHOOL}
    given = RoleChange.objects.get(user=newcomer)
    assert (given.actor, given.role, given.granted) == (admin_user, Role.SCHOOL, True)

    assert post_back(client, newcomer, groups=[]).status_code == 302
    assert roles_of(newcomer) == set()
    taken = RoleChange.objects.filter(user=newcomer).latest("pk")
    assert (taken.actor, taken.role, taken.granted) == (admin_user, Role.SCHOOL, False)
    assert RoleChange.objects.filter(user=newcomer).count() == 2


@pytest.mark.parametrize("actor", ["admin", "superuser"])
@pytest.mark.parametrize("case_role", sorted(access.CASE_ROLES))
def test_an_administrator_cannot_also_have_a_case_role(
    client, admin_user, superuser, users, actor, case_role
):
    client.force_login(superuser if actor == "superuser" else admin_user)
    clerk = users["styrgrupp"]
    recorded = RoleChange.objects.count()

    answer = post_back(client, clerk, groups=[role(Role.ADMIN), role(case_role)])

    assert answer.status_code == 200
    assert BOTH_ROLES in answer.content.decode()
    assert roles_of(clerk) == {Role.STEERING_GROUP}
    assert RoleChange.objects.count() == recorded


def test_the_administrator_may_make_another_user_an_administrator(client, admin_user, users):
    client.force_login(admin_user)
    clerk = users["styrgrupp"]
    answer = post_back(client, clerk, groups=[role(Role.ADMIN), role(Role.STEERING_GROUP)])
    assert answer.status_code == 302
    assert roles_of(clerk) == {Role.ADMIN, Role.STEERING_GROUP}


def test_a_superuser_still_sets_staff_and_superuser_status(client, superuser, users):
    client.force_login(superuser)
    answer = post_back(client, users["admin"], is_staff="on", is_superuser="on")
    assert answer.status_code == 302
    promoted = User.objects.get(pk=users["admin"].pk)
    assert promoted.is_staff and promoted.is_superuser


def test_a_superuser_cannot_change_his_own_roles_either(client, superuser):
    client.force_login(superuser)
    answer = post_back(client, superuser, groups=[role(Role.COORDINATOR)])
    assert answer.status_code == 200 and OWN_ROLES in answer.content.decode()
    assert roles_of(superuser) == set()


def test_the_administrator_cannot_change_a_superuser_or_set_his_password(
    client, admin_user, superuser
):
    client.force_login(admin_user)
    page = client.get(user_url(superuser))
    assert page.status_code == 200 and 'name="username"' not in page.content.decode()
    assert client.post(user_url(superuser), {"username": "olga"}).status_code == 403
    password = f"/admin/auth/user/{superuser.pk}/password/"
    assert client.get(password).status_code == 403
    forged = {"password1": "Ny-lösen-123!", "password2": "Ny-lösen-123!"}
    assert client.post(password, forged).status_code == 403


# Role changes outside the admin


def test_a_role_changed_in_code_is_recorded_once_without_an_actor(newcomer):
    school = Group.objects.get(name=Role.SCHOOL)
    police = Group.objects.get(name=Role.POLICE)

    newcomer.groups.add(school)
    newcomer.groups.add(school)  # already held: no change
    newcomer.groups.remove(police)  # not held: no change
    school.user_set.remove(newcomer)  # from the group's side

    changes = list(RoleChange.objects.filter(user=newcomer).order_by("pk"))
    assert [(c.role, c.granted, c.actor) for c in changes] == [
        (Role.SCHOOL, True, None),
        (Role.SCHOOL, False, None),
    ]


def test_clearing_a_users_roles_records_each_one(newcomer):
    newcomer.groups.add(*Group.objects.filter(name__in=[Role.SCHOOL, Role.STEERING_GROUP]))
    newcomer.groups.clear()
    removed = RoleChange.objects.filter(user=newcomer, granted=False)
    assert sorted(removed.values_list("role", flat=True)) == [Role.SCHOOL, Role.STEERING_GROUP]


def test_a_role_change_cannot_be_altered_or_deleted(newcomer):
    newcomer.groups.add(Group.objects.get(name=Role.SCHOOL))
    change = RoleChange.objects.get(user=newcomer)
    change.granted = False
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()


# The role-change log


@pytest.mark.parametrize("reviewer", ["admin", "manager"])
def test_the_reviewers_read_who_changed_which_role(client, admin_user, manager, newcomer, reviewer):
    client.force_login(admin_user)
    post_back(client, newcomer, groups=[role(Role.SOCIAL_SERVICES)])
    client.force_login(admin_user if reviewer == "admin" else manager)

    page = client.get("/log/roles/")

    assert page.status_code == 200
    newest = page.context["page"][0]
    assert (newest.actor, newest.user, newest.role) == (admin_user, newcomer, "socialtjanst")
    text = page.content.decode()
    assert "Socialtjänst" in text and ">socialtjanst<" not in text
    assert "tilldelad" in text and "nils" in text and "adam" in text


@pytest.mark.parametrize("who", ["samordnare", "skola", "styrgrupp"])
def test_others_may_not_read_the_role_changes(client, users, who):
    client.force_login(users[who])
    assert client.get("/log/roles/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    answer = client.get("/log/roles/")
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")


# The outbox


@pytest.fixture
def guardian_mail(refer):
    case = refer()
    row = outbox.enqueue(
        key=f"meeting:1:1:invitation:{GUARDIAN}",
        kind="meeting_invitation",
        to=GUARDIAN,
        subject=f"SSPF: inbjudan till möte i ärende {case.number}",
        body_text=f"Ärende: {case.number}\nÖppna i SSPF: https://sspf.invalid/",
        calendar=f"BEGIN:VCALENDAR\nATTENDEE;RSVP=FALSE:mailto:{GUARDIAN}\nEND:VCALENDAR",
    )
    Outbox.objects.filter(pk=row.pk).update(
        status=OutboxStatus.FAILED, last_error=f"550 5.1.1 <{GUARDIAN}>: Recipient unknown"
    )
    return case, row


def test_the_outbox_list_masks_the_recipient(client, admin_user, guardian_mail):
    client.force_login(admin_user)
    page = client.get("/admin/notifications/outbox/")
    assert page.status_code == 200
    text = page.content.decode()
    assert GUARDIAN not in text and "vardnadshavare" not in text
    assert "v***@e***.invalid" in text


def test_an_outbox_row_shows_no_address_and_its_viewing_is_logged(
    client, admin_user, guardian_mail
):
    case, row = guardian_mail
    client.force_login(admin_user)
    logged = AccessLog.objects.filter(case=case, user=admin_user)
    assert not logged.exists()

    page = client.get(f"/admin/notifications/outbox/{row.pk}/change/")

    assert page.status_code == 200
    text = page.content.decode()
    assert GUARDIAN not in text and "vardnadshavare" not in text
    assert case.number in text  # the e-mail names the case by number only, by design
    entry = logged.get()
    assert entry.what == "utgående e-post i administrationen" and entry.had_basis
    history = client.get(f"/admin/notifications/outbox/{row.pk}/history/").content.decode()
    assert "vardnadshavare" not in history


def test_the_outbox_cannot_be_searched_or_filtered_for_an_address(
    client, admin_user, guardian_mail
):
    client.force_login(admin_user)
    assert client.get("/admin/notifications/outbox/?to__startswith=v").status_code == 400
    assert client.get("/admin/notifications/outbox/?key__contains=vard").status_code == 400
    assert client.get("/admin/notifications/outbox/?status__exact=failed").status_code == 200


def test_an_outbox_row_is_not_changed_in_the_admin(client, admin_user, guardian_mail):
    _case, row = guardian_mail
    client.force_login(admin_user)
    answer = client.post(f"/admin/notifications/outbox/{row.pk}/change/", {"to": "x@y.se"})
    assert answer.status_code == 403
    assert Outbox.objects.get(pk=row.pk).to == GUARDIAN


def test_send_again_still_queues_a_failed_row(client, admin_user, guardian_mail):
    _case, row = guardian_mail
    client.force_login(admin_user)
    answer = client.post(
        "/admin/notifications/outbox/",
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    assert answer.status_code == 302
    assert Outbox.objects.get(pk=row.pk).status == OutboxStatus.QUEUED
