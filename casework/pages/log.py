"""Reviewing the access log: filter by user, case and period; a flag on accesses without a
lawful basis (should always be none); CSV export; a per-youth report of who accessed their
data. For the administrator and the coordinators' manager; case contents are not shown."""

import csv
import datetime

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from stdnum.se import personnummer
from viewflow.utils import viewprop
from viewflow.views import ListModelView

from sspf_flow import access, accesslog
from sspf_flow.models import AccessAction, AccessLog, Case, Role, Youth

from .. import paging


def role_names(entry):
    """The names of the roles a row records by their group codes ("samordnare,polis")."""
    codes = [code for code in entry.roles.split(",") if code]
    return ", ".join(str(Role(code).label) if code in Role.values else code for code in codes)


def lawful_basis(entry):
    """Whether the access rules allowed it: "Yes", or "No" and why not."""
    if entry.had_basis:
        return pgettext("lawful basis", "Yes")
    if entry.action == AccessAction.REFUSED:
        return pgettext("lawful basis", "No – refused")
    return pgettext("lawful basis", "No – the rules did not allow it")


def shown_basis(entry):
    """``lawful_basis`` for a page: a read the rules did not allow stands out, as the fault to
    investigate it is (a refused attempt showed nothing)."""
    text = lawful_basis(entry)
    if entry.had_basis or entry.action == AccessAction.REFUSED:
        return text
    return format_html("<strong>{}</strong>", text)


class AccessLogFilter(django_filters.FilterSet):
    # a user name typed, not a drop-down of every user (thousands in a region)
    user = django_filters.CharFilter(
        label=_("User name"), field_name="user__username", lookup_expr="iexact"
    )
    case = django_filters.CharFilter(
        label=_("Case number"), field_name="case__number", lookup_expr="iexact"
    )
    # Two plain dates: viewflow's form renderer cannot draw a range (multi-)widget.
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")
    had_basis = django_filters.BooleanFilter(label=_("Lawful basis"))

    class Meta:
        model = AccessLog
        fields = ["user", "case", "since", "until", "had_basis"]


class AccessLogView(ListModelView):
    model = AccessLog
    title = _("Access log")
    columns = ("time", "user", "agency", "roles", "case_number", "what", "action", "ip", "basis")
    filterset_class = AccessLogFilter
    paginate_by = 50
    paginator_class = paging.CappedPaginator
    # named: viewflow would look for sspf_flow/accesslog_list.html (the model's app), and the
    # flag and the refused attempts above the list were never drawn
    template_name = "casework/accesslog_list.html"

    def has_view_permission(self, user, obj=None):
        return access.can_review_log(user)

    @viewprop
    def queryset(self):
        return access.log_visible_to(self.request.user).select_related("user", "agency", "case")

    def time(self, entry):
        local = timezone.localtime(entry.at)
        return format_html('<span class="sspf-date">{}</span>', date_format(local, "Y-m-d H:i"))

    time.short_description = _("Time")
    time.orderby_column = "at"

    def roles(self, entry):
        return role_names(entry)

    roles.short_description = _("Role")
    roles.orderby_column = "roles"

    def case_number(self, entry):
        return entry.case.number if entry.case else ""

    case_number.short_description = _("Case")

    def basis(self, entry):
        return shown_basis(entry)

    basis.short_description = _("Lawful basis")

    def refusal_period(self):
        """The filter's period (from its first day to the end of its last), or else the last
        ``REFUSED_DAYS`` days: (start, end, the days shown or None for the default)."""
        now = timezone.now()
        dates = getattr(self.filterset, "form", None)
        chosen = dates.cleaned_data if dates is not None and dates.is_valid() else {}
        since, until = chosen.get("since"), chosen.get("until")
        if not since and not until:
            return now - datetime.timedelta(days=REFUSED_DAYS), now, None
        start = _start_of(since) if since else now - datetime.timedelta(days=REFUSED_DAYS)
        end = _start_of(until + datetime.timedelta(days=1)) if until else now
        return start, end, (since, until)

    def get_context_data(self, **kwargs):
        visible = access.log_visible_to(self.request.user)
        flagged = visible.filter(had_basis=False).exclude(action=AccessAction.REFUSED).count()
        start, end, chosen = self.refusal_period()
        # with the attempts at the programmes' pages about a municipality's young person
        about_people = access.log_visible_to(self.request.user, caseless=True)
        refusals, bursts = accesslog.refused_attempts(visible | about_people, start, end)
        if chosen is None:
            period = ngettext("the last %(days)d day", "the last %(days)d days", REFUSED_DAYS) % {
                "days": REFUSED_DAYS
            }
        else:
            last = timezone.localtime(end) - datetime.timedelta(microseconds=1)
            period = f"{timezone.localtime(start):%Y-%m-%d} – {last:%Y-%m-%d}"
        burst_rule = ngettext(
            "%(count)d or more within %(minutes)d minute",
            "%(count)d or more within %(minutes)d minutes",
            settings.REFUSED_BURST_MINUTES,
        ) % {"count": settings.REFUSED_BURST_COUNT, "minutes": settings.REFUSED_BURST_MINUTES}
        return super().get_context_data(
            flagged=flagged,
            refusals=refusals,
            bursts=sorted(bursts),
            refusal_period=period,
            burst_rule=burst_rule,
            **kwargs,
        )


