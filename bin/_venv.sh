# Sourced by bin/demo and bin/test: a virtualenv in .venv with the pinned dependencies.
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "SSPF needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
install_project() {  # $1: what to install, e.g. "." or ".[test]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$1"
}
