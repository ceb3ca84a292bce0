"""The case page as a caseworker reads it: the summary at the top, the sections (a registry other apps
add to), the timeline in plain words, the reasons a stage change is refused, and the partial updates
(htmx) with their full-page fallback."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import screening as screening_domain
from ctm.cases.domain.cases import assign_case, change_stage, update_case
from ctm.cases.domain.queries.requirements import StageConditionsMissing, missing_for_stage
from ctm.cases.interfaces.sections import Fact, Section, case_sections, page_sections, register_section
from ctm.cases.models import Case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, personas, who="caseworker", language="en"):
    client.force_login(personas.membership(who).user)
    with translation.override(language):
        url = reverse("cases:detail", args=[personas.case.number])
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _eligible(personas):
    by = personas.caseworker
    decision = screening_domain.propose_eligibility(
        personas.case,
        by=by,
        data={
            "trafficking_status": "ActualVictimOfTrafficking",
            "decision_body": "NGO",
            "decided_on": datetime.date(2026, 1, 5),
        },
    )
    screening_domain.review_eligibility(decision, by=personas.case_manager, approve=True)


# --- the summary and the sections


def test_the_summary_names_the_stage_its_age_and_what_is_still_to_record(client, personas):
    body = page(client, personas)
    summary = body[
        body.index('id="case-summary"') : body.index("</section>", body.index('id="case-summary"'))
    ]
    assert "Screening" in summary and "since" in summary
    for missing in (
        "Screening interview",
        "Eligibility decision",
        "Victim context",
        "Consent to the processing",
    ):
        assert missing in summary
    assert reverse("cases:screening", args=[personas.case.number]) in summary  # linked to its form
    assert "Next task" in summary  # a line the assistance app adds to the summary


def test_recorded_parts_leave_the_list_of_what_is_missing(client, personas):
    consent_domain.record_consent(
        personas.case,
        by=personas.caseworker,
        data={"scope": "processing", "given_on": datetime.date(2026, 1, 5)},
    )
    body = page(client, personas)
    summary = body[body.index('id="case-summary"') :]
    summary = summary[: summary.index("</section>")]
    assert "Consent to the processing" not in summary
    assert "Processing of personal data" in summary  # the consent state


def test_every_registered_section_is_a_tab_and_a_section(client, personas):
    body = page(client, personas)
    keys = [s.key for s in case_sections() if s.key != "minor"]  # an adult: no minor's section
    assert "assistance" in keys  # registered by another app, the register does not import it
    for key in keys:
        assert f'href="#{key}"' in body and f'<section id="{key}" class="case-section"' in body
    assert 'id="minor"' not in body


def test_another_app_adds_a_section_with_its_data_and_summary_line(personas):
    before = list(case_sections())
    try:
        register_section(
            Section(
                "referrals-test",
                "Referrals",
                "cases/sections/_notes.html",
                order=85,
                context=lambda m, c: {"referrals": [1, 2]},
                facts=lambda m, c, ctx: [Fact("Referrals", len(ctx["referrals"]))],
            )
        )
        context = {"case": personas.case}
        shown, facts = page_sections(personas.caseworker, personas.case, context)
        keys = [s.key for s in shown]
        assert keys.index("notes") < keys.index("referrals-test") < keys.index("attachments")
        assert context["referrals"] == [1, 2] and Fact("Referrals", 2) in facts
    finally:
        from ctm.cases.interfaces import sections

        sections._SECTIONS.pop("referrals-test")
    assert case_sections() == before


# --- the timeline


def test_the_timeline_names_people_and_values_not_ids_or_codes(client, personas):
    cw, mgr = personas.caseworker, personas.case_manager
    mgr.user.first_name, mgr.user.last_name = "Maria", "Manager"
    mgr.user.save(update_fields=["first_name", "last_name"])
    assign_case(personas.case, by=mgr, owner=mgr.user, assignees=[cw.user])
    case = Case.objects.get(pk=personas.case.pk)
    update_case(case, by=cw, data={"high_risk": True}, version=case.version)
    body = page(client, personas)
    timeline = body[body.index('id="timeline"') :]
    assert "<strong>Maria Manager</strong>: Owner or team changed" in timeline
    assert f"Owner: {cw.user.get_full_name() or cw.user.username} → Maria Manager" in timeline
    assert "High risk: no → yes" in timeline or "High risk: yes" in timeline
    for code in ("True", "False", "∅", "cases.case.", f"Owner: {cw.user.pk}"):
        assert code not in timeline
    french = page(client, personas, language="fr")
    timeline = french[french.index('id="timeline"') :]
    assert "Owner or team changed" not in timeline and "non → oui" in timeline


# --- stage changes refused with their reasons


def test_a_return_without_consent_or_decision_is_refused_with_what_is_missing(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("cases:stage", args=[personas.case.number])
    response = client.post(url, {"stage": "return"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "An approved eligibility decision" in body and "consent to a voluntary return" in body
    missing = body[body.index('id="stage-missing"') :]
    assert reverse("cases:add_consent", args=[personas.case.number]) in missing
    assert reverse("cases:eligibility", args=[personas.case.number]) in missing
    assert 'id="id_stage_error"' in body  # on the field, tied to it
    assert Case.objects.get(pk=personas.case.pk).stage == "screening"


def test_the_stage_form_says_beforehand_what_a_return_still_needs(client, personas):
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:stage", args=[personas.case.number])).content.decode()
    conditions = body[body.index('id="stage-conditions"') :]
    assert "Voluntary return" in conditions or "Return" in conditions
    assert reverse("cases:add_consent", args=[personas.case.number]) in conditions


def test_a_return_with_its_conditions_goes_through(client, personas):
    _eligible(personas)
    consent_domain.record_consent(
        personas.case, by=personas.caseworker, data={"scope": "return", "given_on": datetime.date(2026, 1, 5)}
    )
    client.force_login(personas.caseworker.user)
    response = client.post(reverse("cases:stage", args=[personas.case.number]), {"stage": "return"})
    assert response.status_code == 302
    assert Case.objects.get(pk=personas.case.pk).stage == "return"


def test_a_withdrawn_return_consent_does_not_count(personas):
    _eligible(personas)
    consent = consent_domain.record_consent(
        personas.case, by=personas.caseworker, data={"scope": "return", "given_on": datetime.date(2026, 1, 5)}
    )
    consent_domain.withdraw_consent(consent, by=personas.caseworker, on=datetime.date(2026, 1, 6))
    assert [m.key for m in missing_for_stage(personas.case, "return")] == ["consent"]
    with pytest.raises(StageConditionsMissing):
        change_stage(personas.case, by=personas.caseworker, stage="return")


def test_saving_the_current_stage_needs_no_condition(personas):
    case = personas.case
    change_stage(case, by=personas.caseworker, stage="screening")  # unchanged: nothing to check


# --- htmx: partial updates, and their fallback


def test_a_form_asked_by_htmx_posts_itself_and_swaps_its_section(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("cases:add_note", args=[personas.case.number])
    plain = client.get(url).content.decode()
    assert "hx-post" not in plain  # without JavaScript: an ordinary form page
    body = client.get(url, **HTMX).content.decode()
    form = re.search(r'<form [^>]*id="part-form-add_note"[^>]*>', body).group(0)
    assert 'id="part-form-add_note"' in form and f'hx-post="{url}"' in form and 'hx-select="#notes"' in form


def test_a_refused_form_under_htmx_replaces_itself(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("cases:add_note", args=[personas.case.number])
    response = client.post(url, {"body": ""}, **HTMX, HTTP_HX_CURRENT_URL="http://testserver/x/")
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#part-form-add_note" and response["HX-Reswap"] == "outerHTML"


def test_a_saved_form_under_htmx_is_followed_back_to_the_case_page(client, personas):
    client.force_login(personas.caseworker.user)
    case_url = reverse("cases:detail", args=[personas.case.number])
    url = reverse("cases:add_note", args=[personas.case.number])
    response = client.post(
        url, {"body": "Called the shelter."}, **HTMX, HTTP_HX_CURRENT_URL=f"http://testserver{case_url}"
    )
    assert response.status_code == 302 and response["Location"].startswith(case_url)


def test_an_htmx_request_sent_to_another_page_reloads_the_whole_page(client, personas):
    """The session ended (or a step is owed): the login page is not swapped into a section."""
    case_url = reverse("cases:detail", args=[personas.case.number])
    url = reverse("cases:add_note", args=[personas.case.number])
    response = client.get(url, **HTMX, HTTP_HX_CURRENT_URL=f"http://testserver{case_url}")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_the_case_list_filters_update_the_list_in_place(client, personas):
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:list")).content.decode()
    form = re.search(r'<form method="get" class="filters"[^>]*>', body).group(0)
    assert 'hx-get="/cases/"' in form and 'hx-select="#case-results"' in form and 'action="/cases/"' in form
    bad = client.get(reverse("cases:list"), {"opened_from": "2026-02-01", "opened_to": "2026-01-01"}, **HTMX)
    assert bad.status_code == 400 and 'id="case-results"' in bad.content.decode()
    results = bad.content.decode()[bad.content.decode().index('id="case-results"') :]
    assert 'role="alert"' in results  # the message is inside what htmx swaps in


def test_htmx_is_served_locally_and_configured_for_the_csp(client, personas):
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:list")).content.decode()
    assert '/static/ctm/vendor/htmx/htmx.min.js"' in body
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body).group(1)
    import json

    settings = json.loads(config)
    assert settings["allowEval"] is False and settings["includeIndicatorStyles"] is False
    assert settings["historyCacheSize"] == 0  # pages with names never go to localStorage
    assert "<script>" not in body and "hx-on" not in body


# --- attacks on the declared parts: each keeps its door, its manager check and its record lookup


def test_a_record_of_another_case_cannot_be_reached_through_this_case(client, personas):
    """`find` looks the record up on the case of the URL: another case's consent, named by its id
    through this case's address, is a 404 and stays as it was (the domain would withdraw it)."""
    from ctm.cases.models import Consent
    from tests import factories

    other = factories.make_case(personas.caseworker, given="Ana", family="Lungu")  # also hers to write
    consent = consent_domain.record_consent(
        other, by=personas.caseworker, data={"scope": "research", "given_on": datetime.date(2026, 1, 5)}
    )
    client.force_login(personas.caseworker.user)
    url = reverse("cases:withdraw_consent", args=[personas.case.number, consent.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"withdrawn_on": "2026-01-06", "withdrawn_by": "person"})
    assert response.status_code == 404
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_a_managers_part_refuses_a_caseworker_and_changes_nothing(client, personas):
    client.force_login(personas.caseworker.user)
    before = Case.objects.get(pk=personas.case.pk).owner_id
    url = reverse("cases:assign", args=[personas.case.number])
    response = client.post(url, {"owner": personas.caseworker.user.pk}, **HTMX)
    assert response.status_code == 403
    assert Case.objects.get(pk=personas.case.pk).owner_id == before


