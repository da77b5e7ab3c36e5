"""An invited agency's picture of the young person before a meeting (seed 001's "lägesbild"):
what it knows, what it does, strengths and risks. The staff of an agency the meeting invites and
a consent covers write it, and revise it until the meeting is held; the coordinator reads every
picture at the hold-meeting step, and the case page and the held meeting's protocol show them to
each reader under the disclosure rule (``Sight.picture``): the writer always sees its own."""

from collections import namedtuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import generic

from sspf_flow import access, accesslog, record_guards, records
from sspf_flow.models import AccessAction

from ..perform import PerformOrExplain
from .page_forms import PictureForm

# ``pictures``: those the reader may see, by agency name; ``missing``: the invited agencies
# that have given none (that an agency wrote nothing is no information about the young person).
Board = namedtuple("Board", "pictures missing hidden")


def board(meeting, sight):
    """The meeting's pictures ``sight`` may see and the invited agencies without a picture;
    ``hidden`` counts the pictures the consent keeps from the reader. Reads
    ``meeting.pictures`` and ``meeting.invited_agencies`` as prefetched, if they are."""
    pictures = sorted(meeting.pictures.all(), key=lambda picture: picture.agency.name)
    given = {picture.agency_id for picture in pictures}
    shown = [picture for picture in pictures if sight.picture(picture)]
    missing = sorted(
        (agency for agency in meeting.invited_agencies.all() if agency.pk not in given),
        key=lambda agency: agency.name,
    )
    return Board(shown, missing, len(pictures) - len(shown))


class PictureView(PerformOrExplain, generic.FormView):
    form_class = PictureForm
    template_name = "casework/picture.html"
    title = _("Our picture before the meeting")

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.case = access.get_case_for(request.user, kwargs["number"])  # 404 unless a reader
        self.meeting = get_object_or_404(
            self.case.meetings.prefetch_related("invited_agencies"), pk=kwargs["pk"]
        )
        if not access.writes_picture(request.user, self.meeting, reads_case=True):
            raise PermissionDenied
        agency = access.agency_of(request.user)
        self.picture = self.meeting.pictures.filter(agency=agency).select_related("author").first()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.picture is None:
            return {}
        return {field: getattr(self.picture, field) for field in record_guards.PICTURE_FIELDS}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        accesslog.record(self.request, [self.case], self.title)
        return super().get_context_data(
            title=self.title,
            case=self.case,
            meeting=self.meeting,
            picture=self.picture,
            ahead=record_guards.picture_meeting_ahead(self.meeting, timezone.now()) is None,
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        records.write_picture(
            self.meeting,
            self.request.user,
            **{field: data[field] for field in record_guards.PICTURE_FIELDS},
        )
        messages.success(
            self.request,
            _("Your agency's picture is saved; the coordinator reads it at the meeting."),
        )

    def done(self):
        accesslog.record(self.request, [self.case], self.title, AccessAction.CHANGE)
        return redirect("sspf:case_detail", self.case.number)
