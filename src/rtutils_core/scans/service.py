"""Telling what a scan names, so a desk never takes a student's card for a device.

A desk has one field and a scanner that types whatever it reads: a device's tag, a serial
number, an internal name, a student's card (a roster student id) or a person's login or
e-mail. :meth:`ScanService.identify` says which, with the fewest lookups for the likely
case: a tag is read without RT, a student id from the roster, the rest by exact searches.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator

from rtutils_core.assets import Asset, AssetQuery
from rtutils_core.assets.service import AssetService
from rtutils_core.errors import InvalidInput, NotFound, StudentNotFound, UserNotFound
from rtutils_core.loans.service import LoanService
from rtutils_core.scans.values import Found, PersonMatch, ScanFields, SearchResult
from rtutils_core.students import Student
from rtutils_core.students.ports import Roster

log = logging.getLogger("rtutils.scans")

#: Most devices and people a search lists.
MAX_MATCHES = 20
#: Longest text a scan or a search takes (a scanner never sends more).
MAX_SCAN = 200


class ScanService:
    """Find the device or person a scanned or typed text stands for."""

    def __init__(
        self,
        assets: AssetService,
        loans: LoanService,
        roster: Roster,
        fields: ScanFields | None = None,
    ) -> None:
        self.assets = assets
        self.loans = loans
        self.roster = roster
        self.fields = fields or ScanFields()

    def identify(self, text: str, *, person_first: bool = False) -> Found:
        """The one device or person ``text`` names, or ``kind == "nothing"`` with the reason.

        ``person_first`` asks RT for a user before the device searches (a person field).
        """
        wanted = _checked(text)
        if self.assets.tag_formats.read(wanted) is not None:
            try:
                return Found("device", wanted, "tag", asset=self.assets.by_tag(wanted))
            except NotFound:
                return Found(
                    "nothing",
                    wanted,
                    is_tag_shaped=True,
                    reason=f"no device carries the tag {wanted!r}",
                )
        student = self._student(wanted)
        if student is not None:
            return self._student_found(wanted, student)
        steps = (self._person, self._device) if person_first else (self._device, self._person)
        for step in steps:
            found = step(wanted)
            if found is not None:
                return found
        return Found(
            "nothing",
            wanted,
            reason=f"nothing is known as {wanted!r}: no device, no person, no student id",
        )

    def _student(self, text: str) -> Student | None:
        try:
            return self.roster.get(text)
        except StudentNotFound:
            return None

    def _student_found(self, text: str, student: Student) -> Found:
        if not student.is_linked:
            return Found(
                "nothing",
                text,
                "student id",
                student=student,
                reason=f"student {text} is on the roster but has no RT user yet",
            )
        try:
            user = self.loans.find_person(student.user_name or student.rt_user)
        except UserNotFound:
            return Found(
                "nothing",
                text,
                "student id",
                student=student,
                reason=f"student {text}'s RT user is not in RT any more",
            )
        return Found("person", text, "student id", user=user, student=student)

    def _person(self, text: str) -> Found | None:
        try:
            user = self.loans.find_person(text)
        except (UserNotFound, InvalidInput):
            return None
        return Found("person", text, "e-mail" if "@" in text else "login", user=user)

    def _device(self, text: str) -> Found | None:
        for how, asset in self._devices(text):
            return Found("device", text, how, asset=asset)
        return None

    def _devices(self, text: str) -> Iterator[tuple[str, Asset]]:
        """The devices ``text`` names exactly, by the first of Name, serial, internal name
        that matches; more than one for one of them is refused (scan the tag instead)."""
        queries = (
            ("name", AssetQuery(names=(text,))),
            ("serial", AssetQuery(custom_fields={self.fields.serial: text})),
            ("internal name", AssetQuery(custom_fields={self.fields.internal_name: text})),
        )
        for how, query in queries:
            try:
                found = self.assets.search(query, per_page=2).items
            except InvalidInput:
                # An installation without this custom field: nothing is found by it.
                if not query.custom_fields:
                    raise
                continue
            if len(found) > 1:
                raise InvalidInput(f"more than one device has the {how} {text!r}; scan its tag")
            if found:
                yield how, found[0]
                return

    # -- the search box -----------------------------------------------------------------

    def search(self, text: str, *, with_people: bool) -> SearchResult:
        """Every device (tag, Name or its beginning, serial, internal name) and, with
        ``with_people``, every person (login, e-mail, student id, roster name) ``text`` names."""
        wanted = _checked(text)
        devices = self._matching_devices(wanted)
        people = self._matching_people(wanted) if with_people else ()
        return SearchResult(wanted, devices, people)

    def _matching_devices(self, text: str) -> tuple[tuple[str, Asset], ...]:
        found: dict[int, tuple[str, Asset]] = {}
        if self.assets.tag_formats.read(text) is not None:
            try:
                asset = self.assets.by_tag(text)
                found[asset.id] = ("tag", asset)
            except NotFound:
                pass
        queries = (
            ("name", AssetQuery(name_prefix=text)),
            ("serial", AssetQuery(custom_fields={self.fields.serial: text})),
            ("internal name", AssetQuery(custom_fields={self.fields.internal_name: text})),
        )
        for how, query in queries:
            try:
                matches = self.assets.search(query, per_page=MAX_MATCHES).items
            except InvalidInput:
                if not query.custom_fields:
                    raise
                continue  # an installation without this custom field
            for asset in matches:
                found.setdefault(asset.id, (how, asset))
        return tuple(sorted(found.values(), key=lambda m: m[1].id))[:MAX_MATCHES]

    def _matching_people(self, text: str) -> tuple[PersonMatch, ...]:
        matches: list[PersonMatch] = []
        student = self._student(text)
        if student is not None:
            one = self._student_found(text, student)
            matches.append(PersonMatch("student id", one.user, student))
        else:
            person = self._person(text)
            if person is not None:
                linked = self._student_of(person.user.name if person.user else "")
                matches.append(PersonMatch(person.how, person.user, linked))
        folded = text.casefold()
        if len(folded) >= 3:
            seen = {m.student.student_id for m in matches if m.student}
            for row in self.roster.students():
                if row.student_id not in seen and folded in row.full_name.casefold():
                    matches.append(PersonMatch("name", None, row))
                if len(matches) >= MAX_MATCHES:
                    break
        return tuple(matches)

    def _student_of(self, user_name: str) -> Student | None:
        for row in self.roster.students():
            if user_name and user_name in (row.user_name, row.rt_user):
                return row
        return None


def _checked(text: str) -> str:
    wanted = text.strip()
    if not wanted:
        raise InvalidInput("scan or type something to look for")
    if len(wanted) > MAX_SCAN or any(unicodedata.category(c) == "Cc" for c in wanted):
        # Not quoted: a search text may be a student's name, and errors are logged.
        raise InvalidInput(f"a scan is at most {MAX_SCAN} printable characters, without controls")
    return wanted
