"""The titles of the register extract's records (``extract``): a consent by its period, an
incident by its day and kind, a signer by the guardian's name or their role, and so on."""

from sspf_flow.models import Action, Guardian

from .extract_rows import moment


def period(consent):
    return {"start": rows_day(consent.valid_from), "end": rows_day(consent.valid_to)}


def rows_day(day):
    return day.strftime("%Y-%m-%d")


def occurred(incident):
    return f"{rows_day(incident.occurred_on)} – {incident.get_kind_display()}"


def made(report):
    return rows_day(report.made_on)


def at(record):
    return moment(record.at)


def day(record):
    return rows_day(record.day)


def recorded(reading):
    return f"{rows_day(reading.recorded_on)} – {reading.get_point_display()}"


def what(measure):
    return measure.what[:80]


def signer(names):
    def title(signer):
        if signer.guardian_id:
            return names.of(Guardian, signer.guardian_id)
        return str(signer.get_role_display())

    return title


def evaluated(names):
    return lambda evaluation: names.of(Action, evaluation.action_id)[:80]
