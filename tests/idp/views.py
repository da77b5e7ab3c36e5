import json

from django.contrib.auth.models import Group, User
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt  # the tests' own door to the provider, on 127.0.0.1 only
@require_POST
def users(request):
    """Makes or changes a user: {"username", "password", "groups", "email", "first_name",
    "last_name"}; the groups replace the user's groups."""
    data = json.loads(request.body)
    user, _created = User.objects.get_or_create(username=data["username"])
    for field in ("email", "first_name", "last_name"):
        if field in data:
            setattr(user, field, data[field])
    if "password" in data:
        user.set_password(data["password"])
    user.save()
    if "groups" in data:
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in data["groups"]])
    return JsonResponse({"pk": user.pk, "groups": sorted(data.get("groups", []))})
