"""One shell around every page: one menu of the user's own work, their name, municipality and
logout, the language switch once; a link only to pages that open for the user; the
municipality's colour; the landing pages of the steering group and the administrator."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Outbox, OutboxStatus
from sspf_flow.models import Municipality


def menu_links(page):
    menu = page.split('data-testid="shell-menu"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a [^>]*href="([^"]+)"', menu)


@pytest.fixture
def people(users, manager, admin_user):
    return {
        "coordinator": users["samordnare"],
        "school": users["skola"],
        "police": users["polis"],
        "manager": manager,
        "steering group": users["styrgrupp"],
        "administrator": admin_user,
    }


@pytest.mark.parametrize(
    "who", ["coordinator", "school", "police", "manager", "steering group", "administrator"]
)
def test_every_menu_link_opens_for_its_user_in_the_same_shell(client, people, who):
    user = people[who]
    client.force_login(user)
    landing = client.get("/", follow=True)
    page = landing.content.decode()
    links = menu_links(page)
    assert links, f"{who} has an empty menu"
    for url in links:
        response = client.get(url, follow=True)  # "Ny aktualisering" leads on to the form
        assert response.status_code == 200, f"{who}: {url} answers {response.status_code}"
        shown = response.content.decode()
        assert shown.count('data-testid="shell-menu"') == 1, url
        assert menu_links(shown) == links, f"{who}: {url} has another menu"
        assert user.get_full_name() in shown and 'data-testid="shell-logout"' in shown, url
        assert shown.count('name="language"') == 1, url
        assert "Django Material" not in shown and "Django-administration" not in shown, url


def test_each_role_sees_only_its_own_work_in_the_menu(client, people):
    def menu_of(who):
        client.force_login(people[who])
        return menu_links(client.get("/sspf/notifications/").content.decode())

    coordinator, school = menu_of("coordinator"), menu_of("school")
    assert "/case/inbox/" in coordinator and "/case/queue/" in coordinator
    assert "/sspf/consultations/" in coordinator
    # the steps are the coordinator's: agency staff would find an inbox that is always empty
    assert "/case/inbox/" not in school and "/sspf/consultations/" not in school
    assert "/case/start/" in school and "/sspf/dashboard/" in school
    assert "/log/" in menu_of("manager")
    client.force_login(people["administrator"])
    administrator = menu_links(client.get("/administration/").content.decode())
    assert "/administration/" in administrator and "/sspf/list/" not in administrator


def test_the_shell_names_the_user_and_the_municipality(client, people):
    client.force_login(people["school"])
    page = client.get("/sspf/dashboard/").content.decode()
    assert 'data-testid="shell-municipality">Exempelkommun<' in page
    assert "Sara" in page.split('data-testid="shell-user">', 1)[1][:40]
    assert "Skola" in page  # the role by its name, not its group code


def test_the_municipality_colour_themes_the_shell(client, people, municipality):
    client.force_login(people["coordinator"])
    assert "--mdc-theme-primary: #1d4f91" in client.get("/sspf/dashboard/").content.decode()
    municipality.colour = "#1d5c63"
    municipality.full_clean()
    municipality.save()
    assert "--mdc-theme-primary: #1d5c63" in client.get("/sspf/dashboard/").content.decode()


@pytest.mark.parametrize("colour", ["#ffcc00", "blue", "#12345"])
def test_a_colour_white_text_cannot_be_read_on_is_refused(municipality, colour):
    municipality.colour = colour
    with pytest.raises(ValidationError) as refused:
        municipality.full_clean()
    assert "colour" in refused.value.message_dict


def test_the_administration_hub_links_the_administrators_work_and_counts_unsent_mail(
    client, people
):
    Outbox.objects.create(
        key="k1",
        kind="meeting",
        to="x@exempel.invalid",
        subject="s",
        status=OutboxStatus.FAILED,
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    client.force_login(people["administrator"])
    page = client.get("/administration/").content.decode()
    for url in (
        "/admin/auth/user/",
        "/admin/sspf_flow/agency/",
        "/admin/sspf_flow/municipality/",
        "/forms/",
        "/admin/notifications/outbox/",
        "/log/",
        "/log/roles/",
    ):
        assert f'href="{url}"' in page, url
    assert "1 e-post kunde inte skickas" in page
    assert Municipality.objects.count() == 1 and "SSPF-" not in page


def test_the_steering_group_lands_on_its_page_and_sees_no_case(client, people, refer):
    case = refer()
    client.force_login(people["steering group"])
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/steering/"
    page = response.content.decode()
    assert 'data-testid="steering"' in page and case.number not in page
