# Boots a NixOS VM with the module (demo backend, so no RT is needed) and checks what the
# runbook's validation checklist checks: the unit runs as its own user with its state
# directory, answers on host:port and logs JSON lines to the journal. A second machine keeps
# its tag store in a local PostgreSQL (createLocalDatabase): peer authentication over the
# socket, the schema created at start-up.
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
  nodes.shared = {
    imports = [ module ];
    services.requestTrackerUtils = {
      enable = true;
      backend = "demo";
      createLocalDatabase = true;
    };
    environment.etc."request-tracker-utils/secrets.env" = {
      mode = "0400";
      text = "# The demo backend and peer authentication need no secrets.\n";
    };
  };
  # Steps 1 to 6 of the runbook's validation checklist, in its words.
  testScript = ''
    machine.wait_for_unit("request-tracker-utils.service")
    machine.wait_for_open_port(5000)
    machine.succeed("test \"$(systemctl is-active request-tracker-utils)\" = active")
    machine.succeed("systemctl show -p User -p Group request-tracker-utils | grep -qx User=rtutils")
    machine.succeed("systemctl show -p User -p Group request-tracker-utils | grep -qx Group=rtutils")
    machine.succeed("test \"$(stat -c '%U:%G %a' /var/lib/request-tracker-utils)\" = 'rtutils:rtutils 700'")
    machine.succeed("test \"$(stat -c '%U:%G %a' /etc/request-tracker-utils/secrets.env)\" = 'root:root 400'")
    machine.succeed("test \"$(curl -fsS http://127.0.0.1:5000/healthz)\" = '{\"status\":\"ok\"}'")
    machine.succeed("curl -sS -D - -o /dev/null http://127.0.0.1:5000/healthz | grep -i x-request-id")
    machine.succeed("journalctl _SYSTEMD_UNIT=request-tracker-utils.service -o cat -n 20 | jq -ce '{event, level}'")
    machine.succeed(
        "journalctl _SYSTEMD_UNIT=request-tracker-utils.service -o cat | jq -e 'select(.event == \"starting\")"
        " | .backend == \"demo\" and .level == \"info\" and (.timestamp | length > 0)'"
    )
    machine.fail("journalctl -u request-tracker-utils -o cat | grep -i traceback")

    shared.wait_for_unit("request-tracker-utils.service")
    shared.wait_for_open_port(5000)
    shared.succeed("runuser -u postgres -- psql -d rtutils -tAc 'SELECT version FROM schema_version' | grep -qx 1")
    shared.succeed("runuser -u postgres -- psql -d rtutils -tAc 'SELECT count(*) FROM sequences' | grep -qx 1")
    shared.succeed("test ! -e /var/lib/request-tracker-utils/tags.sqlite3")
  '';
}
