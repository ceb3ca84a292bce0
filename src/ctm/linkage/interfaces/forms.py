"""Forms of the linkage pages. Uploaded files are read and checked here; errors stay on their field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ctm.linkage.domain.queries.runs import run_overlap_table, runs_for_user
from ctm.linkage.engine import METHODS, MSEInputError
from ctm.linkage.enums import METHOD_LABELS, Decision, EstimateSource, JobStatus
from ctm.linkage.interfaces.uploads import read_overlap_table, read_people_list

MAX_LISTS = 10


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} · {obj.label} · {obj.created_at:%Y-%m-%d}"


class EstimateForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Overlap table from"),
        choices=EstimateSource.choices,
        initial=EstimateSource.UPLOAD,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Overlap table (CSV)"),
        required=False,
        help_text=_(
            "One 0/1 column per list and a 'count' column; the all-zero row is absent. At most 1 MB."
        ),
    )
    run = RunChoiceField(label=_("Linkage run"), queryset=None, required=False, empty_label=_("Choose a run"))
    method = forms.ChoiceField(
        label=_("Model selection"), choices=[(m, METHOD_LABELS[m]) for m in METHODS], initial="stepwise"
    )
    threshold = forms.FloatField(
        label=_("Threshold (p-value)"),
        required=False,
        min_value=0.0,
        max_value=1.0,
        help_text=_("Stepwise: 0.02 by default; AIC: 0.05 by default. Leave empty for the default."),
    )
    max_order = forms.IntegerField(
        label=_("Highest interaction order (BIC)"), initial=2, min_value=2, max_value=4
    )
    bootstrap = forms.IntegerField(
        label=_("Bootstrap replicates"),
        initial=1000,
        min_value=0,
        max_value=5000,
        help_text=_("1,000 is the standard; fewer is faster. 0 skips the bootstrap (model-based interval)."),
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        initial=1234,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_("The same seed gives the same bootstrap interval."),
    )

    def __init__(self, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # only runs that have finished linking have clusters
        finished = runs_for_user(membership).filter(status=JobStatus.DONE)
        self.fields["run"].queryset = finished.order_by("-created_at", "-id")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("source") == EstimateSource.RUN:
            self._table_from_run(data)
        elif data.get("source") == EstimateSource.UPLOAD:
            self._table_from_file(data)
        return data

    def _table_from_file(self, data: dict[str, Any]) -> None:
        upload = data.get("file")
        if upload is None:
            if "file" not in self.errors:
                self.add_error("file", _("Choose a CSV file with the overlap table."))
            return
        try:
            data["table"] = read_overlap_table(upload)
        except ValidationError as exc:
            self.add_error("file", exc)
            return
        data["label"] = upload.name[:200]

    def _table_from_run(self, data: dict[str, Any]) -> None:
        run = data.get("run")
        if run is None:
            if "run" not in self.errors:
                self.add_error("run", _("Choose a linkage run."))
            return
        try:
            data["table"] = run_overlap_table(run)
        except MSEInputError as exc:
            self.add_error(
                "run",
                _("The clusters of this run cannot make an overlap table: %(reason)s") % {"reason": exc},
            )
            return
        data["label"] = str(_("Linkage run #%(n)s (%(label)s)") % {"n": run.pk, "label": run.label})

    def parameters(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d[k] for k in ("method", "threshold", "max_order", "bootstrap", "seed")}

    def table_field(self) -> str:
        return "run" if self.cleaned_data.get("source") == EstimateSource.RUN else "file"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class RunForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        required=False,
        help_text=_("For example: 2025 lists from the shelters and the police."),
    )
    include_persons = forms.BooleanField(
        label=_("Include the persons registered in our case register"), required=False, initial=True
    )
    files = MultipleFileField(
        label=_("Lists to link (CSV or XLSX)"),
        required=False,
        help_text=_(
            "Columns: record_id, given_name, family_name, birth_date, sex, citizenship, document_number. Each file is one list, named after the file. Up to 10 files of 20 MB."
        ),
    )
    threshold = forms.FloatField(
        label=_("Match probability threshold"),
        initial=0.5,
        min_value=0.01,
        max_value=0.99,
        help_text=_("Pairs at or above it are linked; you can change it after the run."),
    )
    seed = forms.IntegerField(label=_("Random seed"), initial=42, min_value=0, max_value=2**31 - 1)
    unique_lists = forms.BooleanField(
        label=_("Each list names each person at most once"),
        required=False,
        help_text=_("Then a group of linked records never holds two records of the same list."),
    )

    def __init__(self, *args: Any, organization_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization_code = organization_code

    def clean_files(self) -> dict[str, Any]:
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_LISTS:
            raise ValidationError(_("At most %(n)s files.") % {"n": MAX_LISTS})
        lists: dict[str, Any] = {}
        errors = []
        for upload in files:
            try:
                name, frame = read_people_list(upload)
            except ValidationError as exc:
                errors += [f"{upload.name}: {m}" for m in exc.messages]
                continue
            if name in lists or name == self.organization_code:
                errors.append(_("%(file)s: another list has the same name.") % {"file": upload.name})
                continue
            lists[name] = frame
        if errors:
            raise ValidationError(errors)
        return lists

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("include_persons") and not data.get("files") and "files" not in self.errors:
            self.add_error(
                "files", _("Upload at least one list, or include the persons of the case register.")
            )
        return data


class ThresholdForm(forms.Form):
    threshold = forms.FloatField(label=_("Match probability threshold"), min_value=0.01, max_value=0.99)

    def __init__(self, *args: Any, lowest: float | None = None, **kwargs: Any) -> None:
        """`lowest`: the lowest threshold the run re-clusters at (`runs.lowest_threshold`), said on the field
        when it is above the field's own minimum."""
        super().__init__(*args, **kwargs)
        if lowest is not None and lowest > 0.01:
            self.fields["threshold"].help_text = _(
                "This run can be clustered again at %(lowest)s or more; for a lower threshold, start a new run."
            ) % {"lowest": f"{lowest:g}"}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.ACCEPTED, Decision.ACCEPTED.label), (Decision.REJECTED, Decision.REJECTED.label)]
    )
