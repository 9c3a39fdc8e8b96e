# devenv (https://devenv.sh) shell with the same Python and tools as `nix develop`;
# devenv.yaml pins the same nixpkgs revision as flake.lock.
{ pkgs, ... }:
let
  development = import ./nix/development.nix { inherit pkgs; };
in
{
  languages.python = {
    enable = true;
    package = development.python;
  };
  packages = development.tools;
  enterShell = development.shellHook;
  scripts.demo.exec = "python -m rtutils_web.cli --demo \"$@\"";
}
