"""Logging filters named in ``settings.LOGGING``."""

import logging

EXPECTED_REFUSALS = {403, 404}


class RefusalsWithoutTraceback(logging.Filter):
    """A page refused (403) or not found (404) is an expected answer, not an error: Django's
    request log keeps its one line (status and path) but not the traceback of the
    ``PermissionDenied``, which would bury real errors and could quote the refused values.
    Server errors (500) keep theirs."""

    def filter(self, record):
        if getattr(record, "status_code", None) in EXPECTED_REFUSALS:
            record.exc_info = None
            record.exc_text = None
        return True
