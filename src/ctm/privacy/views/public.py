"""The public pages (no login): published releases, their manifest, and their files.

Files are served by Django from the release folder, after checking them against the SHA-256 of the
manifest; each download by a logged-in user is recorded in the activity log.
"""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ctm.privacy.domain import files, report
from ctm.privacy.domain import releases as domain
from ctm.privacy.domain.queries.releases import get_published_release, published_releases
from ctm.privacy.enums import PUBLISHED_FILES
from ctm.privacy.views.helpers import page_of


def published_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, published_releases())
    return render(request, "privacy/public_list.html", {"page": page})


def published_release(request: HttpRequest, pk: int) -> HttpResponse:
    release = get_published_release(pk)
    context = {
        "release": release,
        "manifest": release.manifest,
        "method": files.method_text(release),  # in the reader's language (the manifest keeps the publisher's)
        "parameters": report.parameter_rows(release.manifest.get("parameters") or {}, keep_empty=True),
        "manifest_text": domain.manifest_text(release),
    }
    return render(request, "privacy/public_release.html", context)


def download(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    release = get_published_release(pk)
    if name not in PUBLISHED_FILES:
        raise Http404("No such file")
    path = files.release_dir(release) / name
    if not path.is_file():
        raise Http404("File missing")
    data = path.read_bytes()
    expected = release.manifest_sha256 if name == "manifest.json" else _digest_in_manifest(release.manifest, name)
    if hashlib.sha256(data).hexdigest() != expected:
        return HttpResponse(_("This file no longer matches its published checksum: it is withheld."), status=409)
    if request.user.is_authenticated:
        domain.record_download(release, user=request.user, name=name)
    response = HttpResponse(data, content_type=PUBLISHED_FILES[name])
    response["Content-Disposition"] = f'attachment; filename="ctm-release-{release.pk}-{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _digest_in_manifest(manifest: dict, name: str) -> str:
    return next((f["sha256"] for f in manifest.get("files", []) if f["name"] == name), "")
