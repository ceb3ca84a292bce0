"""In a real browser, in French: the personal-data and screening forms saved unchanged change no
stored field (a French date rendered as `02/04/1995` is dropped by `<input type=date>`, so an unchanged
save erased the birth date and a screening could not be saved at all)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.test_unchanged_save import _screened, stored_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_page(browser, live_server, personas):
    client = Client()
    client.force_login(personas.caseworker.user)
    context = browser.new_context(locale="fr-FR")
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": "fr", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.mark.parametrize(("name", "date_field", "iso"), [
    ("cases:edit_person", "birth_date", "1995-04-02"),
    ("cases:screening", "interview_date", "2024-02-05"),
])  # fmt: skip
def test_a_french_form_saved_unchanged_changes_nothing(french_page, live_server, personas, name, date_field, iso):
    case = _screened(personas)
    french_page.goto(live_server.url + reverse(name, args=[case.number]))
    assert french_page.locator("html").get_attribute("lang") == "fr"
    assert french_page.locator(f"input[name={date_field}]").input_value() == iso
    before = stored_rows()
    french_page.get_by_role("button", name="Enregistrer").click()
    french_page.wait_for_url(f"**/cases/{case.number}/#*")
    after = stored_rows()
    changed = {
        (key, field): (value, after[key][field])
        for key, row in before.items()
        if key in after
        for field, value in row.items()
        if after[key][field] != value
    }
    assert not changed
    assert set(after) == set(before)
