"""A caseworker on a phone-sized screen sets up an authenticator app, keeps the recovery codes, signs in
again with a code, then with a recovery code — every field reached by its label, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.test_attacks import code_for
from tests.browser.test_case_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} scrolls sideways at 375 px ({width} px)"


def menu(page) -> None:
    """On a phone the header's links are behind the "Menu" button."""
    page.get_by_role("button", name="Menu").click()


def test_enrol_then_sign_in_with_a_code_and_with_a_recovery_code(browser, live_server, personas):
    context = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login(page, live_server, "caseworker")
        page.wait_for_url("**/cases/")
        menu(page)
        page.get_by_role("link", name="caseworker").click()
        page.get_by_role("link", name="Set up an authenticator app").click()
        # the click starts a navigation: measure the set-up page once it is there, not the page in between
        expect(page.get_by_label("Six-digit code from your authenticator app")).to_be_visible()
        fits(page)
        secret = page.locator(".secret").inner_text().strip()
        page.get_by_label("Six-digit code from your authenticator app").fill(code_for(secret))
        page.get_by_role("button", name="Turn on").click()
        expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
        codes = [c.strip() for c in page.locator("ul.recovery-codes code").all_inner_texts()]
        assert len(codes) == 10
        fits(page)
        page.get_by_role("button", name="I have kept them: continue").click()
        menu(page)
        page.get_by_role("button", name="Log out").click()

        login(page, live_server, "caseworker")
        page.wait_for_url("**/accounts/two-factor/**")
        expect(page.get_by_label("Code from your authenticator app, or a recovery code")).to_be_visible()
        assert not page.get_by_role("link", name="Cases").count()  # nothing to open before the code
        fits(page)
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(code_for(secret, 1))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/cases/")
        menu(page)
        page.get_by_role("button", name="Log out").click()

        login(page, live_server, "caseworker")
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(codes[0])
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/cases/")
        page.goto(f"{live_server.url}/accounts/password/")
        fits(page)
    finally:
        context.close()
