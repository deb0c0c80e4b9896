"""Errors raised by the services; `message` is French and can be shown to a user."""

from __future__ import annotations

from bot.domain.complaint import DomainError


class NotFound(DomainError):
    def __init__(self, message: str = "Dossier introuvable.") -> None:
        super().__init__(message, "not_found")


class Forbidden(DomainError):
    def __init__(self, message: str = "Action réservée à un responsable.") -> None:
        super().__init__(message, "forbidden")


class InvalidInput(DomainError):
    def __init__(self, message: str, code: str = "invalid_input") -> None:
        super().__init__(message, code)
