"""Context the project floor gives every page, drawn from apps that know nothing of each
other: ``next_group_meeting`` (the next meeting of the user's operative group, shown on the
overview) is asked of ``operative`` only when a page shows it."""

from django.utils.functional import SimpleLazyObject

from operative.queries import next_meeting_of
from sspf_flow import access


def next_group_meeting(request):
    user = getattr(request, "user", None)
    if user is None or not access.member_of_a_group(user):
        return {}  # asks nothing of the database: read with the user's identity
    return {"next_group_meeting": SimpleLazyObject(lambda: next_meeting_of(user) or "")}
