"""The one shell around every page: a menu of the user's own work, their name, municipality
and roles, the language switch and the logout. A context processor, so that the pages outside
viewflow's site (the landing pages, the administration hub) wear it too.

Each link is shown only to whom the page it leads to admits (the same ``access`` rule the page
asks), so the menu never offers a page that would refuse."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from sspf_flow import access, sessions
from sspf_flow.models import Role

from ..workflow.flows import CaseFlow
from . import overview


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str
    badge: int = 0
    badge_title: str = ""
    current: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    links: tuple


def _case_work(user):
    """The case work. The flow's steps are the coordinator's (``CaseFlow`` assigns them to the
    case's coordinator), so the inbox, queue and archive are in a coordinator's menu only."""
    coordinator = access.is_coordinator(user)
    flow = CaseFlow.instance
    dashboard = reverse("sspf:dashboard")
    links = [
        (_("To do"), flow.reverse("inbox"), "inbox", coordinator),
        (_("Queue"), flow.reverse("queue"), "move_to_inbox", coordinator),
        (_("Done"), flow.reverse("archive"), "archive", coordinator),
        (_("Overview"), dashboard, "dashboard", True),
        (_("All cases"), reverse("sspf:case_list"), "folder_shared", True),
        (_("New referral"), flow.start.reverse("execute"), "person_add", True),
        (_("My referrals"), reverse("sspf:my_referrals"), "outbox", True),
        (_("Consultations"), reverse("sspf:consultations"), "support_agent", coordinator),
        # the register extract (GDPR art. 15) lives in reporting, above this floor: by its name
        (_("Register extracts"), reverse("reporting:register"), "assignment_ind", coordinator),
        (
            _("Notifications"),
            reverse("sspf:preferences"),
            "notifications",
            access.chooses_notifications(user),
        ),
    ]
    overdue = overview.overdue_count(user) if coordinator else 0
    return [
        Link(label, url, icon)
        if url != dashboard
        else Link(label, url, icon, overdue, _("Overdue follow-ups and actions"))
        for label, url, icon, shown in links
        if shown
    ]


def _sections(user):
    sections = []
    if access.works_with_cases(user):
        sections.append(Section(_("Case work"), _case_work(user)))
    group_links = [
        Link(label, reverse(name), icon)
        for label, name, icon, shown in (
            (_("Operative groups"), "operative:index", "groups", access.has_operative_group),
            (
                _("My young people in SIG"),
                "operative:sig_coached",
                "sports",
                access.coaches_someone,
            ),
        )
        if shown(user)
    ]
    if group_links:
        sections.append(Section(_("Operative group"), group_links))
    if access.reads_statistics(user):
        sections.append(
            Section(
                _("Steering group"),
                [Link(_("Steering report"), reverse("reporting:steering"), "insights")],
            )
        )
    if access.can_review_log(user):
        sections.append(
            Section(
                _("Review"),
                [
                    Link(_("Access log"), reverse("log:index"), "policy"),
                    Link(_("Per young person"), reverse("log:youth_report"), "person_search"),
                    Link(_("Role changes"), reverse("log:role_changes"), "manage_accounts"),
                ],
            )
        )
    if access.administers(user):
        admin_links = [Link(_("Administration"), reverse("administration"), "settings")]
        if access.can_edit_forms(user):
            admin_links.append(Link(_("Form templates"), reverse("forms:index"), "dynamic_form"))
        sections.append(Section(_("Administration"), admin_links))
    return sections


def _mark_current(sections, path):
    """The link whose address is the longest start of the page's path is the current one."""
    best = max(
        (link.url for section in sections for link in section.links if path.startswith(link.url)),
        key=len,
        default=None,
    )
    return [
        Section(
            section.title,
            [Link(**{**link.__dict__, "current": link.url == best}) for link in section.links],
        )
        for section in sections
    ]


@dataclass(frozen=True)
class Shell:
    name: str
    municipality: str
    colour: str
    roles: str
    sections: list


def _shell(request):
    user = request.user
    agency = access.agency_of(user)
    return Shell(
        name=user.get_full_name() or user.get_username(),
        municipality=agency.municipality.name if agency else "",
        colour=agency.municipality.colour if agency else "",
        roles=", ".join(
            sorted(str(Role(role).label) for role in access.roles_of(user) if role in Role)
        ),
        sections=_mark_current(_sections(user), request.path),
    )


def shell(request):
    """Context processor: ``shell`` for a signed-in user, built only when a page shows it."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    left, absolute = sessions.remaining(request.session) if hasattr(request, "session") else (0, 0)
    return {
        "shell": SimpleLazyObject(lambda: _shell(request)),
        # the idle warning's countdown (casework/session.js), from the server's clock
        "session_left": left,
        "session_left_absolute": absolute,
        "session_warning_seconds": settings.SSPF_IDLE_WARNING_MINUTES * 60,
    }
