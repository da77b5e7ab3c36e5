from .facts import CaseFact, CaseHappening, ConsultationFact, GradeBand, Happening

__all__ = ["CaseFact", "CaseHappening", "ConsultationFact", "GradeBand", "Happening"]
