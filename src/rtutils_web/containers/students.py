"""The student roster, the RT user-field sync (a job kind) and the returns campaign."""

from __future__ import annotations

from pathlib import Path

from dependency_injector import containers, providers

from rtutils_adapters.memory import demo_roster_csv
from rtutils_adapters.pacing import RatePace
from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.stores import open_roster
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.returns.service import ReturnService
from rtutils_core.students.ports import Roster
from rtutils_core.students.service import RosterService
from rtutils_core.students.user_fields_sync import UserFieldSync
from rtutils_web.settings import Settings


def _roster(
    settings: Settings, working_dir: Path, backend: AssetBackend, connections: Connections | None
) -> Roster:
    # Beside the other stores: PostgreSQL when STORE_URL is set, else SQLite in WORKING_DIR.
    roster = open_roster(connections, working_dir)
    if settings.is_demo and not roster.students():
        # The demo's students, linked to the demo's users (its state is fresh at each start).
        RosterService(roster, backend.get_user).import_roster(demo_roster_csv())
    return roster


class Students(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    loans = providers.DependenciesContainer()

    roster = providers.ThreadSafeSingleton(
        _roster, base.settings, base.working_dir, base.backend, base.store_connections
    )
    roster_service = providers.ThreadSafeSingleton(
        RosterService,
        roster,
        loans.loan_service.provided.find_person,
        base.settings.provided.roster_mapping,
        find_people=loans.loan_service.provided.find_people,
    )
    user_field_sync = providers.ThreadSafeSingleton(
        UserFieldSync,
        roster=roster,
        backend=base.user_fields_port,
        options=base.settings.provided.user_field_options,
        pace=providers.ThreadSafeSingleton(RatePace, base.settings.provided.user_fields_rate),
    )
    job_kind = user_field_sync.provided.job_kind.call()
    return_service = providers.ThreadSafeSingleton(
        ReturnService,
        roster=roster,
        loans=loans.loan_service,
        manual_log=loans.loan_log,
        options=base.settings.provided.campaign_options,
    )
