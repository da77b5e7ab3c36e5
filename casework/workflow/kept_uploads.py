"""An uploaded signed form kept across a refused submit, so the coordinator need not attach it
again: the file waits in the private media directory (``MEDIA_ROOT/kept/``, which no URL serves)
under a random name, and the form carries a signed token naming it in a hidden field. A token
older than ``KEPT_FOR`` is refused and its file is swept away the next time a file is kept."""

import secrets
from datetime import timedelta
from pathlib import PurePosixPath

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

KEPT_FOR = timedelta(days=1)
FOLDER = "kept"
SALT = "casework.kept_upload"


class KeptFile(ContentFile):
    """A kept upload read back: saved again with its original name."""


def keep(upload, user):
    """Store ``upload`` for ``user``; the token to put in the form."""
    sweep()
    upload.seek(0)
    suffix = PurePosixPath(upload.name or "").suffix.lower()[:8]
    name = default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}{suffix}", upload)
    upload.seek(0)
    return signing.dumps({"name": name, "filename": upload.name, "user": user.pk}, salt=SALT)


def restore(token, user):
    """The kept file the token names, as a file to save again, or None when the token is forged,
    too old, someone else's, or its file is gone."""
    try:
        kept = signing.loads(token, salt=SALT, max_age=KEPT_FOR)
    except signing.BadSignature:
        return None
    if kept.get("user") != user.pk or not kept["name"].startswith(f"{FOLDER}/"):
        return None
    if not default_storage.exists(kept["name"]):
        return None
    with default_storage.open(kept["name"], "rb") as stored:
        return KeptFile(stored.read(), name=kept["filename"])


def sweep():
    """Remove kept files older than ``KEPT_FOR``."""
    if not default_storage.exists(FOLDER):
        return
    limit = timezone.now() - KEPT_FOR
    for name in default_storage.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
