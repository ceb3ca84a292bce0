from ctm.directory.models.entry import PrivateEntry, SharedEntry

__all__ = ["PrivateEntry", "SharedEntry"]
