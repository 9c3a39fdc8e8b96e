{
  description = "request-tracker-utils: asset tags, scannable labels and device look-ups for Request Tracker 5 Assets";

  # A NixOS release branch; flake.lock pins the exact revision and its hash.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f system nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (
        _system: pkgs: rec {
          request-tracker-utils = pkgs.python3Packages.callPackage ./nix/package.nix { };
          default = request-tracker-utils;
        }
      );

      apps = forAllSystems (
        system: _pkgs: {
          default = {
            type = "app";
            program = "${self.packages.${system}.default}/bin/request-tracker-utils";
            meta.description = "Serve request-tracker-utils (add --demo for the built-in sample data)";
          };
        }
      );

      devShells = forAllSystems (
        _system: pkgs:
        let
          development = import ./nix/development.nix { inherit pkgs; };
        in
        {
          default = pkgs.mkShell {
            packages = [ development.python ] ++ development.tools;
            shellHook = development.shellHook;
          };
        }
      );

      # The module, with the package built from this flake (and its pinned nixpkgs) as the
      # default, so that the system runs what `nix build .#request-tracker-utils` built.
      nixosModules.requestTrackerUtils =
        { lib, pkgs, ... }:
        {
          imports = [ ./nix/module.nix ];
          services.requestTrackerUtils.package = lib.mkDefault (
            self.packages.${pkgs.stdenv.hostPlatform.system}.default
              or (pkgs.python3Packages.callPackage ./nix/package.nix { })
          );
        };
      nixosModules.default = self.nixosModules.requestTrackerUtils;

      checks = forAllSystems (
        system: pkgs:
        let
          package = self.packages.${system}.default;
          module = self.nixosModules.requestTrackerUtils;
        in
        {
          inherit package;
          smoke = import ./nix/checks/smoke.nix { inherit pkgs package; };
          module = import ./nix/checks/module.nix {
            inherit pkgs module;
            inherit (nixpkgs.lib) nixosSystem;
          };
          vm = import ./nix/checks/vm.nix { inherit pkgs module; };
        }
      );
    };
}
