"""Named exceptions that carry context; only boundaries (CLI, scheduler job, page) print them."""

from __future__ import annotations


class MinsimError(Exception):
    """Base class: every error minsim raises on purpose."""


class SettingsError(MinsimError):
    """The settings file is missing, malformed, or has unknown, missing or mistyped keys."""


class StoreError(MinsimError):
    """The database cannot be reached or refused an operation."""


class ImportFileError(MinsimError):
    """An import file cannot be read at all (single bad rows are reported, not raised)."""


class ScenarioError(MinsimError):
    """A scenario file under seeds/ is missing or malformed."""


class CollectError(MinsimError):
    """A collector could not finish a run; the message says what and where."""


class SchemaChanged(CollectError):
    """A source answered, but its payload lost fields we need (the source changed its format)."""
