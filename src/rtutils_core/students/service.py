"""The roster: importing the school information system's file, linking students to RT users.

People are resolved through the loan desk's person lookup, which never creates an RT user.
Logs carry counts and student ids, never names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

import attrs

from rtutils_core.assets import User
from rtutils_core.errors import UserNotFound
from rtutils_core.students.ports import Roster
from rtutils_core.students.roster_csv import read_roster
from rtutils_core.students.values import ImportReport, RosterColumns, Student

log = logging.getLogger("rtutils.students")


class RosterService:
    """Import, read and link the roster.

    ``find_person`` is the loan desk's lookup (:meth:`LoanService.find_person`): a login name
    or e-mail address to an RT user, raising :class:`~rtutils_core.errors.UserNotFound`.
    ``find_people`` (:meth:`LoanService.find_people`), when given, links a whole import in
    a few bulk searches instead of one look-up per student.
    """

    def __init__(
        self,
        roster: Roster,
        find_person: Callable[[str], User],
        columns: RosterColumns | None = None,
        find_people: Callable[[Sequence[str]], Mapping[str, User]] | None = None,
    ) -> None:
        self.roster = roster
        self.find_person = find_person
        self.find_people = find_people
        self.columns = columns or RosterColumns()

    def import_roster(
        self, text: str, *, dry_run: bool = False, remove_missing: bool = False
    ) -> ImportReport:
        """Upsert the students of roster CSV ``text`` by student id (see :class:`ImportReport`).

        A dry run reads and links as a real run does and writes nothing. Students not in the
        file are reported as ``missing`` and removed only with ``remove_missing``; a student
        whose row is bad this time is neither updated nor removed.
        """
        read = read_roster(text, self.columns)
        current = {s.student_id: s for s in self.roster.students()}
        upserts: list[Student] = []
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        unlinked: list[str] = []
        people = self._people(read.students, current)
        for row in read.students:
            old = current.get(row.student_id)
            new = self._linked(row, old, people)
            if not new.is_linked:
                unlinked.append(row.student_id)
            if new == old:
                unchanged.append(row.student_id)
                continue
            (updated if old else added).append(row.student_id)
            upserts.append(new)
        listed = {s.student_id for s in read.students} | {b.student_id for b in read.bad_rows}
        missing = tuple(sorted(set(current) - listed))
        removed = missing if remove_missing else ()
        if not dry_run and (upserts or removed):
            self.roster.apply(upserts, removed)
        report = ImportReport(
            dry_run=dry_run,
            rows=read.rows,
            added=tuple(added),
            updated=tuple(updated),
            unchanged=tuple(unchanged),
            missing=missing,
            removed=removed,
            unlinked=tuple(unlinked),
            bad_rows=read.bad_rows,
        )
        log.info("roster_imported", extra={"dry_run": dry_run, **report.summary()})
        return report

    def _people(
        self, rows: Sequence[Student], current: Mapping[str, Student]
    ) -> Mapping[str, User] | None:
        """The users of every row that needs a look-up, in bulk (None: one by one)."""
        if self.find_people is None:
            return None
        wanted = [r.rt_user for r in rows if r.rt_user and not _kept(r, current.get(r.student_id))]
        return self.find_people(wanted) if wanted else {}

    def _linked(
        self, row: Student, old: Student | None, people: Mapping[str, User] | None
    ) -> Student:
        """``row`` with its RT user: the old link if the file names the same user."""
        if _kept(row, old):
            assert old is not None
            return attrs.evolve(row, user_id=old.user_id, user_name=old.user_name)
        if not row.rt_user:
            return row
        try:
            user = people[row.rt_user] if people is not None else self.find_person(row.rt_user)
        except (UserNotFound, KeyError):
            return row
        return attrs.evolve(row, user_id=user.id, user_name=user.name)

    def unlinked(self) -> list[Student]:
        """Students without an RT user (no user name or e-mail, or none RT knows)."""
        return [s for s in self.roster.students() if not s.is_linked]


def _kept(row: Student, old: Student | None) -> bool:
    """The file names the user the student is already linked to: no look-up needed."""
    return old is not None and old.is_linked and old.rt_user == row.rt_user
