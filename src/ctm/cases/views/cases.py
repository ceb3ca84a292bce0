"""The case list, search, new case and the case page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ctm.accounts.models import User
from ctm.cases.domain.cases import open_case
from ctm.cases.domain.queries.case_page import case_page
from ctm.cases.domain.queries.cases import (
    duplicate_candidates,
    may_write_shown,
    search_by_document,
    search_by_name_and_birth,
)
from ctm.cases.domain.queries.listing import IDLE_DAYS, case_rows, queue_counts
from ctm.cases.domain.queries.paging import CappedPaginator
from ctm.cases.domain.queries.people import EXPORT_CAP, may_see_names, people_of_cases, record_list_export
from ctm.cases.domain.queries.search import search_cases
from ctm.cases.domain.queries.summary import case_summary
from ctm.cases.domain.queries.timeline import case_timeline
from ctm.cases.enums import DecisionState
from ctm.cases.interfaces import exports
from ctm.cases.interfaces.forms import (
    CaseFilterForm,
    DocumentSearchForm,
    NameSearchForm,
    NewCaseForm,
    SearchForm,
)
from ctm.cases.interfaces.sections import page_sections
from ctm.cases.interfaces.timeline import timeline_entries
from ctm.cases.rules import can_manage_cases, can_write_cases
from ctm.cases.views.helpers import apply_domain_errors, case_url, load_case, reader
from ctm.core.errors import NotAllowed
from ctm.core.links import link_maker
from ctm.core.models import Office


def org_offices(membership: Any) -> Any:
    return Office.objects.filter(organization_id=membership.organization_id)


def org_staff(membership: Any) -> Any:
    return User.objects.filter(
        memberships__organization_id=membership.organization_id,
        memberships__is_active=True,
        memberships__role__in=["caseworker", "case_manager"],
    ).order_by("username")


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    membership = reader(request)
    form = _filter_form(request, membership)
    rows = case_rows(membership, form.filters(), sort=form.ordering())
    page = CappedPaginator(rows, settings.CTM_CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    people = people_of_cases(membership, page.object_list, purpose="case list")
    query = request.GET.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {
        "form": form,
        "page": page,
        "rows": [(case, people.get(case.pk)) for case in page.object_list],
        "with_people": may_see_names(membership),
        "query": query.urlencode(),
        "unsorted": unsorted.urlencode(),
        "sort": form.ordering(),
        "search_form": SearchForm(),
        "name_form": NameSearchForm(),
        "document_form": DocumentSearchForm(),
        "can_open": can_write_cases(membership),
        "queues": queue_counts(membership) if can_manage_cases(membership) else None,
        "idle_days": IDLE_DAYS,
    }
    return render(request, "cases/list.html", context, status=status)


def _filter_form(request: HttpRequest, membership: Any) -> CaseFilterForm:
    """The list's filters. Its owner select lists the organization's staff (hundreds of caseworkers
    in a large one) on every list page: only what an option shows is read (a user's name, an
    office's), not every column of each (passwords' hashes among them)."""
    offices = org_offices(membership).only("id", "name").order_by("name")  # one organization: its order
    return CaseFilterForm(request.GET or None, offices=offices, staff=org_staff(membership).only("id", "username"))


@login_required
@require_GET
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered list (first EXPORT_CAP cases, in its order) as CSV or XLSX; logged."""
    membership = reader(request)
    if fmt not in exports.FORMATS:
        raise Http404
    form = _filter_form(request, membership)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('cases:list')}?{request.GET.urlencode()}")
    cases = case_rows(membership, form.filters(), sort=form.ordering())[:EXPORT_CAP]
    people = people_of_cases(membership, cases, purpose=f"case list export ({fmt})")
    record_list_export(membership, fmt=fmt, rows=len(cases), query=request.GET.urlencode())
    data = exports.write(exports.table(cases, people, with_people=may_see_names(membership)), fmt)
    response = HttpResponse(data, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="cases.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def search_view(request: HttpRequest) -> HttpResponse:
    """The search box, exact name + birth date, or document number: sent by POST, results shown
    without a redirect; a GET (a stale results address) shows the empty forms."""
    membership = reader(request)
    post = request.POST if request.method == "POST" else None
    form = SearchForm(post if post and "q" in post else None)
    name_form = NameSearchForm(post if post and "full_name" in post else None)
    document_form = DocumentSearchForm(post if post and "document_number" in post else None)
    with transaction.atomic():  # the search's entry and the results' in one append to the log, one commit
        results = _search_results(membership, form, name_form, document_form)
        people = people_of_cases(membership, results or [], purpose="search results")
    context = {
        "form": form,
        "name_form": name_form if name_form.is_bound else NameSearchForm(),
        "document_form": document_form if document_form.is_bound else DocumentSearchForm(),
        "results": None if results is None else [(case, people.get(case.pk)) for case in results],
        "with_people": may_see_names(membership),
    }
    status = 400 if post is not None and results is None else 200
    return render(request, "cases/search.html", context, status=status)


def _search_results(membership: Any, form: Any, name_form: Any, document_form: Any) -> list[Any] | None:
    if form.is_bound and form.is_valid():
        return search_cases(membership, form.cleaned_data["q"])
    if name_form.is_bound and name_form.is_valid():
        d = name_form.cleaned_data
        found = search_by_name_and_birth(membership, d["full_name"], d["birth_date"])
    elif document_form.is_bound and document_form.is_valid():
        found = search_by_document(membership, document_form.cleaned_data["document_number"])
    else:
        return None
    return list(found.select_related("owner", "office")[:50])


@login_required
@require_http_methods(["GET", "POST"])
def new_case_view(request: HttpRequest) -> HttpResponse:
    membership = reader(request)
    if not can_write_cases(membership):
        raise PermissionDenied
    form = NewCaseForm(request.POST or None, offices=org_offices(membership))
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        duplicates = duplicate_candidates(
            membership,
            d["given_name"],
            d["family_name"],
            d["birth_date"],
            None,
            estimated_age=d["estimated_age"],
            gender=d["gender"],
            citizenships=d["citizenships"],
            birth_date_is_estimate=d["birth_date_is_estimate"],
        )
        if duplicates and not d["confirm_not_duplicate"]:
            form.add_error("confirm_not_duplicate", "")
        else:
            try:
                case = open_case(
                    by=membership,
                    person_data=form.person_data(),
                    case_data={"office": d["office"], "identified_on": d["identified_on"]},
                )
            except (ValidationError, NotAllowed) as exc:
                if isinstance(exc, NotAllowed):
                    raise
                apply_domain_errors(form, exc)
            else:
                return redirect(case_url(case))
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/new.html", {"form": form, "duplicates": duplicates}, status=status)


@login_required
def case_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    """The case: a summary, then its sections (the register's and other apps', `interfaces.sections`)."""
    membership, case = load_case(request, number)
    context = {
        "case": case,
        **case_page(membership, case),  # one logged read of what the page shows
        "can_write": may_write_shown(membership, case),
        "can_manage": can_manage_cases(membership) and membership.organization_id == case.organization_id,
        "assignees": case.assignees.all(),
        "shares": case.shares.filter(revoked_at__isnull=True).select_related("shared_with"),
        "timeline": timeline_entries(case_timeline(case)),
    }
    context["summary"] = case_summary(case, context)
    context["sections"], context["facts"] = page_sections(membership, case, context)
    _row_links(case, context)
    return render(request, "cases/detail.html", context)


def _row_links(case: Any, context: dict[str, Any]) -> None:
    """Each row's links, one reversal per URL name and page (`link_maker`), not one `{% url %}` per row."""
    rows: list[tuple[str, str, list[Any], tuple[Any, ...]]] = [("cases:attachment", "link", context["attachments"], ())]
    if context["can_write"]:
        rows += [
            ("cases:remove_document", "remove_link", context["documents"], ()),
            ("cases:remove_event", "remove_link", context["events"], ()),
            ("cases:withdraw_consent", "withdraw_link", [c for c in context["consents"] if not c.withdrawn_on], ()),
        ]
    if context["can_manage"]:
        proposed = [d for d in context["decisions"] if d.state == DecisionState.PROPOSED]
        rows += [
            ("cases:review_eligibility", "approve_link", proposed, ("approve",)),
            ("cases:review_eligibility", "reject_link", proposed, ("reject",)),
        ]
    for name, attribute, objects, after in rows:
        if objects:
            make = link_maker(name, case.number, after=after, integer=True)
            for obj in objects:
                setattr(obj, attribute, make(obj.pk))
