"""The reporting app's models: the register extract's requests (``register``)."""

from .register import HandedOverHow, ReceivedHow, RegisterRequest

__all__ = ["HandedOverHow", "ReceivedHow", "RegisterRequest"]
