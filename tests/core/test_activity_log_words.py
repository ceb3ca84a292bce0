"""The activity log page speaks people's language: for the entries of every app, user and
organization names instead of ids and codes, country and language names, yes/no, dates in the
reader's format, translated field labels, no empty change and no Python representation — in English
and in French. It shows what the log stores, nothing decrypted (masked values stay masked)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from ctm.cases.domain.cases import assign_case, update_case
from ctm.cases.models import Case
from ctm.core.domain.activity import MASK, record

pytestmark = pytest.mark.django_db

# (action, changes) as the apps write them (shapes taken from `ctm demo`'s log and the domain code)
ENTRIES = [
    (
        "accounts.user.created",
        {"role": [None, "auditor"], "office": [None, "HQ"], "platform_admin": [None, True]},
    ),
    ("accounts.user.notification_email_changed", {"notify_by_email": [False, True]}),
    ("accounts.two_factor.reset", {"devices_removed": [None, 2], "api_tokens_revoked": [None, 1]}),
    ("accounts.login.succeeded", {"two_factor": [None, False]}),
    ("cases.case.opened", {"stage": [None, "screening"], "status": [None, "Active"]}),
    ("cases.case.updated", {"high_risk": [False, True], "narrative": [None, None], "owner_note": [None, ""]}),
    ("cases.case.shared", {"shared_with": [None, "OUT"], "attachments": [None, False]}),
    ("cases.consent.recorded", {"scope": [None, "return"], "organization": [None, None]}),
    ("cases.consent.withdrawn", {"scope": ["assistance", None], "withdrawn_on": [None, "2026-10-18"]}),
    (
        "cases.document.added",
        {"issuing_country": [None, "NG"], "kind": [None, "passport"], "number": [None, MASK]},
    ),
    (
        "cases.eligibility.reviewed",
        {"state": ["proposed", "approved"], "trafficking_status": [None, "ActualVictimOfTrafficking"]},
    ),
    ("cases.event.added", {"country": [None, "UA"], "event_type": [None, "Transit"], "place": [None, MASK]}),
    (
        "cases.screening.recorded",
        {
            "language": [None, "uk"],
            "debt": [None, True],
            "violence": [None, False],
            "interview_date": [None, "2026-11-01"],
            "transit_countries": [None, []],
            "travel_documents": [None, "forged"],
            "recruitment_cost": [None, "2100.00"],
        },
    ),
    (
        "cases.victim_context.updated",
        {
            "means_of_control": [None, ["FalsePromises", "PhysicalThreats"]],
            "exploitation_types": [None, ["ForcedLabour"]],
            "recruitment_country": [None, "KG"],
            "forced_labour_industry": [None, ""],
        },
    ),
    ("cases.person.viewed", {"purpose": "case page", "parts": ["identity"], "reader_organization": "OUT"}),
    ("cases.person.searched", {"by": "search box", "terms": ["names", "years"]}),
    (
        "assistance.assessment.recorded",
        {
            "safety_risk": ["medium", "high"],
            "risk_factors": [None, 3],
            "high_risk": [False, True],
            "task": [None, "high_risk_follow_up"],
        },
    ),
    (
        "assistance.plan.created",
        {"plan": [None, 24], "objectives": [None, MASK], "responsible": [None, "USER"]},
    ),
    (
        "assistance.plan.approved",
        {"plan": [None, 24], "status": ["draft", "approved"], "superseded": [None, []]},
    ),
    (
        "assistance.service.recorded",
        {
            "service": [None, 83],
            "support_type": [None, "medical"],
            "provider_kind": [None, "own"],
            "cost": [None, "43811 NGN"],
        },
    ),
    ("assistance.shelter.admitted", {"shelter": [None, "Harbour House"], "service": [None, 78]}),
    (
        "referrals.referral.sent",
        {
            "referral": 8,
            "kind": "referral",
            "state": [None, "sent"],
            "to": "OUT",
            "parts": ["identity", "eligibility"],
            "services": ["legal", "psychosocial"],
            "urgency": "urgent",
        },
    ),
    ("referrals.referral.declined", {"referral": 4, "state": ["sent", "declined"], "reason": [None, MASK]}),
    (
        "reintegration.solution.planned",
        {
            "solution": [None, 19],
            "kind": [None, "return"],
            "destination_country": [None, "MD"],
            "destination_place": [None, MASK],
            "task": [None, "return_approval"],
        },
    ),
    (
        "reintegration.solution.arrived",
        {
            "status": ["departed", "arrived"],
            "arrived_on": [None, "2026-06-10"],
            "tasks": [None, ["monitoring_3_months"]],
        },
    ),
    (
        "reintegration.closure.checklist_confirmed",
        {
            "checks": [None, ["person_informed", "services_settled"]],
            "open_tasks": [None, 1],
            "closed": [None, True],
        },
    ),
    (
        "reintegration.scoring.updated",
        {"weights": [{"indicators": {"income_source": "1"}}, {"indicators": {"income_source": "2"}}]},
    ),
    (
        "reintegration.visit.recorded",
        {"visit": [None, 28], "milestone": [None, "3"], "outcome": [None, "staying"], "notes": [None, None]},
    ),
    ("funds.fund.created", {"total": [None, "25000.00 USD"], "reviewers": [None, 1]}),
    ("funds.fund.closed", {"is_open": [True, False], "remaining": [None, "8800.00 USD"]}),
    (
        "funds.request.decided",
        {
            "state": ["in_review", "partly_approved"],
            "committed": [None, "320.00 USD"],
            "by_organization": "CHI",
        },
    ),
    ("funds.request.identity_granted", {"identity_granted": [False, True]}),
    ("directory.entry.created", {"visibility": [None, "shared"], "country": [None, "TH"]}),
    ("linkage.run.created", {"lists": [None, ["police", "ngo"]], "threshold": [None, 0.9]}),
    ("linkage.run.linked", {"clusters": [None, 41]}),
    ("linkage.estimate.created", {"method": [None, "loglinear"], "bootstrap": [None, True]}),
    ("privacy.dataset.uploaded", {"rows": [None, 120], "columns": [None, 9]}),
    ("privacy.release.created", {"method": [None, "kanon"], "epsilon": [None, None], "dataset": [None, 3]}),
    ("privacy.research_view.exported", {"rows": [None, 40], "organizations": [None, ["ORG_ID"]]}),
]
# Python representations: a bare True/False/None as a value, a dict, a list, a quoted string
RAW = re.compile(r"(^|[:→,]\s)(True|False|None)\s*($|[→,])|[{}\[\]]|\['|': |', '|∅|: — → —", re.M)
KEYS = sorted({key for _action, changes in ENTRIES for key in changes})


def _fill(personas):
    by = personas.org_admin.user
    by.first_name, by.last_name = "Petra", "Zamfir"
    by.save(update_fields=["first_name", "last_name"])
    for action, changes in ENTRIES:
        changes = {
            k: [v[0], personas.caseworker.user.pk] if v == [None, "USER"] else v for k, v in changes.items()
        }
        changes = {
            k: [None, [personas.other_org.pk]] if v == [None, ["ORG_ID"]] else v for k, v in changes.items()
        }
        record(action, actor=by, organization=personas.org, label="C-2026-00001", changes=changes)
    mgr = personas.case_manager  # and entries written by the domain itself
    assign_case(personas.case, by=mgr, owner=mgr.user, assignees=[personas.caseworker.user])
    case = Case.objects.get(pk=personas.case.pk)
    update_case(case, by=personas.caseworker, data={"high_risk": True}, version=case.version)


def _changes_column(client, personas, language):
    client.force_login(personas.auditor.user)
    with translation.override(language):
        body = client.get(reverse("core:activity"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    table = re.sub(r"<code>[^<]*</code>", "", table)  # the action code stays, for the filter
    return html.unescape(re.sub(r"<[^>]+>", "\n", table))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_log_reads_in_plain_words_for_every_app(client, personas, language):
    _fill(personas)
    text = _changes_column(client, personas, language)
    assert not RAW.search(text), f"{RAW.search(text)!r} in the activity log ({language})"
    for key in KEYS:
        assert not re.search(rf"^{re.escape(key)}\s*:", text, re.M), f"raw key {key!r} ({language})"
        if "_" in key:
            assert key not in text, f"raw key {key!r} ({language})"
    for code in ("ActualVictimOfTrafficking", "FalsePromises", "high_risk_follow_up", "person_informed"):
        assert code not in text
    assert "Petra Zamfir" in text  # the user's name; the username stays beside it, for the filter
    assert (personas.caseworker.user.get_full_name() or personas.caseworker.user.username) in text
    assert "Outsider NGO" in text and "Home NGO" in text  # organizations by name, not code


def test_the_log_in_english_names_values(client, personas):
    _fill(personas)
    text = _changes_column(client, personas, "en")
    for line in (
        "High risk: no → yes",
        "Issuing country: Nigeria",
        "Language of interview: Ukrainian",
        "Document number: (not shown)",
        "Search terms: names, birth years",
        "Kind: Voluntary return",
        "Methods of control: False promises, Physical threats",
        "Shared with: Outsider NGO",
        "Sent to: Outsider NGO",
        "Assistance plan",
        "Weights of the indicators",
    ):
        assert line in text, line
    assert "Open to requests: yes → no" in text and "Interview date: Nov. 1, 2026" in text


def test_the_log_in_french_translates_labels_and_values(client, personas):
    _fill(personas)
    text = _changes_column(client, personas, "fr")
    assert "non → oui" in text and "\u00a0: Ukrainien" in text and "Moldova, République de" in text
    for english in ("High risk", "Shared with", "Sent to", "(not shown)", "Weights of the indicators"):
        assert english not in text, english


def test_the_log_decrypts_nothing(client, personas):
    """A masked value reads "(not shown)"; the person's name (encrypted) is never on the page."""
    _fill(personas)
    text = _changes_column(client, personas, "en")
    person = personas.case.person
    for secret in (person.given_name, person.family_name):
        assert secret and secret not in text
