"""`ctm demo_funds`: the demo's emergency fund and its queue of requests (run by `ctm demo`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ctm.funds.demo import load_fund_demo


class Command(BaseCommand):
    help = "Load the demo's fictional emergency fund and a queue of requests (after `ctm demo`)."

    def handle(self, *args: Any, **options: Any) -> None:
        n = load_fund_demo()
        self.stdout.write(
            f"Emergency fund: {n} requests loaded." if n else "The demo fund is already loaded."
        )
