from ctm.directory.domain.queries.entries import (
    EntryFilters,
    country_counts,
    directory_entries_for_user,
    get_entry_for_user,
    snapshot,
)

__all__ = ["EntryFilters", "country_counts", "directory_entries_for_user", "get_entry_for_user", "snapshot"]
