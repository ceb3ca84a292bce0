from ctm.privacy.models.dataset import Dataset
from ctm.privacy.models.release import Release

__all__ = ["Dataset", "Release"]
