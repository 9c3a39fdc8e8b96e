"""The core imports nothing but the standard library and attrs: proven by running it."""

import subprocess
import sys

from tests.conftest import ROOT

BLOCKER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {blocked!r}:
            raise ImportError('blocked for this test: ' + name)
sys.meta_path.insert(0, Block())
import rtutils_core, rtutils_core.tags.service, rtutils_core.assets.ports, rtutils_core.geometry
import pkgutil, importlib
for mod in pkgutil.walk_packages(rtutils_core.__path__, 'rtutils_core.'):
    importlib.import_module(mod.name)
print('core ok')
"""

FORBIDDEN = {
    "flask",
    "requests",
    "reportlab",
    "qrcode",
    "cattrs",
    "structlog",
    "dependency_injector",
    "rtutils_adapters",
    "rtutils_web",
    "werkzeug",
    "PIL",
}


def test_core_imports_without_any_framework():
    code = BLOCKER.format(blocked=FORBIDDEN)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "src", capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "core ok" in out.stdout
