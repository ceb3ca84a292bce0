"""Org A (home) refers a case to org B (the outsider's organization) in a real browser: B accepts,
records the services delivered and closes with feedback that A reads. Then, in the middle of another
referral, A records the withdrawal of the person's consent while B's page is open: B's next request
shows nothing of the record."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from ctm.referrals.models import Referral
from tests.browser.test_case_flow import login
from tests.referrals.objects import accepted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refer_accept_deliver_and_close_with_feedback(page, live_server, personas):
    p = personas
    n = p.case.number
    login(page, live_server, "manager")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/cases/{n}/")
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Scope").select_option("referral")
    page.get_by_label("Organization (for a referral)").select_option(label="Outsider NGO")
    page.get_by_label("Given by").select_option("person")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{n}/#consent")

    page.get_by_role("button", name="Refer or transfer").click()
    page.get_by_label("Who receives it").select_option("organization")
    page.get_by_label("Organization in CTM").select_option(label="Outsider NGO")
    page.get_by_label("Reason for the referral").fill("Needs a lawyer where she was exploited.")
    page.locator("input[name=services][value=legal]").check()
    page.locator("input[name=parts][value=identity]").check()
    page.get_by_label("Urgency").select_option("routine")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/referrals/*/")
    referral = Referral.objects.get(case=p.case)
    page.get_by_role("button", name="Log out").click()

    login(page, live_server, "outsider")
    page.wait_for_url("**/cases/")
    page.get_by_role("link", name="Referrals").first.click()
    expect(page.get_by_text(n)).to_be_visible()
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert page.get_by_text("once you accept").is_visible()
    assert not page.get_by_text("Petrova").count()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Petrova").first).to_be_visible()  # the identity, shared after accepting
    page.get_by_role("button", name="Record services delivered").click()
    page.get_by_role("button", name="Save").click()  # the requested services are ticked already
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    page.get_by_role("button", name="Close with feedback").click()
    page.get_by_label("Feedback to the sending organization").fill("A lawyer represents her now.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    assert not page.get_by_text("Petrova").count()  # closed: the access ended
    page.get_by_role("button", name="Log out").click()

    login(page, live_server, "manager")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/referrals/?box=sent")
    page.get_by_role("link", name=referral.sent_at.strftime("%Y-%m-%d")).click()
    expect(page.get_by_text("A lawyer represents her now.")).to_be_visible()
    assert page.get_by_text("Closed with feedback").first.is_visible()


def test_consent_withdrawn_mid_referral_ends_the_receivers_access(browser, live_server, personas):
    p = personas
    referral = accepted(p, parts=("identity", "events"))
    url = f"{live_server.url}/referrals/{referral.pk}/"
    receiver = browser.new_context(locale="en-GB").new_page()
    sender = browser.new_context(locale="en-GB").new_page()
    try:
        login(receiver, live_server, "outsider")
        receiver.wait_for_url("**/cases/")
        receiver.goto(url)
        assert receiver.get_by_text("Petrova").first.is_visible()

        login(sender, live_server, "manager")
        sender.wait_for_url("**/cases/")
        sender.goto(f"{live_server.url}/cases/{p.case.number}/")
        sender.get_by_role("link", name="Record withdrawal").first.click()
        sender.get_by_label("Withdrawn on").fill(datetime.date.today().isoformat())
        sender.get_by_label("Withdrawn by").select_option("person")
        sender.get_by_role("button", name="Save").click()
        sender.wait_for_url(f"**/cases/{p.case.number}/#consent")

        receiver.reload()  # the receiver's session, still open on the shared record
        assert not receiver.get_by_text("Petrova").count()
        assert receiver.get_by_text("withdrew their consent").is_visible()
        assert not receiver.get_by_role("button", name="Record services delivered").count()
    finally:
        receiver.context.close()
        sender.context.close()
