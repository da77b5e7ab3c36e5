"""Paging for lists that can grow without bound (the access log: millions of rows in a large
municipality; the coordinators' queue: thousands of untaken steps in a region). An exact count
of them on every view took over a second (issue 11); these lists count at most ``cap`` rows and
say "more than" beyond it — the filters narrow what one needs."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    capped = False
    cap = CAP

    @cached_property
    def count(self):
        # COUNT(*) over at most cap + 1 rows, in no order (an order would sort them all first)
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)
