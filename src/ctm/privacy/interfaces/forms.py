"""Forms of the release pages. The uploaded file is read and checked here; errors stay on their field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ctm.core.interfaces.widgets import Textarea
from ctm.privacy.domain.queries.ledger import fits_budget
from ctm.privacy.domain.queries.releases import datasets_for_user, uploaded_datasets_for_user
from ctm.privacy.domain.releases import budget_message, check_parameters
from ctm.privacy.enums import (
    CTDC_COLUMNS,
    DEFAULT_COLUMNS,
    DEFAULT_QI,
    SYNTHESIS_METHODS,
    DatasetSource,
    Decision,
    ReleaseMethod,
)
from ctm.privacy.interfaces.uploads import content_digest, read_ctdc_upload, read_domain_upload
from ctm.privacy.models import Dataset

EARLIER = "dataset"
SOURCES = [
    (DatasetSource.CASES, DatasetSource.CASES.label),
    (DatasetSource.UPLOAD, _("A new upload in the CTDC schema")),
    (EARLIER, _("A dataset uploaded earlier")),
]
SOURCE_FIELDS = ("label", "source", "file", "dataset", "domain", "domain_file")
DOMAIN_CTDC, DOMAIN_FILE = "ctdc", "file"
DOMAIN_CHOICES = [
    (DOMAIN_CTDC, _("The CTDC codebook (the code lists of CTDC's published data, ISO 3166 countries)")),
    (DOMAIN_FILE, _("A domain file that I upload (JSON)")),
]

KANON_FIELDS = ("k", "qi", "sensitive", "l", "suppression_limit")
SYNTHETIC_FIELDS = ("synthesis_method", "epsilon", "delta", "rows", "seed")


def column_list(text: str) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


class DatasetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} · {obj.title} · {obj.rows} · {obj.created_at:%Y-%m-%d}"


class ReleaseForm(forms.Form):
    label = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("For example: Cases 2020–2025, k = 10.")
    )
    source = forms.ChoiceField(
        label=_("Build the release from"), choices=SOURCES, initial=DatasetSource.CASES, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Dataset (CSV, XLSX or Parquet)"),
        required=False,
        help_text=_(
            "Columns of the CTDC schema only (any delimiter; CTDC's published file is read as it is). The file is kept encrypted."
        ),
    )
    dataset = DatasetChoiceField(
        label=_("Earlier upload"), queryset=Dataset.objects.none(), required=False, empty_label=_("Choose a dataset")
    )
    domain = forms.ChoiceField(
        label=_("Values each column may take (public domain)"), choices=DOMAIN_CHOICES, required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "For an uploaded dataset: CTM never takes the list of possible values from the data (a value only one "
            "person has would be published). Values outside the domain count as unknown. Our own cases always use "
            "the CTDC codebook."
        ),
    )
    domain_file = forms.FileField(
        label=_("Domain file (JSON)"), required=False,
        help_text=_(
            'Column → allowed values, for example {"gender": ["Female", "Male"], "yearOfRegistration": '
            '{"bounds": [2000, 2030]}, "age": {"bins": [0, 18, 30, 120]}}.'
        ),
    )  # fmt: skip
    method = forms.ChoiceField(
        label=_("Method"), choices=ReleaseMethod.choices, initial=ReleaseMethod.KANON, widget=forms.RadioSelect
    )
    columns = forms.CharField(
        label=_("Columns to release"),
        required=False,
        initial=",".join(DEFAULT_COLUMNS),
        help_text=_("Comma-separated CTDC column names; empty for every column of the source."),
    )
    k = forms.IntegerField(
        label=_("k"), initial=10, min_value=2, max_value=1000, required=False,
        help_text=_("Every released combination of quasi-identifiers is shared by at least k people."),
    )  # fmt: skip
    qi = forms.CharField(
        label=_("Quasi-identifiers"), required=False, initial=",".join(DEFAULT_QI),
        help_text=_("Comma-separated columns an outsider could know about a person (age, gender, citizenship…)."),
    )  # fmt: skip
    sensitive = forms.CharField(
        label=_("Sensitive column (optional)"), required=False,
        help_text=_("For l-diversity: for example typeOfExploitConcatenated."),
    )  # fmt: skip
    l = forms.FloatField(  # noqa: E741 - the literature's name for the l of l-diversity
        label=_("l (optional)"), min_value=1, required=False,
        help_text=_("Each group has at least l different values of the sensitive column."),
    )  # fmt: skip
    suppression_limit = forms.FloatField(
        label=_("Suppression limit"), initial=0.05, min_value=0.0, max_value=1.0, required=False,
        help_text=_("The largest share of records whose quasi-identifiers may be emptied (0.05 = 5 %)."),
    )  # fmt: skip
    synthesis_method = forms.ChoiceField(
        label=_("Synthesis method"), choices=list(SYNTHESIS_METHODS.items()), initial="mst-plus", required=False
    )
    epsilon = forms.FloatField(
        label=_("ε (epsilon)"), initial=1.0, min_value=0.01, max_value=100.0, required=False,
        help_text=_("The privacy loss spent by this release; smaller is more private and less accurate."),
    )  # fmt: skip
    delta = forms.FloatField(
        label=_("δ (delta, optional)"), min_value=0.0, max_value=0.5, required=False,
        help_text=_("Empty for 10⁻⁷, a tenth of one over the number of records of the largest dataset CTM accepts."),
    )  # fmt: skip
    rows = forms.IntegerField(
        label=_("Rows to generate (optional)"), min_value=1, max_value=1_000_000, required=False,
        help_text=_("Empty for about as many as the source: a noisy count, since the exact number would itself be a disclosure."),
    )  # fmt: skip
    seed = forms.IntegerField(label=_("Random seed"), initial=0, min_value=0, max_value=2**31 - 1, required=False)

    def __init__(self, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["dataset"].queryset = uploaded_datasets_for_user(membership)

    def fieldsets(self) -> list[tuple[Any, list[Any]]]:
        return [
            (_("Source"), [self[n] for n in SOURCE_FIELDS]),
            (_("Method"), [self["method"], self["columns"]]),
            (_("k-anonymity"), [self[n] for n in KANON_FIELDS]),
            (_("Synthetic data"), [self[n] for n in SYNTHETIC_FIELDS]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source_columns = self._source(data)
        if source_columns is None or self.errors:
            return data
        chosen = column_list(data.get("columns", "")) or source_columns
        unknown = [c for c in chosen if c not in source_columns]
        if unknown:
            self.add_error("columns", _("Not in the source: %(cols)s.") % {"cols": ", ".join(unknown)})
            return data
        domain = self._domain(data, chosen)
        if data.get("method") == ReleaseMethod.KANON:
            data["parameters"] = self._kanon(data, chosen)
        else:
            data["parameters"] = self._synthetic(data, chosen)
        data["parameters"]["domain"] = domain
        if not self.errors:
            self._engine_checks(data)
        return data

    def _source(self, data: dict[str, Any]) -> list[str] | None:
        source = data.get("source")
        if source == DatasetSource.CASES:
            found = datasets_for_user(self.membership).filter(source=DatasetSource.CASES).first()
            data["target"] = found or Dataset(
                source=DatasetSource.CASES, total_epsilon=settings.CTM_PRIVACY_TOTAL_EPSILON
            )
            return list(CTDC_COLUMNS)
        if source == EARLIER:
            if data.get("dataset") is None:
                self.add_error("dataset", _("Choose a dataset uploaded earlier."))
                return None
            data["target"] = data["dataset"]
            return list(data["dataset"].columns)
        return self._upload(data)

    def _upload(self, data: dict[str, Any]) -> list[str] | None:
        upload = data.get("file")
        if upload is None:
            if "file" not in self.errors:
                self.add_error("file", _("Choose the file to upload."))
            return None
        try:
            frame = read_ctdc_upload(upload)
        except ValidationError as exc:
            self.add_error("file", exc)
            return None
        data["frame"], data["filename"] = frame, upload.name or ""
        digest = content_digest(frame)
        earlier = uploaded_datasets_for_user(self.membership).filter(content_digest=digest).first()
        data["target"] = earlier or Dataset(
            source=DatasetSource.UPLOAD,
            total_epsilon=settings.CTM_PRIVACY_TOTAL_EPSILON,
            columns=[str(c) for c in frame.columns],
        )
        return [str(c) for c in frame.columns]

    def _domain(self, data: dict[str, Any], chosen: list[str]) -> str | dict[str, Any] | None:
        """The public domain: the CTDC codebook for our own cases; asked for (never guessed) for an upload."""
        if data.get("source") == DatasetSource.CASES:
            return DOMAIN_CTDC
        choice = data.get("domain")
        if choice == DOMAIN_CTDC:
            return DOMAIN_CTDC
        if choice != DOMAIN_FILE:
            self.add_error("domain", _("Choose the values each column may take: CTM does not guess them from the data."))
            return None
        try:
            return read_domain_upload(data.get("domain_file"), chosen)
        except ValidationError as exc:
            self.add_error("domain_file", exc)
            return None

    def _require(self, data: dict[str, Any], names: tuple[str, ...]) -> None:
        for name in names:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("This field is required for this method."))

    def _kanon(self, data: dict[str, Any], chosen: list[str]) -> dict[str, Any]:
        self._require(data, ("k", "qi", "suppression_limit"))
        qi, sensitive = column_list(data.get("qi", "")), (data.get("sensitive") or "").strip() or None
        for name, wanted in (("qi", qi), ("sensitive", [sensitive] if sensitive else [])):
            missing = [c for c in wanted if c not in chosen]
            if missing:
                self.add_error(name, _("Not among the columns to release: %(cols)s.") % {"cols": ", ".join(missing)})
        if data.get("l") is not None and not sensitive:
            self.add_error("sensitive", _("l-diversity needs a sensitive column."))
        return {
            "k": data.get("k"),
            "qi": qi,
            "sensitive": sensitive,
            "l": data.get("l"),
            "suppression_limit": data.get("suppression_limit"),
            "columns": chosen,
        }

    def _synthetic(self, data: dict[str, Any], chosen: list[str]) -> dict[str, Any]:
        self._require(data, ("synthesis_method", "epsilon"))
        delta = data.get("delta")
        if delta is not None and not 0 < delta < 1:
            self.add_error("delta", _("δ must lie strictly between 0 and 1."))
        return {
            "method": data.get("synthesis_method") or "mst-plus",
            "epsilon": data.get("epsilon"),
            "delta": delta,
            "rows": data.get("rows"),
            "seed": data.get("seed") or 0,
            "columns": chosen,
        }

    def _engine_checks(self, data: dict[str, Any]) -> None:
        target: Dataset = data["target"]
        try:
            check_parameters(target, data["method"], data["parameters"])
        except ValidationError as exc:
            add_errors(self, exc)
            return
        epsilon = data["parameters"].get("epsilon")
        if data["method"] == ReleaseMethod.SYNTHETIC and not fits_budget(target, epsilon):
            self.add_error("epsilon", budget_message(target, epsilon))


def add_errors(form: forms.BaseForm, exc: ValidationError, field: str | None = None) -> None:
    """A domain error onto the form: on its field when it names one, else on the whole form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, exc.messages)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Why the release may or may not be published; kept in the activity log."),
    )
