"""Error pages (403, 404, 500, a refused CSRF check) use the site's layout, speak the user's language
and offer a way back; none leaks what it refused."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from config.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urls]
handler500 = "ctm.core.views.errors.server_error"


def in_layout(response, status: int) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="skip-link"' in html and "<main" in html  # base.html
    assert 'href="/" role="button"' in html  # a way back
    return html


def test_404_in_the_layout_in_english_and_in_french(client):
    assert "Page not found" in in_layout(client.get("/no/such/page/"), 404)
    client.cookies["django_language"] = "fr"
    assert "Page introuvable" in in_layout(client.get("/no/such/page/"), 404)


def test_a_case_that_is_not_yours_is_the_same_404(client, personas):
    client.force_login(personas.outsider.user)
    html = in_layout(client.get(reverse("cases:detail", args=[personas.case.number])), 404)
    assert "Olga" not in html and personas.case.number not in html


def test_403_in_the_layout(client, personas):
    client.force_login(personas.caseworker.user)
    assert "Not allowed" in in_layout(client.get(reverse("core:organization")), 403)


def test_csrf_failure_in_the_layout():
    client = Client(enforce_csrf_checks=True)
    html = in_layout(client.post(reverse("accounts:login"), {"username": "x", "password": "y"}), 403)
    assert "The form could not be sent" in html


@override_settings(ROOT_URLCONF=__name__)
def test_500_in_the_layout():
    client = Client(raise_request_exception=False)
    html = in_layout(client.get("/boom/"), 500)
    assert "Something went wrong" in html and "a bug" not in html
