from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ctm.core import rules
from ctm.core.changes import Names, entry_lines
from ctm.core.domain.queries.activity import ActivityFilters, activity_for_user
from ctm.core.interfaces.forms import ActivityFilterForm


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    membership = request.membership
    if rules.can_read_cases(membership):
        return redirect("cases:list")
    return render(request, "core/home.html", {})


@login_required
def activity_log(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if not rules.can_read_activity_log(membership):
        raise PermissionDenied
    form = ActivityFilterForm(request.GET or None)
    filters = ActivityFilters(**form.cleaned_data) if form.is_bound and form.is_valid() else ActivityFilters()
    page = Paginator(activity_for_user(membership, filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    names = Names(page.object_list)  # one read of the users and organizations the page names
    rows = [(e, names.actor(e), entry_lines(e, names)) for e in page.object_list]
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "core/activity.html", context)