# The review's count of refused attempts covers the filter's period, or else these last days.
REFUSED_DAYS = 30


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Echo:
    def write(self, value):
        return value


# The headings are keys for whoever reads the file by program (and tests/test_access_log.py);
# the values are what the log's page shows, in the reviewer's language.
CSV_COLUMNS = ["time", "user", "agency", "role", "case", "what", "action", "ip", "lawful basis"]


def export_csv(request):
    if not access.can_review_log(request.user):
        raise PermissionDenied
    entries = AccessLogFilter(
        request.GET, queryset=access.log_visible_to(request.user), request=request
    ).qs.select_related("user", "agency", "case")
    accesslog.record_export(request, _("access log (CSV)"))
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(entry.at).isoformat(timespec="seconds"),
                    entry.user.username if entry.user else "",
                    entry.agency.name if entry.agency else "",
                    role_names(entry),
                    entry.case.number if entry.case else "",
                    entry.what,
                    entry.get_action_display(),
                    entry.ip or "",
                    lawful_basis(entry),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sspf-access-log.csv"'
    return response


class YouthReportForm(forms.Form):
    number = forms.CharField(
        label=_("Case number or personal identity number"),
        max_length=30,
        help_text=_(
            "A young person in a programme (Top 5, SIG, Youngsters) without a case is "
            "found by their personal identity number."
        ),
    )

    def youth_ids(self):
        """The young people the number names: a case's, or those with the identity number."""
        number = self.cleaned_data["number"].strip()
        if personnummer.is_valid(number):
            return list(
                Youth.objects.filter(personal_number=personnummer.format(number)).values_list(
                    "pk", flat=True
                )
            )
        return list(Case.objects.filter(number__iexact=number).values_list("youth_id", flat=True))


@login_required
def youth_report(request):
    """Who accessed a young person's data, across all their cases: to answer the young person
    or their guardians, and for the review."""
    if not access.can_review_log(request.user):
        raise PermissionDenied
    form = YouthReportForm(request.GET or None)
    entries = None
    if form.is_valid():
        youths = form.youth_ids()
        visible = (
            access.log_visible_to(request.user) | access.log_visible_to(request.user, caseless=True)
        ).filter(youth_id__in=youths)
        if not visible.exists():
            raise Http404
        entries = visible.select_related("user", "agency", "case")
    rows = [(entry, role_names(entry), shown_basis(entry)) for entry in entries or ()]
    return TemplateResponse(
        request, "casework/youth_report.html", {"form": form, "entries": entries, "rows": rows}
    )
