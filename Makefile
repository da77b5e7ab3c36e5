.PHONY: demo test lint format messages

demo:      ## install and start the demo (web, Celery worker and beat)
	./bin/demo

test:      ## install test dependencies and run linters, checks and every test
	./bin/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

messages:  ## refresh the Swedish catalogue after adding UI strings, then translate them
	.venv/bin/python manage.py makemessages -l sv --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	.venv/bin/python manage.py compilepo
