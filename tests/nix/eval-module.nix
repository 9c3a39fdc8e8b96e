# Evaluates nix/module.nix with `lib.evalModules` (the stub lib in CI, the real nixpkgs lib
# when the optional test has one) and returns, as JSON-able data, what the tests assert on:
# the options with their types and defaults, the generated units, the rendered unit file,
# the users and groups, and the messages of the assertions that fail.
#
# The NixOS options the module defines into (systemd, users, assertions, firewall) are
# declared here as plain sinks; the real NixOS modules are exercised by the flake's
# `checks.module`, which needs nixpkgs.
{
  lib ? import ./stub-lib.nix,
  # JSON object of services.requestTrackerUtils settings; `enable` defaults to true here.
  settingsJSON ? "{}",
}:
let
  inherit (lib) mkOption types;

  # A stand-in for the package: only its store path is used by the module.
  package = {
    type = "derivation";
    name = "request-tracker-utils-0.1.0";
    outPath = "/nix/store/00000000000000000000000000000000-request-tracker-utils-0.1.0";
  };

  sinks = {
    options = {
      assertions = mkOption {
        type = types.listOf types.unspecified;
        default = [ ];
      };
      users.users = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      users.groups = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      systemd.services = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      systemd.timers = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
      systemd.tmpfiles.rules = mkOption {
        type = types.listOf types.str;
        default = [ ];
      };
      networking.firewall.allowedTCPPorts = mkOption {
        type = types.listOf types.port;
        default = [ ];
      };
      services.postgresql = mkOption {
        type = types.attrsOf types.anything;
        default = { };
      };
    };
  };

  settings = {
    enable = true;
    inherit package;
  }
  // builtins.fromJSON settingsJSON;

  evaluated = lib.evalModules {
    modules = [
      ../../nix/module.nix
      sinks
      { services.requestTrackerUtils = settings; }
    ];
    # The module only needs pkgs for the package's default, which is never used here.
    specialArgs.pkgs = { };
  };
  inherit (evaluated) config;

  describe =
    name: option:
    {
      type = option.type.name;
      description = option.description or "";
      hasDefault = option ? default;
    }
    // (if option ? default && name != "package" then { default = option.default; } else { })
    // (if option ? defaultText then { defaultText = option.defaultText.text or option.defaultText; } else { });

  # The unit file as NixOS's systemd-lib writes it (attrsToSection, toOption and the
  # Environment= lines of serviceToUnit), so the tests read what systemd would read.
  toOption =
    value:
    if value == true then
      "true"
    else if value == false then
      "false"
    else
      toString value;
  section =
    attrs:
    builtins.concatStringsSep "" (
      builtins.concatMap (
        name:
        map (value: "${name}=${toOption value}\n") (
          if builtins.isList attrs.${name} then attrs.${name} else [ attrs.${name} ]
        )
      ) (builtins.attrNames attrs)
    );
  renderUnit =
    service:
    let
      unitSection =
        (if service ? after then { After = toString service.after; } else { })
        // (if service ? wants then { Wants = toString service.wants; } else { })
        // (if service ? description then { Description = service.description; } else { });
      environment = service.environment or { };
    in
    "[Unit]\n"
    + section unitSection
    + "\n[Service]\n"
    + builtins.concatStringsSep "" (
      map (name: "Environment=${builtins.toJSON "${name}=${environment.${name}}"}\n") (
        builtins.attrNames environment
      )
    )
    + section service.serviceConfig
    + (
      if (service.wantedBy or [ ]) != [ ] then
        "\n[Install]\nWantedBy=${builtins.concatStringsSep " " service.wantedBy}\n"
      else
        ""
    );

  services = config.systemd.services;
in
{
  options = builtins.mapAttrs describe evaluated.options.services.requestTrackerUtils;
  services = services;
  units = builtins.mapAttrs (_: renderUnit) services;
  timers = config.systemd.timers;
  users = config.users.users;
  groups = config.users.groups;
  tmpfiles = config.systemd.tmpfiles.rules;
  firewall = config.networking.firewall.allowedTCPPorts;
  postgresql = config.services.postgresql;
  failedAssertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
}
