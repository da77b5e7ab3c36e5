"""One lock order for every path that changes a case: the case's row first, then its
process's row.

The services lock the case row (``sspf_flow.services``); viewflow locks the process row around
every task it completes, cancels or starts (``Flow.lock``). With viewflow's own lock a task step
took the process and then the case, while closing from the case page took the case and then the
process (``steps.close`` → ``end_processes`` → ``cancel``): two coordinators at once deadlocked,
and the loser's error surfaced inside an aborted transaction. Here the flow's lock takes the
case's row before the process's, so both paths queue in the same order: the second waits for
the first to commit and then finds the case changed (a refusal in words, nothing written).

The lock waits rather than failing at once (no NOWAIT, no retry loop that could catch a
database error inside the caller's transaction); PostgreSQL's deadlock detection remains the
backstop for orders this module does not govern. On SQLite (the demo) row locks do not exist
and the database serialises writers itself.
"""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from sspf_flow.models import Case


class CaseThenProcessLock:
    @contextmanager
    def __call__(self, flow_class, process_pk):
        processes = flow_class.process_class._default_manager.filter(pk=process_pk)
        with transaction.atomic():
            kind, case_pk = processes.values_list(
                "artifact_content_type_id", "artifact_object_id"
            ).first() or (None, None)
            if case_pk is not None and kind == ContentType.objects.get_for_model(Case).pk:
                list(Case.objects.select_for_update().filter(pk=case_pk).values("pk"))
            list(processes.select_for_update().values("pk"))
            yield


case_then_process_lock = CaseThenProcessLock()
