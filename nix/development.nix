# The development environment shared by `nix develop` (flake.nix) and devenv (devenv.nix):
# the same Python as the package, with the package's dependencies and the checkers.
#
# The rest of the test tooling (a real RT 5 and Chromium from Debian, playwright,
# schemathesis, import-linter, the barcode decoders) is installed by ./scripts/test,
# which is what CI runs.
{ pkgs }:
let
  package = pkgs.python3Packages.callPackage ./package.nix { };
in
{
  python = pkgs.python3.withPackages (
    ps:
    package.passthru.runtimeDependencies
    ++ [
      ps.pytest
      ps.hypothesis
      ps.pillow
      ps.mypy
      ps.build
    ]
  );

  tools = [
    pkgs.ruff
    pkgs.sqlite
  ];

  # Run the code from the working tree: `python -m rtutils_web.cli --demo`.
  shellHook = ''
    export PYTHONPATH="$PWD/src''${PYTHONPATH:+:$PYTHONPATH}"
    echo "request-tracker-utils development shell: python -m rtutils_web.cli --demo serves the demo"
  '';
}
