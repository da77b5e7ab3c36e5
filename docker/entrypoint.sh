#!/bin/sh
# The SSPF image's entrypoint. The first argument picks what the container runs:
#   web              wait for the database, migrate, then serve with gunicorn on 0.0.0.0:8000
#   worker | beat    the Celery worker / the Celery beat scheduler (exactly one beat per install)
#   migrate          wait for the database, then apply migrations and exit
#   manage ARGS...   any manage.py command, e.g. `manage createsuperuser`
#   healthcheck      what the image's HEALTHCHECK runs (see docs/operations.md)
# Extra arguments after web/worker/beat/migrate go to gunicorn, celery or migrate.
set -eu

# The project root is the directory above this script: /app in the image, the checkout when the
# script is run by hand or by tests/test_docker_files.py.
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-project.settings}"

# Which process this container runs, so that `healthcheck` (a separate process started by Docker)
# knows what to check.
ROLE_FILE="${TMPDIR:-/tmp}/sspf-role"

log() {
    printf 'sspf-entrypoint: %s\n' "$*" >&2
}

is_true() {  # $1: value, $2: variable name for the error message
    case "$1" in
        1 | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | [Oo][Nn]) return 0 ;;
        0 | [Ff][Aa][Ll][Ss][Ee] | [Nn][Oo] | [Oo][Ff][Ff]) return 1 ;;
        *)
            log "$2 must be true or false, not '$1'"
            exit 64
            ;;
    esac
}

record_role() {
    printf '%s\n' "$1" >"$ROLE_FILE" 2>/dev/null || true
}

# Exit 0 when Django can connect, 75 when the database is not (yet) reachable. Any other failure
# (a bad setting, an unreadable *_FILE) prints its traceback and is not retried.
db_ready() {
    python - <<'PY'
import sys

import django
from django.db import connection
from django.db.utils import OperationalError

django.setup()
try:
    connection.ensure_connection()
except OperationalError as exc:
    print(f"database not reachable yet: {exc}".strip(), file=sys.stderr)
    sys.exit(75)
PY
}

wait_for_db() {
    tries="${SSPF_DB_WAIT_TRIES:-30}"
    delay="${SSPF_DB_WAIT_SECONDS:-2}"
    attempt=1
    while :; do
        status=0
        db_ready || status=$?
        if [ "$status" -eq 0 ]; then
            return 0
        fi
        if [ "$status" -ne 75 ]; then
            log "cannot check the database (exit $status): fix the configuration above"
            exit "$status"
        fi
        if [ "$attempt" -ge "$tries" ]; then
            log "the database did not answer after $tries attempts; giving up"
            exit 1
        fi
        log "waiting for the database (attempt $attempt of $tries, next in ${delay}s)"
        attempt=$((attempt + 1))
        sleep "$delay"
    done
}

# web: gunicorn answers a plain GET of the login page (no database query) with a status < 500.
# worker: the Celery worker on this host answers a ping through the broker.
# beat: no probe of its own; the container's process state is its health.
healthcheck() {
    role="${1:-}"
    if [ -z "$role" ]; then
        role="$(cat "$ROLE_FILE" 2>/dev/null || echo web)"
    fi
    case "$role" in
        web)
            python - <<'PY'
import http.client
import sys

from django.conf import settings

hosts = [host for host in settings.ALLOWED_HOSTS if host != "*"]
host = hosts[0].lstrip(".") if hosts else "localhost"
try:
    conn = http.client.HTTPConnection("127.0.0.1", 8000, timeout=10)
    conn.request("GET", "/accounts/login/", headers={"Host": host, "X-Forwarded-Proto": "https"})
    status = conn.getresponse().status
except OSError as exc:
    sys.exit(f"web: no answer on port 8000: {exc}")
if status >= 500:
    sys.exit(f"web: /accounts/login/ answered {status}")
PY
            ;;
        worker)
            node="celery@$(python -c 'import socket; print(socket.gethostname())')"
            celery -A project inspect ping --timeout 10 --destination "$node" >/dev/null
            ;;
        beat) ;;
        *)
            log "healthcheck: unknown role '$role'"
            exit 64
            ;;
    esac
}

usage() {
    log "usage: entrypoint.sh web|worker|beat|migrate|healthcheck [ARGS...] | manage ARGS..."
    exit 64
}

[ "$#" -gt 0 ] || usage
command="$1"
shift

case "$command" in
    web)
        wait_for_db
        if is_true "${SSPF_MIGRATE_ON_START:-true}" SSPF_MIGRATE_ON_START; then
            python manage.py migrate --noinput
        fi
        record_role web
        exec gunicorn project.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${WEB_CONCURRENCY:-2}" \
            --access-logfile - \
            --error-logfile - \
            --worker-tmp-dir /dev/shm \
            --no-control-socket \
            "$@"
        ;;
    worker)
        wait_for_db
        record_role worker
        exec celery -A project worker -l info "$@"
        ;;
    beat)
        # The schedule file lives in SSPF_VAR_DIR (default: var/ in the project root).
        mkdir -p "${SSPF_VAR_DIR:-var}"
        record_role beat
        exec celery -A project beat -l info "$@"
        ;;
    migrate)
        wait_for_db
        exec python manage.py migrate --noinput "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    healthcheck)
        healthcheck "$@"
        ;;
    *)
        usage
        ;;
esac
