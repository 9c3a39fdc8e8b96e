"""The built wheel carries its templates, static files, label fonts and data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_contains_templates_static_fonts_and_demo_data(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "*.egg-info", "build", "dist", "__pycache__", "test-artifacts"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path / "dist"),
        ],
        cwd=src,
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "rtutils_web/templates/base.html",
        "rtutils_web/templates/assets/home.html",
        "rtutils_web/static/app.css",
        "rtutils_adapters/memory/demo_assets.json",
        "rtutils_adapters/pdf/fonts/DejaVuSansCondensed.ttf",
        "rtutils_adapters/pdf/fonts/DejaVuSansCondensed-Bold.ttf",
        "rtutils_adapters/pdf/fonts/DroidSansFallbackFull.ttf",
        "rtutils_adapters/pdf/fonts/LICENSE-DejaVu.txt",
        "rtutils_adapters/pdf/fonts/LICENSE-DroidSansFallback.txt",
        "rtutils_core/__init__.py",
        "rtutils_core/intake/words/adjectives.txt",
        "rtutils_core/intake/words/animals.txt",
    ]:
        assert expected in names, expected
    # Every data file of the source tree ships, not only the ones named above.
    packaged = ["rtutils_web/templates", "rtutils_web/static", "rtutils_adapters/pdf/fonts"]
    for folder in packaged:
        for path in (ROOT / "src" / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(ROOT / "src").as_posix()
                assert name in names, name
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "request-tracker-utils = rtutils_web.cli:main" in text
