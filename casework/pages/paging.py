"""Paging for lists that can grow without bound (the access log: millions of rows in a large
municipality). An exact count of them on every view took over a second (issue 11); these lists
count at most ``CAP`` rows and say "more than" beyond it — the filters narrow what one needs."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    capped = False

    @cached_property
    def count(self):
        counted = self.object_list[: CAP + 1].count()  # COUNT(*) over at most CAP + 1 rows
        self.capped = counted > CAP
        return min(counted, CAP)
