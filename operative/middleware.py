"""Refused attempts at the programmes' pages about a named young person (Top 5, SIG,
Youngsters): a logged-in user answered 403 or 404 for a person who exists is written to the
access log as refused, like ``casework.middleware.RefusedAttemptMiddleware`` does for cases."""

from sspf_flow import accesslog

from .models import AgreedMeasure, ConcernTalk, SigEntry, Top5Entry, Top5Measure, YoungstersTrack

_ENTRY = (Top5Entry, "youth_id")
_SIG = (SigEntry, "youth_id")
_TRACK = (YoungstersTrack, "youth_id")
_TALK = (ConcernTalk, "track__youth_id")

# the operative pages whose ``pk`` names a young person's entry (or a row of it)
PERSON_PAGES = {
    "top5_entry": _ENTRY,
    "top5_end": _ENTRY,
    "top5_measure_new": _ENTRY,
    "top5_measure": (Top5Measure, "entry__youth_id"),
    "sig_entry": _SIG,
    "sig_offer": _SIG,
    "sig_answer": _SIG,
    "sig_take_in": _SIG,
    "sig_status": _SIG,
    "sig_close": _SIG,
    "youngsters_track": _TRACK,
    "youngsters_plan": _TRACK,
    "youngsters_close": _TRACK,
    "youngsters_hold": _TALK,
    "youngsters_cancel": _TALK,
    "youngsters_measure": (AgreedMeasure, "talk__track__youth_id"),
}


def person_named_by(match):
    """The young person (id) an operative URL names, if the row it names exists."""
    if match is None or match.namespace != "operative" or match.url_name not in PERSON_PAGES:
        return None
    model, youth = PERSON_PAGES[match.url_name]
    return model.objects.filter(pk=match.kwargs.get("pk")).values_list(youth, flat=True).first()


class RefusedPersonAttemptMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.user.is_authenticated:
            youth_id = person_named_by(getattr(request, "resolver_match", None))
            if youth_id is not None:
                accesslog.record_refused_person(request, youth_id, request.path)
        return response
