# Evaluates the module inside a real NixOS configuration (the real systemd and users
# modules), fails on any of its assertions, and checks the generated unit file.
{
  pkgs,
  module,
  nixosSystem,
}:
let
  inherit (pkgs) lib;
  nixos = nixosSystem {
    modules = [
      module
      {
        nixpkgs.hostPlatform = pkgs.stdenv.hostPlatform.system;
        boot.isContainer = true;
        system.stateVersion = "26.05";
        services.requestTrackerUtils.enable = true;
      }
    ];
  };
  inherit (nixos) config;
  failed = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
  unit = config.systemd.units."request-tracker-utils.service".text;
  expected = [
    "ExecStart=${config.services.requestTrackerUtils.package}/bin/request-tracker-utils serve"
    "EnvironmentFile=/etc/request-tracker-utils/secrets.env"
    "User=rtutils"
    "Group=rtutils"
    "StateDirectory=request-tracker-utils"
    "ReadWritePaths=/var/lib/request-tracker-utils"
    "Restart=on-failure"
    "NoNewPrivileges=true"
    "ProtectSystem=strict"
    "ProtectHome=true"
    "PrivateTmp=true"
    "PrivateDevices=true"
    "ProtectKernelTunables=true"
    "ProtectKernelModules=true"
    "ProtectControlGroups=true"
    "RestrictAddressFamilies=AF_INET"
    "RestrictAddressFamilies=AF_INET6"
    "RestrictAddressFamilies=AF_UNIX"
    "RestrictNamespaces=true"
    "LockPersonality=true"
    "SystemCallFilter=@system-service"
    "CapabilityBoundingSet="
    "UMask=0077"
    "Environment=\"PORT=5000\""
    "Environment=\"WORKING_DIR=/var/lib/request-tracker-utils\""
  ];
in
if failed != [ ] then
  throw (lib.concatStringsSep "\n" failed)
else
  pkgs.runCommand "request-tracker-utils-module"
    {
      inherit unit;
      expected = lib.concatStringsSep "\n" expected;
      passAsFile = [
        "unit"
        "expected"
      ];
    }
    ''
      status=0
      while IFS= read -r line; do
        grep -qxF -- "$line" "$unitPath" || { echo "unit lacks: $line"; status=1; }
      done < "$expectedPath"
      if grep -q '^Environment="\(RT_TOKEN\|SECRET_KEY\|RTUTILS_API_TOKENS\)=' "$unitPath"; then
        echo "a secret is in the unit file"; status=1
      fi
      [ "$status" = 0 ] || { cat "$unitPath"; exit 1; }
      cp "$unitPath" "$out"
    ''
