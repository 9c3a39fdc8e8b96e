// The loan desk (pages /desk/check-out and /desk/check-in), on the desks' scan queue
// (scanqueue.js).
//
// A scan ends with Enter or Tab (a keyboard-wedge scanner sends either). It is taken at once
// into the queue and the field is free for the next scan; the queue sends one request at a
// time, in scan order. The server says what the scan was: a device (checked out or in), a person
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
  const STATES = {
    done: "done", already: "already done", switch: "new person", refused: "refused",
    queued: "queued: RT unreachable", sent: "sent to RT",
  };
  const queue = window.rtutilsQueue.create({
    states: STATES,
    summary: function (counts, waiting) {
      return (counts.done || 0) + " done, " + (counts.already || 0) + " already done, " +
        (counts.switch || 0) + " new person, " + (counts.refused || 0) + " refused, " +
        (counts.queued ? counts.queued + " queued for RT, " : "") + waiting + " waiting";
    },
    refused: function (error) {
      return refused(error);
    },
  });
  const element = queue.element;
  const addRow = queue.addRow;
  const note = queue.note;
  const link = queue.link;
  const button = queue.button;
  const send = queue.send;
  const enqueue = queue.enqueue;
  const onScan = queue.onScan;
  const Refused = queue.Refused;
  const scanField = document.getElementById("scan");
  const banner = document.getElementById("desk-banner");
  const shown = document.getElementById("current-person");
  const outboxBanner = document.getElementById("outbox-banner");
  const outboxWaiting = document.getElementById("outbox-waiting");
  let watching = null;
  let current = null; // the person of the desk: {name, label}

  // -- the banner -----------------------------------------------------------------------

  function loud(text, kind) {
    banner.textContent = text;
    banner.dataset.kind = kind;
    banner.hidden = false;
  }

  function quiet() {
    banner.hidden = true;
    banner.textContent = "";
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
      document.querySelectorAll("#queue tr[data-state=queued]").forEach(function (tr) {
        tr.dataset.state = "sent";
        tr.querySelector(".state").textContent = STATES.sent;
      });
      if (depth.needs_attention) {
        loud(depth.needs_attention + " operation(s) of the outbox need attention: see the outbox page.", "refused");
      }
    }, 3000);
  }

  function queued(row, done) {
    assetLink(row, { id: done.asset_id, name: done.tag });
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
      current.due = {};
      (found.due || []).forEach(function (d) { current.due[d.asset_id] = d; });
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
        const due = (current.due || {})[a.id];
        if (due && due.due) {
          // The due date, and plainly whether it has passed: the desk asks for it back.
          const late = due.state === "overdue";
          item.appendChild(element("span", late ? " overdue " + due.days_overdue + " day(s), due " + due.due : " due " + due.due, late ? "error" : "muted"));
        }
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

  // -- the queue's refusals -------------------------------------------------------------

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
      const key = queue.scanKey();
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
          return queued(row, done);
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
        queue.step(function () { forget(); quiet(); });
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
      const key = queue.scanKey();
      enqueue(addRow(text, marks), async function (row) {
        const done = await send("POST", desk.dataset.send, body, key);
        if (done.queued) {
          return queued(row, done);
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
        if (done.due) {
          note(row, done.days_late ? "came back " + done.days_late + " day(s) late (due " + done.due + ")" : "due " + done.due + ": on time", done.days_late ? "error" : undefined);
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
  if (outboxBanner && !outboxBanner.hidden) {
    watchOutbox();
  }
})();
