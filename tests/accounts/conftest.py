"""django-otp's throttling clock, under the test's control."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone


class OtpClock:
    """Stands in for `django_otp.models.timezone`: frozen until the test advances it."""

    def __init__(self) -> None:
        self.now_value = timezone.now()

    def now(self) -> datetime.datetime:
        return self.now_value

    def advance(self, seconds: float) -> None:
        self.now_value += datetime.timedelta(seconds=seconds)


@pytest.fixture
def otp_clock(monkeypatch) -> OtpClock:
    import django_otp.models

    clock = OtpClock()
    monkeypatch.setattr(django_otp.models, "timezone", SimpleNamespace(now=clock.now))
    return clock
