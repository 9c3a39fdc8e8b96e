"""A real, isolated Request Tracker 5 for tests and benchmarks, and the fixtures that share it.

RT comes from Debian's packages (``request-tracker5 rt5-db-sqlite rt5-standalone``;
``scripts/setup.sh`` installs them). :class:`RTServer` gives each run its own RT: a private
copy of the pristine SQLite database, its own site config (``RT_SITE_CONFIG`` and
``RT_SITE_CONFIG_DIR`` in a temporary folder, nothing in /etc is touched), a free loopback
port, fresh auth tokens, and the standard data below loaded with RT's own
``rt-setup-database --action insert``. It stops RT when done. The fixtures' RT hashes tokens
at the cheapest bcrypt cost (:data:`TEST_BCRYPT_COST`), so that RT's check of the token does
not dominate each request.

Fixtures (session-scoped; RT starts on first use, once per pytest session; every test
module can use them, ``tests/conftest.py`` registers them):

``rt_server``
    The running :class:`RTServer`: ``url``, ``api_url``, ``token`` (root, a ``Secret``),
    ``tokens`` (by user), ``insert_assets(items) -> {name: id}`` to load many assets fast,
    ``insert_initialdata(perl)`` for anything else RT's initialdata can express.
``rt_backend``
    An ``RTRestBackend`` for it, authenticated as root. Create single assets through it
    (``rt_backend.create_asset``); use ``rt_server.insert_assets`` for dozens.

Every test shares the one RT: give what you create a unique name (:func:`unique_name`) and
never rely on the total count of a catalog that other tests add to.

If RT cannot be started, tests that use these fixtures FAIL with the reason; they never
skip, so a broken RT installation cannot pass CI by going quiet.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal

import pytest
import requests

from rtutils_adapters.rt import RTRestBackend
from rtutils_core.assets import AssetDraft
from rtutils_core.secrets import Secret
from tests.conftest import free_port

RT_SERVER = Path("/usr/share/request-tracker5/libexec/rt-server")
RT_LIB = Path("/usr/share/request-tracker5/lib")
SETUP_DATABASE = ("/usr/sbin/rt-setup-database-5", "/usr/sbin/rt-setup-database")
PRISTINE_DB = Path("/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb")
#: RAM-backed folder for the test database where the system has one (see RTServer._prepare).
MEMORY_FOLDER = Path("/dev/shm")
INSTALL_HINT = (
    "install RT 5 with ./scripts/test run as root (it installs request-tracker5 rt5-db-sqlite"
    " rt5-standalone from Debian), or apt-get install those packages"
)

STUDENT_DEVICES = "Student Devices"
SPARE_PARTS = "Spare Parts"
DEVICE_FIELDS = (
    "Serial Number",
    "Manufacturer",
    "Model",
    "Internal Name",
    "Type",
    "Funding Source",
    # What the Google Admin sync reads and writes (tests/contract/google/test_chrome_sync.py).
    "MAC Address",
    "Location",
    "OS Version",
    "Last Sync",
    "Auto Update Expiration",
    "Most Recent User",
    # What an audit reads and writes besides Location (tests/*/audits/).
    "Last Audited",
)
#: catalog -> (description, custom fields applied to its assets)
CATALOGS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    STUDENT_DEVICES: ("Chromebooks and chargers issued to students", DEVICE_FIELDS),
    SPARE_PARTS: ("Parts on the shelf", ("Bin",)),
}
#: name -> (real name, e-mail); ``noright`` may log in but has no rights at all.
USERS: Mapping[str, tuple[str, str]] = {
    "amara.okafor": ("Amara Okafor", "amara.okafor@students.example.org"),
    "li.wei": ("Li Wei", "li.wei@students.example.org"),
    "zoe.muller": ("Zoë Müller", "zoe.muller@students.example.org"),
    "noright": ("No Rights", "noright@example.org"),
    # The owners of the Google sync's fleet (tests/chrome_fleet.py): its hundreds of assets
    # stay off the people the loan desk tests check devices in and out for.
    "kwame.asante": ("Kwame Asante", "kwame.asante@students.example.org"),
    "ines.duarte": ("Inês Duarte", "ines.duarte@students.example.org"),
    "tomas.novak": ("Tomáš Novák", "tomas.novak@students.example.org"),
}
TOKEN_USERS = ("root", "noright")
#: Custom fields of RT users, applied to all users (the student sync, docs/students.md).
USER_FIELDS = ("Student ID", "Graduation Year")
#: bcrypt cost of the tests' RT. RT checks the token of every REST request with bcrypt at
#: cost 12 by default: ~0.3 s of CPU a request, over a second on a busy machine, which was
#: most of the suite's time on RT. The cheapest cost makes that check ~1 ms. Benchmarks
#: start RT with its default, so their figures stay those of a production RT.
TEST_BCRYPT_COST = 4
#: ``insert_assets`` creates up to this many assets without holders through REST (a request
#: each); more, or any with holders, in one run of rt-setup-database (seconds to start).
REST_INSERT_MAX = 8


class HarnessError(RuntimeError):
    """RT could not be installed, set up or started; the message says what to do."""


def unique_name(prefix: str = "T") -> str:
    """An asset name no other test uses, e.g. ``T-3f9c2a1b``."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def perl_string(text: str) -> str:
    """``text`` as a Perl single-quoted literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _perl_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(perl_string(i) for i in items) + "]"


#: Custom fields of Student Devices with a list of values: field -> (kind, choices). A
#: Select field takes only its choices; a Combobox suggests them and takes any text.
FIELD_CHOICES: Mapping[str, tuple[Literal["select", "combobox"], tuple[str, ...]]] = {
    "Manufacturer": ("select", ("Acer", "Dell", "HP", "Lenovo")),
    "Type": ("select", ("Charger", "Chromebook", "Hotspot", "Laptop")),
    "Funding Source": ("select", ("E-Rate", "General Fund", "Title I")),
    "Model": ("combobox", ("Chromebook 11 G9", "Chromebook 3100", "Chromebook 314")),
}
_RT_TYPES = {"select": "SelectSingle", "combobox": "ComboboxSingle"}


def _field_type(name: str) -> str:
    """The initialdata ``Type`` (and ``Values``) of a custom field."""
    if name not in FIELD_CHOICES:
        return "Type => 'FreeformSingle'"
    kind, choices = FIELD_CHOICES[name]
    values = ", ".join(
        f"{{ Name => {perl_string(c)}, SortOrder => {i} }}" for i, c in enumerate(choices)
    )
    return f"Type => '{_RT_TYPES[kind]}', Values => [ {values} ]"


def standard_data() -> str:
    """Initialdata for the users, catalogs and custom fields every test run has."""
    users = "".join(
        f"  {{ Name => {perl_string(n)}, RealName => {perl_string(r)},"
        f" EmailAddress => {perl_string(e)}, Privileged => 1 }},\n"
        for n, (r, e) in USERS.items()
    )
    catalogs = "".join(
        f"  {{ Name => {perl_string(n)}, Description => {perl_string(d)},"
        " Lifecycle => 'assets' },\n"
        for n, (d, _) in CATALOGS.items()
    )
    fields = "".join(
        f"  {{ Name => {perl_string(f)}, {_field_type(f)},"
        f" LookupType => 'RT::Catalog-RT::Asset', ApplyTo => {_perl_list([c])} }},\n"
        for c, (_, names) in CATALOGS.items()
        for f in names
    )
    fields += "".join(
        f"  {{ Name => {perl_string(f)}, Type => 'FreeformSingle', LookupType => 'RT::User' }},\n"
        for f in USER_FIELDS
    )
    return (
        f"@Users = (\n{users});\n@Catalogs = (\n{catalogs});\n@CustomFields = (\n{fields});\n1;\n"
    )


#: name -> description of the ticket queues every test run has (the loan desk's repairs).
QUEUES: Mapping[str, str] = {"Device Repair": "Devices returned damaged at the loan desk"}


def queue_data() -> str:
    """Initialdata for :data:`QUEUES`."""
    queues = "".join(
        f"  {{ Name => {perl_string(n)}, Description => {perl_string(d)} }},\n"
        for n, d in QUEUES.items()
    )
    return f"@Queues = (\n{queues});\n"


def assets_data(items: Sequence[tuple[AssetDraft, Sequence[str]]]) -> str:
    """Initialdata creating each (draft, holders) in order."""
    lines = []
    for draft, held_by in items:
        parts = [
            f"Name => {perl_string(draft.name)}",
            f"Catalog => {perl_string(draft.catalog)}",
            f"Status => {perl_string(draft.status)}",
            f"Description => {perl_string(draft.description)}",
        ]
        if draft.owner:
            parts.append(f"Owner => {perl_string(draft.owner)}")
        if held_by:
            parts.append(f"HeldBy => {_perl_list(held_by)}")
        parts += [
            f"{perl_string('CustomField-' + k)} => {perl_string(v)}"
            for k, v in draft.custom_fields.items()
            if v
        ]
        lines.append("  { " + ", ".join(parts) + " },\n")
    return "@Assets = (\n" + "".join(lines) + ");\n1;\n"


def _tokens_data(users: Sequence[str], folder: Path) -> str:
    """Initialdata whose final step creates one auth token per user, written to files."""
    body = "".join(
        f"""  sub {{
    my $user = RT::User->new(RT->SystemUser);
    $user->Load({perl_string(u)}) or die "no user {u}";
    my ($ok, $msg, $token) = RT::AuthToken->new(RT->SystemUser)->Create(
        Owner => $user->id, Description => 'rtutils tests');
    die "token for {u}: $msg" unless $ok;
    open(my $fh, '>', {perl_string(str(folder / ("token-" + u)))}) or die $!;
    print $fh $token;
    close $fh;
  }},
