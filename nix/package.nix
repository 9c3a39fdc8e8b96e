# The request-tracker-utils application, built from pyproject.toml with nixpkgs' Python
# packages. Called with `python3Packages.callPackage`, so every argument below is either
# nixpkgs' `lib` or a package of the same Python package set.
{
  lib,
  buildPythonApplication,
  setuptools,
  wheel,
  attrs,
  cattrs,
  jsonschema,
  flask,
  requests,
  reportlab,
  qrcode,
  pypdfium2,
  structlog,
  dependency-injector,
  waitress,
  flask-wtf,
  psycopg,
  sqlalchemy,
  alembic,
  huey,
  redis,
  limits,
  zxcvbn,
  google-auth,
  cryptography,
  brother-ql-next,
  pillow,
  jinja2,
  prometheus-client,
}:

let
  pyproject = lib.importTOML ../pyproject.toml;

  # nixpkgs has for a long time marked dependency-injector broken because its own test
  # suite exercises the pydantic-1 settings integration (upstream issue
  # ets-labs/python-dependency-injector#726). rtutils uses only containers and providers,
  # never that integration, so on a nixpkgs that still carries the flag the library is
  # taken without its test suite instead of refusing the whole application.
  dependencyInjector =
    if dependency-injector.meta.broken or false then
      dependency-injector.overridePythonAttrs (old: {
        doCheck = false;
        meta = old.meta // {
          broken = false;
        };
      })
    else
      dependency-injector;

  # pyproject.toml's [project] dependencies, one for one (tests/nix keeps them equal).
  runtimeDependencies = [
    attrs
    cattrs
    jsonschema
    flask
    requests
    reportlab
    qrcode
    pypdfium2
    structlog
    dependencyInjector
    waitress
    flask-wtf
    psycopg
    sqlalchemy
    alembic
    huey
    redis
    limits
    zxcvbn
    google-auth
    cryptography
    brother-ql-next
    pillow
    jinja2
    prometheus-client
  ];
in
buildPythonApplication {
  pname = pyproject.project.name;
  inherit (pyproject.project) version;
  pyproject = true;

  # Only what the wheel is built from: editing tests or docs does not rebuild the package.
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../pyproject.toml
      ../README.md
      ../src
    ];
  };

  # pyproject.toml's [build-system] requires; the build checks they are present.
  build-system = [
    setuptools
    wheel
  ];

  dependencies = runtimeDependencies;

  # The full test suite needs a real RT 5, Chromium and network fixtures; it runs in CI
  # through ./scripts/test. Here the build proves that every layer imports with exactly
  # these dependencies, and the flake's `smoke` check runs the installed command.
  doCheck = false;
  pythonImportsCheck = [
    "rtutils_core"
    "rtutils_web.settings"
    "rtutils_adapters"
    "rtutils_web"
    "rtutils_web.app"
    "rtutils_web.cli"
  ];

  # For the development shells (nix/development.nix): the same libraries, without the app.
  passthru = { inherit runtimeDependencies; };

  meta = {
    description = pyproject.project.description;
    license = lib.licenses.mit;
    mainProgram = "request-tracker-utils";
    platforms = lib.platforms.linux;
  };
}
