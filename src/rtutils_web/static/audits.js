// The audit desk (page /audits/<id>), on the desks' scan queue (scanqueue.js).
//
// Every scan goes to the audit as it comes: present (expected here), unexpected (in RT but
// elsewhere, with where) or unknown (nothing RT knows). A device scanned before, at this desk
// or another, is counted once ("again"). The counts beside the field follow every answer.
// While RT cannot be reached a scan outside the expected set is kept pending (202): its row
// is marked, the banner counts what waits, and the desk scans on at full speed.
(function () {
  "use strict";

  const desk = document.getElementById("desk");
  if (!desk || desk.dataset.mode !== "audit") {
    return;
  }
  const STATES = {
    present: "present",
    unexpected: "unexpected",
    unknown: "unknown",
    again: "scanned before",
    pending: "waiting for RT",
    refused: "refused",
  };
  const TONES = {
    present: "done", unexpected: "switch", unknown: "refused", again: "already", pending: "queued",
  };
  const queue = window.rtutilsQueue.create({
    states: STATES,
    summary: function (counts, waiting) {
      return (counts.present || 0) + " present, " + (counts.unexpected || 0) + " unexpected, " +
        (counts.unknown || 0) + " unknown, " +
        (counts.pending ? counts.pending + " waiting for RT, " : "") + (counts.again || 0) + " scanned before, " +
        (counts.refused || 0) + " refused, " + waiting + " waiting";
    },
    refused: function (error) {
      return { state: "refused", text: error.message };
    },
  });
  const scanField = document.getElementById("scan");
  const deskName = document.getElementById("desk-name");

  function showCounts(counts) {
    Object.keys(counts).forEach(function (name) {
      const shown = document.querySelector("[data-count=" + name + "]");
      if (shown) {
        shown.textContent = String(counts[name]);
      }
    });
    document.getElementById("audit-pending").hidden = !counts.pending;
  }

  queue.onScan(scanField, function (text) {
    queue.enqueue(queue.addRow(text), async function (row) {
      const done = await queue.send("POST", desk.dataset.send, { scan: text, desk: deskName.value });
      showCounts(done.counts);
      const scan = done.scan;
      const what = scan.tag || scan.text;
      if (scan.asset_id) {
        queue.link(row, "asset page of " + what, desk.dataset.asset.replace(/0$/, String(scan.asset_id)));
      }
      if (done.repeat) {
        return { state: "again", text: what + " was scanned before (" + scan.outcome + "): counted once", tone: TONES.again };
      }
      const words = {
        present: what + " is here, as expected",
        unexpected: what + " is not expected here: " + scan.reason,
        unknown: scan.reason,
        pending: what + ": " + scan.reason,
      };
      return { state: done.outcome, text: words[done.outcome], tone: TONES[done.outcome] };
    });
  });
  window.rtutilsScan.keep(scanField, { others: [deskName] });
})();