"""
        for u in users
    )
    return f"@Final = (\n{body});\n1;\n"


class RTServer:
    """One RT 5 on a free loopback port, with its own database and config in ``folder``."""

    def __init__(
        self, folder: Path, port: int | None = None, *, bcrypt_cost: int | None = None
    ) -> None:
        self.folder = folder
        self.bcrypt_cost = bcrypt_cost  # None: RT's default
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = self.url + "/REST/2.0"
        self.tokens: dict[str, Secret] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._log = folder / "rt-server.log"
        self._inserts = 0
        self._memory_folder: Path | None = None

    @property
    def token(self) -> Secret:
        """root's token."""
        return self.tokens["root"]

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RT_SITE_CONFIG": str(self.folder / "RT_SiteConfig.pm"),
            "RT_SITE_CONFIG_DIR": str(self.folder / "RT_SiteConfig.d"),
        }

    def _prepare(self) -> None:
        if not RT_SERVER.exists():
            raise HarnessError(f"RT 5 is not installed ({RT_SERVER} is missing); {INSTALL_HINT}")
        if not os.access(PRISTINE_DB, os.R_OK):
            raise HarnessError(
                f"RT's pristine SQLite database {PRISTINE_DB} is missing or unreadable"
                f" (run the tests as root); {INSTALL_HINT}"
            )
        (self.folder / "RT_SiteConfig.d").mkdir(parents=True, exist_ok=True)
        for sub in ("mason", "sessions"):
            (self.folder / sub).mkdir(exist_ok=True)
        # The database lives in RAM where it can: SQLite syncs to disk on every commit, and
        # a throw-away test RT needs no durability (its folder is deleted at stop()).
        if MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK):
            self._memory_folder = Path(tempfile.mkdtemp(prefix="rtutils-rt-", dir=MEMORY_FOLDER))
        database = (self._memory_folder or self.folder) / "rtdb"
        shutil.copyfile(PRISTINE_DB, database)
        config = f"""Set($rtname, 'rtutils-test');
Set($Organization, 'rtutils-test');
Set($DatabaseType, 'SQLite');
Set($DatabaseName, {perl_string(str(database))});
Set($WebPort, {self.port});
Set($WebDomain, '127.0.0.1');
Set($WebBaseURL, {perl_string(self.url)});
Set($WebPath, '');
Set($LogToSyslog, undef);
Set($LogToFile, undef);
Set($LogToSTDERR, 'error');
$RT::MasonDataDir = {perl_string(str(self.folder / "mason"))};
$RT::MasonSessionDir = {perl_string(str(self.folder / "sessions"))};
"""
        if self.bcrypt_cost is not None:
            config += f"Set($BcryptCost, {int(self.bcrypt_cost)});\n"
        config += "1;\n"
        (self.folder / "RT_SiteConfig.pm").write_text(config, "utf-8")

    def insert_initialdata(self, perl: str) -> None:
        """Load an initialdata file (Perl ``@Users``, ``@Assets``, ...) into this RT."""
        self._inserts += 1
        datafile = self.folder / f"data-{self._inserts}.pl"
        datafile.write_text(perl, "utf-8")
        script = next((s for s in SETUP_DATABASE if Path(s).exists()), None)
        if script is None:
            raise HarnessError(f"rt-setup-database is missing; {INSTALL_HINT}")
        out = subprocess.run(
            [script, "--action", "insert", "--datafile", str(datafile), "--skip-create"],
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        errors = [
            line for line in (out.stdout + out.stderr).splitlines() if "[error]" in line.lower()
        ]
        if out.returncode != 0 or errors or "Done inserting data" not in out.stdout:
            detail = "\n".join(errors) or (out.stdout + out.stderr)[-2000:]
            raise HarnessError(f"rt-setup-database could not load {datafile.name}:\n{detail}")

    def insert_assets(self, items: Sequence[tuple[AssetDraft, Sequence[str]]]) -> dict[str, int]:
        """Create assets, many at once (initialdata, ~25 ms each); return their ids by name.

        Each item is ``(draft, holders)``; names must be unique within ``items``.
        """
        if len(items) <= REST_INSERT_MAX and not any(held for _, held in items):
            return {draft.name: self._post_asset(draft) for draft, _ in items}
        before = self._highest_asset_id()
        self.insert_initialdata(assets_data(items))
        ids: dict[str, int] = {}
        page = 1
        while True:
            reply = self._rest_get(
                "/assets",
                {"query": f"id > {before}", "fields": "Name", "per_page": 100, "page": page},
            )
            ids.update({item["Name"]: int(item["id"]) for item in reply["items"]})
            if reply["count"] < 100:
                break
            page += 1
        missing = [d.name for d, _ in items if d.name not in ids]
        if missing:
            raise HarnessError(f"RT did not create the assets {missing[:5]}")
        return ids

    def _post_asset(self, draft: AssetDraft) -> int:
        body: dict[str, object] = {
            "Name": draft.name,
            "Catalog": draft.catalog,
            "Status": draft.status,
            "Description": draft.description,
            "CustomFields": {k: v for k, v in draft.custom_fields.items() if v},
        }
        if draft.owner:
            body["Owner"] = draft.owner
        headers = {"Authorization": "token " + self.token.reveal()}
        response = requests.post(self.api_url + "/asset", json=body, headers=headers, timeout=60)
        if response.status_code != 201:
            raise HarnessError(f"RT did not create {draft.name!r}: {response.text[:500]}")
        return int(response.json()["id"])

    def _highest_asset_id(self) -> int:
        reply = self._rest_get(
            "/assets", {"query": "id > 0", "orderby": "id", "order": "DESC", "per_page": 1}
        )
        return int(reply["items"][0]["id"]) if reply["items"] else 0

    def _rest_get(self, path: str, params: Mapping[str, object]) -> dict:
        headers = {"Authorization": "token " + self.token.reveal()}
        response = requests.get(self.api_url + path, params=params, headers=headers, timeout=60)
        response.raise_for_status()
        return response.json()

    def start(self, timeout: float = 90.0) -> None:
        """Set up the database, tokens and standard data, then start RT and wait for it."""
        self._prepare()
        # One run of rt-setup-database (each costs seconds): the tokens are made at its end.
        self.insert_initialdata(
            standard_data() + queue_data() + _tokens_data(TOKEN_USERS, self.folder)
        )
        self.tokens = {
            u: Secret((self.folder / f"token-{u}").read_text().strip()) for u in TOKEN_USERS
        }
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [str(RT_SERVER), "--port", str(self.port), "--max-workers", "4"],
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() gets the workers
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise HarnessError(
                    f"rt-server exited with {self._process.returncode}:\n{self.log_tail()}"
                )
            try:
                self._rest_get("/rt", {})
                return
            except requests.RequestException:
                time.sleep(0.3)
        self.stop()
        raise HarnessError(f"RT did not answer within {timeout:g} s:\n{self.log_tail()}")

    def remove_sessions(self) -> int:
        """Delete every web session from RT's session store (files, on SQLite), as
        ``rt-clean-sessions`` does with the ones it cleans; return how many."""
        removed = 0
        for stored in (self.folder / "sessions").iterdir():
            if stored.is_file() and not stored.name.endswith(".lock"):
                stored.unlink(missing_ok=True)
                removed += 1
        return removed

    @property
    def pid(self) -> int | None:
        """rt-server's process id (also its process group's), while it runs."""
        return self._process.pid if self._process is not None else None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self._log.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop rt-server and its workers (the process group this object started)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        if self._memory_folder is not None:
            shutil.rmtree(self._memory_folder, ignore_errors=True)
            self._memory_folder = None


def start_rt(folder: Path, *, bcrypt_cost: int | None = None) -> RTServer:
    """A started :class:`RTServer` in ``folder``; stopped again if start-up fails."""
    server = RTServer(folder, bcrypt_cost=bcrypt_cost)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def rt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RTServer]:
    """A running, isolated RT 5 shared by the whole session (see the module docstring)."""
    folder = tmp_path_factory.mktemp("rt")
    problem = None
    try:
        server = start_rt(folder, bcrypt_cost=TEST_BCRYPT_COST)
    except HarnessError as error:
        problem = str(error)
    if problem is not None:
        pytest.fail(f"real RT 5 could not be started for the tests: {problem}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rt_backend(rt_server: RTServer) -> Iterator[RTRestBackend]:
    """An ``RTRestBackend`` on ``rt_server``, authenticated as root."""
    backend = RTRestBackend(rt_server.url, rt_server.token, read_timeout=60, backoff=0.2)
    yield backend
    backend.close()
