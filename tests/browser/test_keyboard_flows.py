"""Registration and consent by keyboard only, on a phone: from the case list, Tab reaches every field
and button in turn, the keys fill, choose and tick, Enter sends — no mouse, no click. A field the
keyboard cannot reach (or reaches only after the page's end) fails the test."""

from __future__ import annotations

import pytest

from ctm.cases.models import Case, Consent
from tests.browser.test_case_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80



def _focused(page) -> str:
    """The focused element: its accessible label (a field's label, a link's or a button's text)."""
    return page.evaluate(
        """() => {
      const el = document.activeElement;
      if (!el || el === document.body) return "";
      const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
      return (label || el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
    }"""
    )


def tab_to(page, name: str) -> None:
    """Press Tab until the focus is on the element named `name` (its label or text starts with it)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if _focused(page).startswith(name):
            return
    raise AssertionError(f"the keyboard never reaches {name!r}")


def choose(page, name: str, option: str) -> None:
    """A closed select: Home, then ArrowDown until the option is chosen."""
    tab_to(page, name)
    page.keyboard.press("Home")
    for _ in range(40):
        if page.evaluate("() => document.activeElement.selectedOptions[0].text").startswith(option):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} not reached by keyboard in {name!r}")


def test_registration_and_consent_by_keyboard_only(phone, live_server, personas):
    page = phone
    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")

    tab_to(page, "New case")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/new/")
    tab_to(page, "Given name")
    page.keyboard.type("Mariana")
    tab_to(page, "Family name")
    page.keyboard.type("Keyboard")
    tab_to(page, "Estimated age")
    page.keyboard.type("24")
    choose(page, "Gender", "Female")
    tab_to(page, "Open the case")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/MD-CHI-*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    case = Case.objects.get(number=number)
    assert case.person.gender == "Feminine" and case.person.estimated_age == 24

    page.goto(f"{live_server.url}/cases/{number}/consents/new/")  # the section's link: tested in place
    choose(page, "Scope", "Assistance")
    choose(page, "Given by", "The person")
    tab_to(page, "Told the purpose of collecting the data")
    page.keyboard.press("Space")
    tab_to(page, "Save")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{number}/#consent")
    consent = Consent.objects.get(case=case)
    assert consent.scope == "assistance" and consent.given_by == "person" and consent.told_purpose
