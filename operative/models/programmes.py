"""What the programmes beside the operative group share (seed 001: Youngsters and Top 5,
seed 002: SIG): a person taken up in a programme of a group. Each programme's own model
(``youngsters``, ``top5``, ``sig``) inherits ``ProgrammeEntry``: the young person (a ``Youth``
of the group's municipality, the same one a case of theirs names), optionally their SSPF case,
and who recorded them when. Who reads them: ``access.works_programmes``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeEntry(models.Model):
    group = models.ForeignKey(
        "operative.OperativeGroup",
        on_delete=models.PROTECT,
        related_name="%(class)s_entries",
        verbose_name=_("operative group"),
    )
    youth = models.ForeignKey(
        "sspf_flow.Youth",
        on_delete=models.PROTECT,
        related_name="%(class)s_entries",
        verbose_name=_("young person"),
    )
    case = models.ForeignKey(
        "sspf_flow.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="%(class)s_entries",
        verbose_name=_("SSPF case"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    added_at = models.DateTimeField(_("recorded"))

    class Meta:
        abstract = True
