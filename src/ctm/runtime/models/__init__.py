from ctm.runtime.models.worker import WorkerHeartbeat

__all__ = ["WorkerHeartbeat"]
