from django.urls import path

from ctm.directory.views import entries

app_name = "directory"

urlpatterns = [
    path("", entries.entry_list, name="list"),
    path("countries/", entries.country_index, name="countries"),
    path("countries/<str:code>/", entries.country_page, name="country"),
    path("new/", entries.new_entry, name="new"),
    path("import/", entries.import_entries, name="import"),
    path("export.<str:fmt>", entries.export_entries, name="export"),
    path("<str:ref>/", entries.entry_detail, name="entry"),
    path("<str:ref>/edit/", entries.edit_entry, name="edit"),
    path("<str:ref>/verify/", entries.verify_entry, name="verify"),
    path("<str:ref>/delete/", entries.delete_entry, name="delete"),
]
