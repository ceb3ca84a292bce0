from django.urls import path

from ctm.cases.views import attachments, cases, parts

app_name = "cases"

urlpatterns = [
    path("", cases.case_list_view, name="list"),
    path("new/", cases.new_case_view, name="new"),
    path("search/", cases.search_view, name="search"),
    path("export.<str:fmt>", cases.export_view, name="export"),
    path("<str:number>/", cases.case_detail_view, name="detail"),
    path("<str:number>/person/", parts.edit_person, name="edit_person"),
    path("<str:number>/edit/", parts.edit_case, name="edit"),
    path("<str:number>/assign/", parts.assign, name="assign"),
    path("<str:number>/stage/", parts.stage, name="stage"),
    path("<str:number>/close/", parts.close, name="close"),
    path("<str:number>/reopen/", parts.reopen, name="reopen"),
    path("<str:number>/closure/<str:decision>/", parts.closure_decision, name="closure_decision"),
    path("<str:number>/screening/", parts.screening, name="screening"),
    path("<str:number>/eligibility/", parts.eligibility, name="eligibility"),
    path(
        "<str:number>/eligibility/<int:pk>/<str:decision>/",
        parts.review_eligibility,
        name="review_eligibility",
    ),
    path("<str:number>/context/", parts.victim_context, name="context"),
    path("<str:number>/events/new/", parts.add_event, name="add_event"),
    path("<str:number>/events/<int:pk>/delete/", parts.remove_event, name="remove_event"),
    path("<str:number>/consents/new/", parts.add_consent, name="add_consent"),
    path("<str:number>/consents/<int:pk>/withdraw/", parts.withdraw_consent, name="withdraw_consent"),
    path("<str:number>/guardians/new/", parts.add_guardian, name="add_guardian"),
    path("<str:number>/best-interests/new/", parts.add_best_interests, name="add_best_interests"),
    path("<str:number>/notes/new/", parts.add_note, name="add_note"),
    path("<str:number>/attachments/new/", parts.add_attachment, name="add_attachment"),
    path("<str:number>/attachments/<int:pk>/", attachments.download, name="attachment"),
    path("<str:number>/documents/new/", parts.add_document, name="add_document"),
    path("<str:number>/documents/<int:pk>/delete/", parts.remove_document, name="remove_document"),
    path("<str:number>/share/", parts.share, name="share"),
]
