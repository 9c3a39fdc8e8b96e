# Evaluates flake.nix's outputs against a stand-in nixpkgs (the stub lib and fake package
# builders that record their arguments) and returns, as JSON-able data, the shape of the
# outputs and how the package is built. Nothing is built or fetched.
{
  lib ? import ./stub-lib.nix,
  # Whether to read the package source's file set (the stub records it; the real lib
  # needs a Nix newer than Debian's nix-bin to evaluate lib.fileset).
  inspectSource ? true,
  # Whether the stand-in nixpkgs marks dependency-injector broken, as nixpkgs long did.
  dependencyInjectorBroken ? false,
}:
let
  storePath = name: "/nix/store/00000000000000000000000000000000-${name}";
  fakeDerivation = name: attrs: {
    type = "derivation";
    inherit name;
    outPath = storePath name;
  } // attrs;

  pythonPackage =
    name: meta:
    let
      self = fakeDerivation name {
        pname = name;
        inherit meta;
        doCheck = true;
        overridePythonAttrs = f: self // f self;
      };
    in
    self;

  pythonPackageNames = [
    "attrs"
    "cattrs"
    "jsonschema"
    "flask"
    "requests"
    "reportlab"
    "qrcode"
    "pypdfium2"
    "structlog"
    "waitress"
    "flask-wtf"
    "psycopg"
    "sqlalchemy"
    "alembic"
    "huey"
    "redis"
    "limits"
    "zxcvbn"
    "google-auth"
    "cryptography"
    "brother-ql-next"
    "jinja2"
    "prometheus-client"
    "setuptools"
    "wheel"
    "pytest"
    "hypothesis"
    "pillow"
    "mypy"
    "build"
  ];

  python3Packages =
    lib.genAttrs pythonPackageNames (name: pythonPackage name { })
    // {
      dependency-injector = pythonPackage "dependency-injector" { broken = dependencyInjectorBroken; };
      inherit lib;
      buildPythonApplication = attrs: fakeDerivation "${attrs.pname}-${attrs.version}" attrs;
      # callPackage: fills the function's arguments from this package set.
      callPackage =
        fn: overrides:
        let
          f = if builtins.isFunction fn then fn else import fn;
        in
        f (builtins.mapAttrs (name: _: python3Packages.${name}) (builtins.functionArgs f) // overrides);
    };

  pkgsFor = system: {
    inherit lib python3Packages;
    stdenv.hostPlatform.system = system;
    python3.withPackages = select: fakeDerivation "python3-env" { packages = select python3Packages; };
    mkShell = args: fakeDerivation "shell" args;
    runCommand = name: _env: _script: fakeDerivation name { };
    testers.runNixOSTest = args: fakeDerivation "vm-test-${args.name}" { };
    ruff = fakeDerivation "ruff" { };
    sqlite = fakeDerivation "sqlite" { };
  };

  flake = import ../../flake.nix;
  nixpkgs = {
    lib = lib // {
      nixosSystem = _: throw "nixosSystem is not available offline";
    };
    legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] pkgsFor;
  };
  outputs = flake.outputs {
    self = outputs;
    inherit nixpkgs;
  };

  names = map (p: p.pname);
  system = "x86_64-linux";
  package = outputs.packages.${system}.default;
  dependencyInjector = builtins.head (builtins.filter (p: p.pname == "dependency-injector") package.dependencies);
in
{
  description = flake.description;
  nixpkgsUrl = flake.inputs.nixpkgs.url;
  outputs = builtins.attrNames outputs;
  systems = builtins.attrNames outputs.packages;
  packages = builtins.attrNames outputs.packages.${system};
  samePackage = outputs.packages.${system}.default == outputs.packages.${system}.request-tracker-utils;
  app = {
    inherit (outputs.apps.${system}.default) type program;
  };
  devShells = builtins.attrNames outputs.devShells.${system};
  devShellPython = names (builtins.head outputs.devShells.${system}.default.packages).packages;
  nixosModules = builtins.attrNames outputs.nixosModules;
  checks = builtins.attrNames outputs.checks.${system};
  package = {
    inherit (package)
      pname
      version
      pyproject
      pythonImportsCheck
      ;
    storePath = package.outPath;
    buildSystem = names package.build-system;
    dependencies = names package.dependencies;
    source = if inspectSource then package.src.files else null;
    mainProgram = package.meta.mainProgram;
    dependencyInjector = {
      broken = dependencyInjector.meta.broken;
      doCheck = dependencyInjector.doCheck;
    };
  };
}
