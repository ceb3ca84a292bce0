"""The directory pages: list with filters, country index and country page, an entry, edit, verify,
import with its row-by-row report, export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.directory.domain import entries as domain
from ctm.directory.domain.queries import (
    EntryFilters,
    country_counts,
    directory_entries_for_user,
    get_entry_for_user,
)
from ctm.directory.enums import EntryType, Visibility
from ctm.directory.geography import country_name, un_region
from ctm.directory.interfaces.forms import EntryForm, FilterForm, ImportForm, NewEntryForm
from ctm.directory.interfaces.transfer import check_rows, to_csv, to_xlsx
from ctm.directory.rules import can_edit_directory, can_read_directory

GET_POST = require_http_methods(["GET", "POST"])
PER_PAGE = 50
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


def reader(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if not can_read_directory(membership):
        raise PermissionDenied
    return membership


def editor(request: HttpRequest) -> Any:
    membership = reader(request)
    if not can_edit_directory(membership):
        raise PermissionDenied
    return membership


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    membership = reader(request)
    form = FilterForm(request.GET or None)
    entries = directory_entries_for_user(membership, form.filters())
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_edit": can_edit_directory(membership),
    }
    return render(request, "directory/list.html", context)


@login_required
def country_index(request: HttpRequest) -> HttpResponse:
    membership = reader(request)
    regions: dict[str, list[tuple[str, str, int]]] = {}
    for code, n in country_counts(membership).items():
        regions.setdefault(un_region(code), []).append((code, country_name(code), n))
    grouped = [(region, sorted(items, key=lambda i: i[1])) for region, items in sorted(regions.items())]
    return render(request, "directory/countries.html", {"regions": grouped})


@login_required
def country_page(request: HttpRequest, code: str) -> HttpResponse:
    membership = reader(request)
    code = code.upper()
    if len(code) != 2 or country_name(code) == code:
        raise Http404("No such country")
    entries = directory_entries_for_user(membership, EntryFilters(country=code))
    by_type = [(label, [e for e in entries if e.entry_type == value]) for value, label in EntryType.choices]
    context = {
        "code": code,
        "name": country_name(code),
        "region": un_region(code),
        "by_type": [(label, items) for label, items in by_type if items],
        "count": len(entries),
        "can_edit": can_edit_directory(membership),
    }
    return render(request, "directory/country.html", context)


@login_required
def entry_detail(request: HttpRequest, ref: str) -> HttpResponse:
    membership = reader(request)
    entry = get_entry_for_user(membership, ref)
    context = {"entry": entry, "can_edit": can_edit_directory(membership)}
    return render(request, "directory/entry.html", context)


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@GET_POST
def new_entry(request: HttpRequest) -> HttpResponse:
    membership = editor(request)
    form = NewEntryForm(request.POST or None, initial={"country": membership.organization.country})
    if request.method == "POST" and form.is_valid():
        data = form.domain_data()
        shared = data.pop("visibility") == Visibility.SHARED
        entry = domain.create_entry(by=membership, data=data, shared=shared)
        return redirect("directory:entry", ref=entry.ref)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "directory/form.html", {"form": form, "title": _("New directory entry")}, status=status
    )


@login_required
@GET_POST
def edit_entry(request: HttpRequest, ref: str) -> HttpResponse:
    membership = editor(request)
    entry = get_entry_for_user(membership, ref, write=True)
    form = EntryForm(request.POST or None, initial=EntryForm.initial_from(entry))
    if request.method == "POST" and form.is_valid():
        data = form.domain_data()
        data.pop("last_verified_on", None)  # verification is its own action
        domain.update_entry(entry, by=membership, data=data)
        return redirect("directory:entry", ref=entry.ref)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": _("Edit %(name)s") % {"name": entry.name}, "entry": entry}
    return render(request, "directory/form.html", context, status=status)


@login_required
@require_POST
def verify_entry(request: HttpRequest, ref: str) -> HttpResponse:
    membership = editor(request)
    entry = get_entry_for_user(membership, ref, write=True)
    domain.verify_entry(entry, by=membership)
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:entry", ref=entry.ref)


@login_required
@GET_POST
def delete_entry(request: HttpRequest, ref: str) -> HttpResponse:
    membership = editor(request)
    entry = get_entry_for_user(membership, ref, write=True)
    if request.method == "POST":
        domain.delete_entry(entry, by=membership)
        messages.success(request, _("Entry deleted."))
        return redirect("directory:list")
    return render(request, "directory/confirm_delete.html", {"entry": entry})


@login_required
@GET_POST
def import_entries(request: HttpRequest) -> HttpResponse:
    membership = editor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        try:
            check = check_rows(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if check.ok:
                shared = form.cleaned_data["visibility"] == Visibility.SHARED
                done = domain.import_entries(by=membership, rows=check.rows, shared=shared)
                messages.success(request, _("%(n)s entries imported.") % {"n": len(done)})
                return redirect("directory:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "directory/import.html", {"form": form, "check": check}, status=status)


@login_required
def export_entries(request: HttpRequest, fmt: str) -> HttpResponse:
    membership = reader(request)
    if fmt not in EXPORTS:
        raise Http404("No such format")
    content_type, write = EXPORTS[fmt]
    entries = directory_entries_for_user(membership, FilterForm(request.GET or None).filters())
    response = HttpResponse(write(entries), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ctm-directory.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
