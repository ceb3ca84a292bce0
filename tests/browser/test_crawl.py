"""Every page of every role, on a phone: signed in as each demo persona (one organization's staff, the
platform admin, another organization's case manager, and a session that typed only the password of
an account with an authenticator app), the crawler (tests/browser/crawler.py) follows every link and
fails on a console error, a failed request, a link the role cannot open (403 or any error), a page
wider than 375 px, or a serious or critical axe-core violation."""

from __future__ import annotations

import pytest

from ctm.cases import demo_data
from tests.browser.crawler import PHONE, crawl_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_ORG = "CHI"
PERSONAS = {
    **{slug: demo_data.demo_username(slug, HOME_ORG) for slug, _, _ in demo_data.DEMO_ROLES},
    "platform-admin": demo_data.PLATFORM_ADMIN,
    "outsider": demo_data.demo_username("case-manager", "BKK"),  # sees CHI's cases shared with BKK only
    "two-factor-pending": demo_data.demo_username("case-manager", HOME_ORG),
}


@pytest.fixture
def demo(db):
    """A small demo installation: three organizations, one user per role, cases in every stage,
    some shared across organizations, with notes, attachments, consents and decisions."""
    demo_data.load_demo(24, seed=7)


def sign_in(page, base: str, username: str) -> str:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo_data.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page.url.removeprefix(base)


def with_authenticator(username: str) -> None:
    from ctm.accounts.models import TotpDevice, User

    TotpDevice.objects.create(user=User.objects.get(username=username), name="app", confirmed=True)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_of_every_role(browser, live_server, demo, persona):
    if persona == "two-factor-pending":
        with_authenticator(PERSONAS[persona])
    context = browser.new_context(locale="en-GB", viewport={"width": PHONE, "height": 812})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        start = sign_in(page, live_server.url, PERSONAS[persona])
        crawl = crawl_site(page, live_server.url, start)
    finally:
        context.close()
    if persona == "two-factor-pending":
        assert start.startswith("/accounts/two-factor/")
        assert all("/cases/" not in url for url in crawl.visited), "a pending session reached the cases"
    assert len(crawl.visited) > 1
    assert not crawl.problems, f"{len(crawl.problems)} problems for {persona}:\n" + "\n".join(
        sorted(set(crawl.problems))
    )
