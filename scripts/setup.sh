# Shared set-up for scripts/serve and scripts/test: installs what is missing, idempotently.
# Sourced, not run. Works as root on a fresh Debian machine with Python 3.11.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RTUTILS_VENV:-$ROOT/.venv}"

say() { printf '==> %s\n' "$*" >&2; }

# Debian packages the test suite needs: a real RT 5 for the contract tests, Chromium for
# the browser tests, Nix for evaluating the flake and the NixOS module, PostgreSQL 15 for the
# shared tag store's contract tests (tests/pg_harness.py runs its initdb and pg_ctl).
TEST_APT_PACKAGES=(
  request-tracker5 rt5-db-sqlite rt5-standalone
  chromium
  nix-bin
  postgresql-15
  cups cups-client printer-driver-cups-pdf
  redis-server
)

# axe-core, the accessibility checker the browser tests inject into each page
# (tests/web/shell/test_browser_pages.py), from the npm registry into the venv: not committed.
AXE_VERSION=4.14.1

ensure_axe() {
  local dir="$VENV/test-support"
  [ -f "$dir/node_modules/axe-core/axe.min.js" ] && return 0
  # npm comes with Node.js where a machine has Node.js already (NodeSource's package carries
  # its own npm and conflicts with Debian's); elsewhere Debian's npm brings Node.js with it.
  command -v npm >/dev/null || apt_install npm
  say "installing axe-core $AXE_VERSION into $dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "axe-core@$AXE_VERSION" >/dev/null
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${missing[*]} (run as root, or install them first)"
    return 1
  fi
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_bin() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  say "Python 3.11 or newer is needed"; return 1
}

ensure_venv() {  # ensure_venv [extra]: the venv with the project installed (editable)
  local extra="${1:-}" py stamp want
  py="$(python_bin)"
  if ! "$py" -m venv --help >/dev/null 2>&1 || ! "$py" -c 'import ensurepip' 2>/dev/null; then
    apt_install python3-venv
  fi
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)-${extra:-base}"
  stamp="$VENV/.rtutils-installed"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && grep -qx -- "$want" "$stamp"; then
    return 0
  fi
  [ -x "$VENV/bin/python" ] || { say "creating $VENV"; "$py" -m venv "$VENV"; }
  say "installing Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e "$ROOT${extra:+[$extra]}"
  # The same stamp serves a later base install: the test extra is a superset.
  if [ "$extra" = test ]; then
    printf '%s\n%s\n' "$want" "${want%-test}-base" > "$stamp"
  else
    printf '%s\n' "$want" > "$stamp"
  fi
}
