"""Set-up shared by the CLI commands: an up-to-date database, the stored scenario, the scorer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from minsim import db, store
from minsim.scenario import Scenario, load_scenario
from minsim.settings import Settings


def open_database(settings: Settings) -> Engine:
    """An engine on the configured database, migrated to the current schema."""
    engine = db.engine_for(settings)
    db.migrate(engine)
    return engine


def open_with_scenario(settings: Settings) -> tuple[Engine, Scenario]:
    """The migrated database with the scenario's companies, aspects and events stored."""
    engine = open_database(settings)
    scenario = load_scenario(settings.scenario.path)
    store.save_scenario(engine, scenario)
    return engine, scenario


def scorer_for(settings: Settings) -> Any:
    """The sentiment scorer (imported late: loading Kiwi costs seconds and ~0.5 GB)."""
    from minsim.cli_scorer import scorer_from_settings

    return scorer_from_settings(settings)
