// The loan desk's scanner queue (pages /desk/check-out and /desk/check-in).
//
// A scan ends with Enter or Tab (a keyboard-wedge scanner sends either). It is taken at once
// into a queue and the field is free for the next scan; the queue sends one request at a time,
// in scan order. The server says what the scan was: a device (checked out or in), a person
// (the desk switches to them, loudly when a device was expected) or nothing (a scan not
// shaped like a tag may be an unknown card: the desk forgets the current person). The current
// person lives in the queue, so every device goes to the person scanned before it.
// While RT cannot be reached the service answers 202: the scan waits in the outbox, its row
// is marked queued, and the banner counts what waits until RT has it all.
(function () {
  "use strict";

  const desk = document.getElementById("desk");
  if (!desk) {
    return;
  }
  const scanTools = window.rtutilsScan;
  const csrf = desk.dataset.csrf;
  const rows = document.getElementById("queue");
  const summary = document.getElementById("desk-summary");
  const scanField = document.getElementById("scan");
  const banner = document.getElementById("desk-banner");
  const latest = document.getElementById("latest");
  const shown = document.getElementById("current-person");
  const jobs = [];
  const counts = { done: 0, already: 0, switched: 0, refused: 0, queued: 0 };
  const STATES = {
    done: "done", already: "already done", switch: "new person", refused: "refused",
    queued: "queued: RT unreachable", sent: "sent to RT",
  };
  const outboxBanner = document.getElementById("outbox-banner");
  const outboxWaiting = document.getElementById("outbox-waiting");
  let watching = null;
  let busy = false;
  let scans = 0;
  let current = null; // the person of the desk: {name, label}

  // -- rows, the latest result, the banner --------------------------------------------

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined) {
      made.textContent = text;
    }
    if (className) {
      made.className = className;
    }
    return made;
  }

  function cell(tr, text, className) {
    const td = element("td", text, className);
    tr.appendChild(td);
    return td;
  }

  function addRow(scanned, marks) {
    scans += 1;
    const tr = document.createElement("tr");
    tr.dataset.state = "waiting";
    cell(tr, String(scans));
    const what = cell(tr, scanned, "tag");
    if (marks) {
      what.appendChild(element("div", marks, "marks"));
    }
    const row = {
      tr: tr,
      scanned: scanned,
      state: cell(tr, "waiting", "state"),
      detail: cell(tr, "", "detail"),
      actions: cell(tr, "", "actions"),
    };
    rows.prepend(tr); // the newest at the top, next to the scan field
    return row;
  }

  function setState(row, state, text) {
    row.tr.dataset.state = state;
    row.state.textContent = STATES[state] || state;
    if (text !== undefined) {
      row.detail.textContent = text;
    }
  }

  function note(row, text, className) {
    const line = element("div", text, className);
    row.detail.appendChild(line);
    return line;
  }

  function link(row, text, href) {
    const line = element("div");
    const a = element("a", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    line.appendChild(a);
    row.detail.appendChild(line);
  }

  function button(row, label, onClick) {
    const b = element("button", label, "secondary");
    b.type = "button";
    b.addEventListener("click", function () {
      onClick(b);
    });
    row.actions.appendChild(b);
    return b;
  }

  function showLatest(row, state) {
    latest.dataset.state = state;
    latest.replaceChildren(element("strong", row.scanned + ": " + (STATES[state] || state)),
      element("div", row.detail.firstChild ? row.detail.firstChild.textContent : ""));
  }

  function loud(text, kind) {
    banner.textContent = text;
    banner.dataset.kind = kind;
    banner.hidden = false;
  }

  function quiet() {
    banner.hidden = true;
    banner.textContent = "";
  }

  function showSummary() {
    const waiting = jobs.length + (busy ? 1 : 0);
    summary.textContent = counts.done + " done, " + counts.already + " already done, " +
      counts.switched + " new person, " + counts.refused + " refused, " +
      (counts.queued ? counts.queued + " queued for RT, " : "") + waiting + " waiting";
    desk.dataset.idle = waiting === 0 ? "yes" : "no";
  }

  // -- the outbox: scans waiting for RT -----------------------------------------------

  function showOutbox(waiting) {
    outboxWaiting.textContent = String(waiting);
    outboxBanner.hidden = waiting === 0;
    outboxBanner.dataset.waiting = String(waiting);
  }

  // Asks how many scans still wait until none does; then the queued rows were sent to RT.
  function watchOutbox() {
    if (watching) {
      return;
    }
    watching = window.setInterval(async function () {
      let depth;
      try {
        depth = await send("GET", outboxBanner.dataset.outbox);
      } catch (e) {
        return; // the service itself did not answer: ask again at the next tick
      }
      showOutbox(depth.waiting);
      if (depth.waiting > 0) {
        return;
      }
      window.clearInterval(watching);
      watching = null;
      rows.querySelectorAll("tr[data-state=queued]").forEach(function (tr) {
        tr.dataset.state = "sent";
        tr.querySelector(".state").textContent = STATES.sent;
      });
      if (depth.needs_attention) {
        loud(depth.needs_attention + " operation(s) of the outbox need attention: see the outbox page.", "refused");
      }
    }, 3000);
  }

  function queued(done) {
    showOutbox(done.waiting);
    watchOutbox();
    return { state: "queued", text: done.message };
  }

  // -- the current person -------------------------------------------------------------

  function personLabel(found) {
    const p = found.person;
    const who = p.real_name || p.name;
    return who + " (" + (found.student_id ? "student " + found.student_id + ", " : "") + p.name + ")";
  }

  function showPerson(found) {
    shown.replaceChildren();
    if (!current) {
      shown.dataset.person = "";
      shown.appendChild(element("p", desk.dataset.mode === "check-out" ? "No person yet: scan a card." : "Nobody yet.", "person-name"));
      return;
    }
    shown.dataset.person = current.name;
    shown.appendChild(element("p", current.label, "person-name"));
    if (found) {
      current.held = (found.assets || []).slice();
    }
    const held = current.held || [];
    shown.appendChild(element("p", held.length ? "Holds " + held.length + " device(s):" : "Holds no device.", "muted"));
    if (held.length) {
      const list = element("ul", undefined, "held");
      held.forEach(function (a) {
        const item = element("li");
        const to = element("a", a.name);
        to.href = desk.dataset.asset.replace(/0$/, String(a.id));
        to.target = "_blank"; // the desk and its queue stay open
        to.rel = "noopener";
        item.appendChild(to);
        list.appendChild(item);
      });
      shown.appendChild(list);
    }
  }

  function becomes(found) {
    current = { name: found.person.name, label: personLabel(found) };
    showPerson(found);
  }

  function forget() {
    current = null;
    showPerson(null);
  }

  // -- the queue ----------------------------------------------------------------------

  class Refused extends Error {
    constructor(message, code, details) {
      super(message);
      this.code = code;
      this.details = details || {};
    }
  }

  async function send(method, url, body, key) {
    const options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    };
    if (key) {
      // The same scan sent again (after a lost answer) is not queued twice.
      options.headers["Idempotency-Key"] = key;
    }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (e) {
      throw new Refused("the service did not answer; scan it again", "network");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const error = data && data.error ? data.error : { message: "the service answered " + response.status };
      throw new Refused(error.message, error.code, error);
    }
    return data;
  }

  function scanKey() {
    return "scan-" + (window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() :
      String(Date.now()) + "-" + String(Math.random()).slice(2));
  }

  // ``work`` returns {state, text}, or throws a Refused.
  function enqueue(row, work) {
    jobs.push({ row: row, work: work });
    showSummary();
    pump();
  }

  async function pump() {
    if (busy) {
      return;
    }
    busy = true;
    while (jobs.length) {
      const job = jobs.shift();
      if (!job.row) {
        job.work();
        continue;
      }
      setState(job.row, "working");
      let outcome;
      try {
        outcome = await job.work(job.row);
      } catch (error) {
        outcome = refused(error);
      }
      setState(job.row, outcome.state);
      job.row.detail.prepend(document.createTextNode(outcome.text));
      counts[outcome.state === "switch" ? "switched" : outcome.state] += 1;
      scanTools.tone(outcome.state);
      showLatest(job.row, outcome.state);
      showSummary();
    }
    busy = false;
    showSummary();
  }

  function refused(error) {
    if (error.code === "already_checked_in") {
      return { state: "already", text: error.message };
    }
    if (error.details.clears_person && current) {
      forget();
      loud("Nothing is known as this scan: the desk forgot the person. Scan the next person's card.", "refused");
    }
    return { state: "refused", text: error.message };
  }

  // A person was scanned: the desk switches to them. Where a device was expected (a
  // forgotten Escape) it says so loudly.
  function switched(found, expected) {
    const before = current;
    becomes(found);
    const held = found.assets.length;
    const holds = " holds " + held + " device(s)";
    if (expected === "device" || (before && before.name !== current.name)) {
      const was = before ? " (was " + before.label + ")" : "";
      loud("New person: now " + (desk.dataset.mode === "check-out" ? "checking out to " : "checking in for ") +
        current.label + was + ".", "switch");
      return { state: "switch", text: "a person, not a device: now " + current.label + was + ";" + holds };
    }
    quiet();
    return { state: "done", text: current.label + holds };
  }

  // A scan ends with Enter, or with Tab when the field holds something (an empty Tab moves on).
  function onScan(field, take) {
    field.addEventListener("keydown", function (event) {
      const ends = event.key === "Enter" || (event.key === "Tab" && field.value.trim() !== "");
      if (!ends) {
        return;
      }
      event.preventDefault();
      const text = field.value.trim();
      field.value = "";
      if (text) {
        take(text);
      }
    });
  }

  // -- printing: the printing feature's chooser and sender (static/printing.js) -------

  const printer = document.getElementById("printer");

  function printButton(row, assetId) {
    if (!printer || !window.rtutilsPrinting) {
      return;
    }
    button(row, "Print label", function (b) {
      b.disabled = true;
      const status = note(row, "");
      window.rtutilsPrinting
        .sendAndShow({ assetIds: [assetId] }, status, { printer: printer.value })
        .catch(function () {
          // sendAndShow has written the reason into the row already.
        })
        .finally(function () {
          b.disabled = false;
        });
    });
  }

  function devices(list) {
    return list.map(function (a) {
      return a.name;
    }).join(", ");
  }

  function assetLink(row, asset) {
    link(row, "asset page of " + asset.name, desk.dataset.asset.replace(/0$/, String(asset.id)));
  }

  // -- check-out ----------------------------------------------------------------------

  function checkOutDesk() {
    const personField = document.getElementById("person");
    const due = document.getElementById("due");

    function take(text, expected) {
      const dueValue = due.value || null;
      const key = scanKey();
      enqueue(addRow(text), async function (row) {
        const body = { scan: text, person: current ? current.name : null, expect: expected };
        if (expected === "device") {
          body.due = dueValue;
        }
        const done = await send("POST", desk.dataset.send, body, key);
        if (done.kind === "person") {
          return switched(done, expected);
        }
        if (done.queued) {
          assetLink(row, { id: done.asset_id, name: done.tag });
          return queued(done);
        }
        assetLink(row, done.asset);
        printButton(row, done.asset.id);
        if (!done.changed) {
          return { state: "already", text: done.asset.name + " is already with " + current.label };
        }
        current.held = (current.held || []).concat([done.asset]);
        showPerson(null);
        return { state: "done", text: done.asset.name + " checked out to " + current.label };
      });
    }

    onScan(personField, function (text) {
      take(text, "person");
      scanField.focus();
    });
    onScan(scanField, function (text) {
      take(text, "device");
    });

    // Escape: the next person (in the queue, so the scans before it keep their person).
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        jobs.push({ row: null, work: function () { forget(); quiet(); } });
        pump();
        personField.focus();
      }
    });
    scanTools.keep(scanField, { others: [personField] });
  }

  // -- check-in -----------------------------------------------------------------------

  const damaged = document.getElementById("condition-damaged");
  const okay = document.getElementById("condition-ok");
  const noteField = document.getElementById("note");
  const marksShown = document.getElementById("marks");

  function boxes() {
    return Array.from(document.querySelectorAll("input[name=damage]"));
  }

  function marksText() {
    const ticked = boxes().filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    if (!damaged.checked && !noteField.value.trim()) {
      return "";
    }
    return (damaged.checked ? "damaged" : "ok") + (ticked.length ? ": " + ticked.join(", ") : "") +
      (noteField.value.trim() ? "; note: " + noteField.value.trim() : "");
  }

  function showMarks() {
    const text = marksText();
    marksShown.textContent = text ? "The next scan is marked " + text : "The next scan is marked ok";
    marksShown.dataset.marked = text ? "yes" : "no";
  }

  function report() {
    const ticked = boxes().filter(function (box) { return box.checked; });
    const body = {
      condition: damaged.checked || ticked.length ? "damaged" : "ok",
      damages: ticked.map(function (box) { return box.value; }),
      note: noteField.value,
    };
    // The marks go with this one scan: the next device starts as ok again.
    okay.checked = true;
    ticked.forEach(function (box) { box.checked = false; });
    noteField.value = "";
    showMarks();
    return body;
  }

  function ticketResult(row, done) {
    if (done.ticket_id) {
      link(row, "repair ticket #" + done.ticket_id, desk.dataset.rtTicket.replace(/0$/, String(done.ticket_id)));
    }
    if (!done.ticket_error) {
      return;
    }
    note(row, done.ticket_error, "error");
    const again = button(row, "Open the ticket again", function () {
      again.disabled = true;
      const url = desk.dataset.ticket.replace("__loan__", String(done.loan.id));
      enqueue(addRow(done.asset.name + " ticket"), async function () {
        const event = await send("POST", url);
        return { state: "done", text: "repair ticket #" + event.ticket_id + " opened" };
      });
    });
  }

  function checkInAllButton(row, holder, label) {
    const all = button(row, "Check in all of " + label, function () {
      all.disabled = true;
      enqueue(addRow("all of " + label), async function () {
        const done = await send("POST", desk.dataset.all, { person: holder });
        const failed = done.items.filter(function (i) { return !i.ok; });
        if (failed.length) {
          throw new Refused(failed.map(function (i) { return i.error; }).join("; "));
        }
        return { state: "done", text: done.items.length + " device(s) checked in from " + label };
      });
    });
  }

  function checkInDesk() {
    onScan(scanField, function (text) {
      const body = report();
      body.scan = text;
      const marks = body.condition === "damaged" || body.note ? body.condition +
        (body.damages.length ? ": " + body.damages.join(", ") : "") + (body.note ? "; note: " + body.note : "") : "";
      const key = scanKey();
      enqueue(addRow(text, marks), async function (row) {
        const done = await send("POST", desk.dataset.send, body, key);
        if (done.queued) {
          assetLink(row, { id: done.asset_id, name: done.tag });
          return queued(done);
        }
        if (done.kind === "person") {
          // At check-in a card only shows what its holder has: nothing goes to anyone.
          becomes(done);
          const result = { state: "done", text: current.label + " holds " + done.assets.length + " device(s)" };
          if (done.assets.length) {
            checkInAllButton(row, done.person.name, current.label);
          }
          if (marks) {
            note(row, "the marks (" + marks + ") were not used: mark the device again", "error");
          }
          return result;
        }
        const holder = done.holders.join(", ");
        current = { name: done.holders[0] || "", label: holder };
        showPerson({ assets: done.others });
        if (done.others.length) {
          note(row, holder + " still has: " + devices(done.others));
          checkInAllButton(row, done.holders[0], holder);
        }
        ticketResult(row, done);
        assetLink(row, done.asset);
        printButton(row, done.asset.id);
        return { state: "done", text: done.asset.name + " checked in from " + holder + (marks ? " (" + marks + ")" : "") };
      });
    });

    // Choosing a damage means damaged; ok clears the damages.
    boxes().forEach(function (box) {
      box.addEventListener("change", function () {
        if (box.checked) {
          damaged.checked = true;
        }
        showMarks();
      });
    });
    okay.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = false; });
      showMarks();
    });
    damaged.addEventListener("change", showMarks);
    noteField.addEventListener("input", showMarks);
    noteField.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        scanField.focus();
      }
    });
    // Alt+1..9 ticks a damage, Alt+D damaged, Alt+O ok, Alt+N the note: the focus stays put.
    document.addEventListener("keydown", function (event) {
      if (!event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      const key = event.key.toLowerCase();
      const n = Number(event.code.replace("Digit", ""));
      if (event.code.startsWith("Digit") && n >= 1 && n <= boxes().length) {
        const box = boxes()[n - 1];
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change"));
      } else if (key === "d" || event.code === "KeyD") {
        damaged.checked = true;
        showMarks();
      } else if (key === "o" || event.code === "KeyO") {
        okay.checked = true;
        okay.dispatchEvent(new Event("change"));
      } else if (key === "n" || event.code === "KeyN") {
        noteField.focus();
      } else {
        return;
      }
      event.preventDefault();
    });
    scanTools.keep(scanField);
    showMarks();
  }

  if (desk.dataset.mode === "check-out") {
    checkOutDesk();
  } else {
    checkInDesk();
  }
  showPerson(null);
  showSummary();
  if (outboxBanner && !outboxBanner.hidden) {
    watchOutbox();
  }
})();
