"""The reporting app's models: the statistics' de-identified facts (``facts``) and the register
extract's requests (``register``)."""

from .facts import CaseFact, CaseHappening, ConsultationFact, GradeBand, Happening
from .register import HandedOverHow, ReceivedHow, RegisterRequest

__all__ = [
    "CaseFact",
    "CaseHappening",
    "ConsultationFact",
    "GradeBand",
    "Happening",
    "HandedOverHow",
    "ReceivedHow",
    "RegisterRequest",
]
