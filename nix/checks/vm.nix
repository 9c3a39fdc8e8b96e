# Boots a NixOS VM with the module (demo backend, so no RT is needed) and checks what the
# runbook's validation checklist checks: the unit runs as its own user with its state
# directory, answers on host:port and logs JSON lines to the journal.
{ pkgs, module }:
pkgs.testers.runNixOSTest {
  name = "request-tracker-utils";
  nodes.machine =
    { pkgs, ... }:
    {
      imports = [ module ];
      services.requestTrackerUtils = {
        enable = true;
        backend = "demo";
      };
      environment.etc."request-tracker-utils/secrets.env" = {
        mode = "0400";
        text = "# The demo backend needs no secrets.\n";
      };
      environment.systemPackages = [
        pkgs.curl
        pkgs.jq
      ];
    };
  testScript = ''
    machine.wait_for_unit("request-tracker-utils.service")
    machine.wait_for_open_port(5000)
    machine.succeed("curl -fsS http://127.0.0.1:5000/healthz")
    machine.succeed("curl -fsS -D - -o /dev/null http://127.0.0.1:5000/healthz | grep -i '^x-request-id:'")
    machine.succeed("test \"$(systemctl show -P User request-tracker-utils)\" = rtutils")
    machine.succeed("test \"$(stat -c %U:%a /var/lib/request-tracker-utils)\" = rtutils:700")
    machine.succeed(
        "journalctl -u request-tracker-utils -o cat | grep '\"starting\"' | head -n 1"
        " | jq -e '.event == \"starting\" and .level == \"info\" and (.timestamp | length > 0)'"
    )
    machine.fail("journalctl -u request-tracker-utils -o cat | grep -i traceback")
  '';
}
