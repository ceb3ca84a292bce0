"""The page of a running linkage run follows its progress in place (htmx polls the progress fragment
every 2 s; no meta refresh): the bar moves without the page being loaded again, and once the run is
done the whole page loads once, with the result."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from ctm.linkage.models import LinkageRun
from tests.browser.test_case_flow import login
from tests.browser.test_case_page import until
from tests.linkage_platform.objects import make_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(run, **values) -> None:
    LinkageRun.objects.filter(pk=run.pk).update(updated_at=timezone.now(), **values)


def test_the_progress_moves_without_a_reload_and_the_result_comes_when_done(page, live_server, personas):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    run = make_run(personas.data_manager)
    _state(run, status="running", stage="training", progress=10)
    login(page, live_server, "datamanager")
    page.wait_for_url("**/")
    page.goto(f"{live_server.url}/linkage/runs/{run.pk}/")
    bar = page.locator("#job-progress")
    assert bar.get_attribute("value") == "10"
    assert page.get_by_label("10% done").count() == 1  # the bar is labelled
    page.evaluate("window.ctmSamePage = true")  # gone if the page is loaded again
    _state(run, progress=55, stage="predicting")
    assert until(lambda: page.locator("#job-progress").get_attribute("value") == "55", 15)
    assert page.evaluate("window.ctmSamePage === true")  # updated in place, no reload
    assert page.locator('[aria-live="polite"]').get_by_text("55% done").is_visible()
    _state(run, status="done", stage="done", progress=100)
    # the finished run's page, loaded once (its results need real pairs, which this run has none of)
    def reloaded() -> bool:
        try:
            page.wait_for_load_state()
            return page.evaluate("window.ctmSamePage === undefined")
        except PlaywrightError:  # the context is replaced while the page loads again
            return False

    assert until(reloaded, 15)
    assert until(lambda: page.locator("#job-progress").count() == 0, 5)
    assert errors == []
