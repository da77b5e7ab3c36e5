"""How long one hand-off to the workers keeps a request waiting when the broker (Redis) is down.

A case change queues its e-mails and hands them to Celery after commit; with Redis down, that
hand-off fails and the sweep sends them later. This measures the failing hand-off itself,
against an address where nothing listens, with the project's Celery settings::

    .venv/bin/python bench/broker_down.py [ROUNDS]

It needs no database. Prints each round's time in seconds and the median.
"""

import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "project.settings"
os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"


def main(rounds):
    import django

    django.setup()
    from notifications import outbox

    times = []
    for _round in range(rounds):
        start = time.perf_counter()
        with contextlib.suppress(Exception):  # the failure is what is measured
            outbox.deliver.delay(0)
        times.append(time.perf_counter() - start)
    print(" ".join(f"{t:.3f}" for t in times))
    print(f"median {statistics.median(times):.3f} s, max {max(times):.3f} s over {rounds} rounds")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
