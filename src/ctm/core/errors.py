"""Errors raised by domain functions; views and the API turn them into field errors, 403, 404 or 409."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class NotAllowed(PermissionDenied):
    """The actor may not do this (HTTP 403)."""


class ConflictError(Exception):
    """Someone else saved this object since it was loaded (HTTP 409)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "This record was changed by someone else since you opened it.")


class InvalidTransition(ValidationError):
    """The state change is not allowed from the current state (HTTP 400 / form error)."""
