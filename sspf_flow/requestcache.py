"""Answers worth reusing for the length of one web request (a user's roles, agency, the menu's
count), so that a page asks the database once however often it asks the access module.

The cache lives in a context variable opened by ``casework.middleware.RequestCacheMiddleware``
around each request and dropped at its end. Outside a request (Celery, commands, tests calling
functions directly) nothing is cached: every call asks the database, so no answer outlives the
request that read it."""

from contextlib import contextmanager
from contextvars import ContextVar

_cache = ContextVar("sspf_request_cache", default=None)


@contextmanager
def scope():
    """Cache answers until the block ends (one request)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def cached(key, compute):
    """``compute()``, asked once per request for ``key`` (a tuple)."""
    store = _cache.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def remember(key, value):
    """Store an answer found on the way (e.g. a count a page computed anyway)."""
    store = _cache.get()
    if store is not None:
        store[key] = value
    return value