def test_a_read_only_member_cannot_save_a_part_in_place(client, personas):
    from ctm.cases.models import Note

    client.force_login(personas.auditor.user)
    url = reverse("cases:add_note", args=[personas.case.number])
    response = client.post(url, {"body": "an auditor's note"}, **HTMX)
    assert response.status_code == 404  # the write door: as if there were no such case
    assert not Note.objects.filter(case=personas.case).exists()


def test_the_timeline_labels_other_records_values_and_lists(personas):
    """Values of the assistance records and lists of codes read as words; a record's id is left out."""
    from ctm.core.changes import Names, change_lines

    lines = change_lines(
        {
            "service": [None, 119],
            "status": ["planned", "not_available"],  # a service's status, not a case's
            "task": ["plan_approval", "done"],
            "means_of_control": [[], ["DebtBondage", "FalsePromises"]],
            "shelter": [None, "Casa Speranta"],
            "narrative": [None, None],
        },
        Names([]),
        app="assistance",
    )
    assert lines == [
        "Service",
        "Status: Planned → Not available",
        "Task: Assistance plan to approve → Done",
        "Methods of control: Debt bondage, False promises",
        "Shelter: Casa Speranta",
    ]


def test_route_events_keep_their_day(client, personas):
    """The route section shows the day an event began and ended, as recorded (not only its month)."""
    screening_domain.add_event(
        personas.case,
        by=personas.caseworker,
        data={
            "event_type": "Transit",
            "country": "RO",
            "start_date": datetime.date(2025, 6, 14),
            "end_date": datetime.date(2025, 6, 20),
        },
    )
    body = page(client, personas)
    route = body[body.index('id="route"') :].split("</section>")[0]
    assert "2025-06-14" in route and "2025-06-20" in route
