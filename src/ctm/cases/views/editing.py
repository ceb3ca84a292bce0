"""One way to edit a part of a case (docs/decisions/1002-declared-parts-and-htmx.md).

A part is declared, not written as a view: its route, the form it shows, the one domain function it
calls, its title and where the page goes back to. One view (`edit_part`) serves every declared form,
one (`run_action`) every declared POST-only button, so each keeps the same door and the same checks:

- signed in (`login_required`), GET and POST only (POST only for an action);
- the case through its door with `write=True` (`load_case`: 404 for "missing" and "not yours", the
  auditor's read-only membership refused, a shared-in case's scope widened for the request);
- `manage=True`: a case manager only (403 after the 404 of the door, as before);
- `own=True`: the case's own organization only, not a partner the case is shared with (403);
- `find`: the record named by the URL's `pk`, of this case only (404 otherwise);
- the domain function does the rest: permission re-check, row lock, version check, activity log.

The routes come from the declarations (`part_urls`), so a new part is one entry in a list. The
assistance app (and any app that edits a case's records) declares its parts the same way, with its
own template and page to go back to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from ctm.cases.models import Case
from ctm.cases.rules import can_manage_cases
from ctm.cases.views.helpers import case_url, form_page, load_case


@dataclass
class Edit:
    """What a part's callables are given: the request, the member, the case, the record the URL
    names (if any), the URL's other arguments, and the form once it is built."""

    request: HttpRequest
    by: Any
    case: Case
    obj: Any = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    form: Any = None

    @property
    def data(self) -> Any:
        return self.request.POST if self.request.method == "POST" else None

    @property
    def files(self) -> Any:
        return (self.request.FILES or None) if self.request.method == "POST" else None

    @property
    def cleaned(self) -> dict[str, Any]:
        return self.form.cleaned_data

    def fields(self, *leave_out: str) -> dict[str, Any]:
        """The form's cleaned data without the named fields (the version, say)."""
        return {k: v for k, v in self.form.cleaned_data.items() if k not in leave_out}


def back_to_case(case: Case, anchor: str) -> str:
    return f"{case_url(case)}{anchor}"


@dataclass(frozen=True)
class Part:
    """A form that edits or adds one part of a case through one domain function."""

    name: str  # the URL name, in the app's namespace
    route: str  # below the case's address, e.g. "notes/new/" or "consents/<int:pk>/withdraw/"
    form: Callable[[Edit], forms.BaseForm]
    save: Callable[[Edit], Any]
    title: Any  # a (lazy) string, or a callable of the Edit for a title that names the record
    anchor: str = ""  # the section the page goes back to, and the one updated in place (htmx)
    manage: bool = False
    find: Callable[[Case, int], Any] | None = None
    own: bool = False
    template: str = "cases/form.html"
    context: Callable[[Edit], dict[str, Any]] | None = None  # more for the template
    back: Callable[[Case, str], str] = back_to_case

    def title_for(self, edit: Edit) -> str:
        return str(self.title(edit) if callable(self.title) else self.title)


@dataclass(frozen=True)
class Action:
    """A POST-only button (remove, approve, send back) on a case page: one domain function."""

    name: str
    route: str
    run: Callable[[Edit], Any]
    anchor: str = ""
    manage: bool = False
    find: Callable[[Case, int], Any] | None = None
    own: bool = False
    back: Callable[[Case, str], str] = back_to_case


def _open(request: HttpRequest, number: str, pk: int | None, declared: Part | Action, kwargs: dict) -> Edit:
    by, case = load_case(request, number, write=True)
    if declared.manage and not can_manage_cases(by):
        raise PermissionDenied
    if declared.own and case.organization_id != by.organization_id:
        raise PermissionDenied
    obj = declared.find(case, pk) if declared.find is not None and pk is not None else None
    return Edit(request, by, case, obj, kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def edit_part(
    request: HttpRequest, number: str, pk: int | None = None, *, part: Part, **kwargs: Any
) -> HttpResponse:
    edit = _open(request, number, pk, part, kwargs)
    edit.form = part.form(edit)
    return form_page(
        request,
        edit.case,
        edit.form,
        lambda: part.save(edit),
        title=part.title_for(edit),
        template=part.template,
        extra={
            "anchor": part.anchor.lstrip("#"),
            "form_id": f"part-form-{part.name}",
            **(part.context(edit) if part.context else {}),
        },
        anchor=part.anchor,
        back=part.back,
    )


@login_required
@require_POST
def run_action(
    request: HttpRequest, number: str, pk: int | None = None, *, action: Action, **kwargs: Any
) -> HttpResponse:
    edit = _open(request, number, pk, action, kwargs)
    action.run(edit)
    return redirect(action.back(edit.case, action.anchor))


def part_urls(declared: Iterable[Part | Action], prefix: str = "<str:number>/") -> list[URLPattern]:
    """One route per declared part or action, below the case's address."""
    out = []
    for d in declared:
        if isinstance(d, Part):
            out.append(path(prefix + d.route, edit_part, {"part": d}, name=d.name))
        else:
            out.append(path(prefix + d.route, run_action, {"action": d}, name=d.name))
    return out
