"""Every page on a laptop (1366x768), a phone (390x844) and a small phone (360x740): no
serious or critical axe-core violation, and nothing wider than the screen.

axe-core comes from the npm registry into the venv (``ensure_axe`` in scripts/setup.sh,
not committed). The pages' Content Security Policy allows no inline script, so these
contexts bypass it to inject axe; the other browser tests keep it and fail on a violation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.web.loans.test_browser_desk import desk_app, served, sign_in, wait_for_focus
from tests.web.scan_pages import SCREENS, wedge

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: The two screens of every scan test, and the narrowest phone the layout is made for.
SIZES = {**SCREENS, "small phone": {"width": 360, "height": 740}}

AXE = Path(sys.prefix) / "test-support" / "node_modules" / "axe-core" / "axe.min.js"
#: Every page of an admin, with a state worth checking.
PAGES = (
    "/",
    "/assets/3",
    "/assets/13",
    "/search?q=Library",
    "/search?q=nothing-like-this",
    "/desk/check-out",
    "/desk/check-in",
    "/intake",
    "/intake/import",
    "/labels/batch",
    "/events",
    "/admin/sequences",
    "/jobs",
    "/returns",
    "/students",
    "/students/100108",
    "/students/roster",
    "/audits",
    "/audits/overdue",
    "/desk/overdue",
    "/desk/notices",
    "/outbox",
)


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    yield from served(desk_app(tmp_path_factory.mktemp("state")))


@pytest.fixture(params=list(SIZES))
def screen(request) -> str:
    return request.param


@pytest.fixture
def page(browser, screen):
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE} (scripts/setup.sh: ensure_axe)")
    context = browser.new_context(viewport=SIZES[screen], bypass_csp=True)
    yield context.new_page()
    context.close()


def problems(page, where: str) -> list[str]:
    """The serious and critical axe violations of the page as it is, and its overflow."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"
    )
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if wide[0] > wide[1]:
        found.append(f"{wide[0]} px wide on a {wide[1]} px screen")
    return [f"{where}: {p}" for p in found]


def start_audit(page, live_url: str, location: str = "Room 101") -> None:
    """Start an audit of the demo's ``location`` from the audits page; on its desk page."""
    page.goto(f"{live_url}/audits")
    page.fill("#audit-name", f"{location}, spring")
    page.fill("#audit-value", location)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{live_url}/audits/*")
    wait_for_focus(page, "scan")


def test_every_page_is_accessible_and_fits_the_screen(page, live_url, screen):
    page.goto(f"{live_url}/login")
    found = problems(page, "/login")
    sign_in(page, live_url, "admin")
    for path in PAGES:
        page.goto(f"{live_url}{path}")
        found += problems(page, path)
    # The check-out desk after a forgotten Escape (banner, rows, the person's devices).
    page.goto(f"{live_url}/desk/check-out")
    wait_for_focus(page, "person")
    for text in ("li.wei", "W12-00002", "100105", "W12-99999"):
        wedge(page, text)
    page.locator("#queue tr[data-state=refused]").wait_for()
    found += problems(page, "/desk/check-out after scans")
    # An audit of a room with scans of every kind, and what it found.
    start_audit(page, live_url)
    for text in ("W12-00002", "W12-00001", "W12-99999"):
        wedge(page, text)
    page.locator("#queue tr[data-state=unknown]").wait_for()
    found += problems(page, "/audits/<id> after scans")
    if screen != "laptop":
        page.get_by_role("button", name="Menu").click()
        found += problems(page, "the open menu")
    assert not found, "\n".join(found)
