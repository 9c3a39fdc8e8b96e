# Runs the installed command the way an operator first would: --help documents every
# variable, and the demo backend passes the start-up checks without network or secrets.
{ pkgs, package }:
pkgs.runCommand "request-tracker-utils-smoke" { nativeBuildInputs = [ package ]; } ''
  export HOME="$TMPDIR"
  request-tracker-utils --help > help.txt
  for name in RTUTILS_BACKEND RT_URL RT_TOKEN PREFIX TAG_DIGITS HOST PORT WORKING_DIR LOG_FORMAT; do
    grep -q "$name" help.txt || { echo "--help does not mention $name"; exit 1; }
  done
  request-tracker-utils --demo check-config | tee check.txt
  grep -q "configuration ok: backend=demo" check.txt
  # Without secrets the real backend must refuse to start and name the variable.
  if RTUTILS_BACKEND=rt request-tracker-utils check-config 2> refused.txt; then
    echo "started without RT_TOKEN"; exit 1
  fi
  grep -q RT_TOKEN refused.txt
  mkdir "$out"
  cp help.txt check.txt refused.txt "$out/"
''
