from django.db import models


class AppendOnly(models.Model):
    """A record written once and never changed or deleted by the application (history, the
    access log, journal notes). ``append_only_reason`` says what to do instead."""

    append_only_reason = "This record is append-only"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(self.append_only_reason)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(self.append_only_reason)
