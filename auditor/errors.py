"""One exception family for the core; every message names the path involved.

Per-file problems are *data* (a ``TrackRecord.error`` or a ``DiscoveryProblem``),
not exceptions that escape a scan.  These classes exist for the places where a
caller must be told something went wrong: the reader wraps every mutagen error
into ``UnreadableFile`` before turning it into a recorded reason.
"""

from __future__ import annotations


class AuditorError(Exception):
    """Base class for every error the core raises on purpose."""


class UnreadableFile(AuditorError):
    """A file could not be parsed as audio; ``reason`` is shown to users."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ReadTimeout(UnreadableFile):
    """Reading a file took longer than the per-file limit."""


class UnsafeArchive(AuditorError):
    """A ZIP delivery (or one member) was refused for safety reasons."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreError(AuditorError):
    """The audit database cannot be opened, migrated or written."""


class UsageError(AuditorError):
    """A command was called with arguments that cannot work."""
