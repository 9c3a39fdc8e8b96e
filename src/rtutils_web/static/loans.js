// The loan desk's scanner queue (pages /desk/check-out and /desk/check-in).
//
// A scan ends with Enter or Tab (a keyboard-wedge scanner sends either). It is taken at once
// into a queue and the field is free for the next scan; the queue sends one request at a time,
// in scan order, and each row shows its state: waiting, working, done or refused (with the
// server's reason). A short tone tells success from failure without looking.
(function () {
  "use strict";

  const desk = document.getElementById("desk");
  if (!desk) {
    return;
  }
  const csrf = desk.dataset.csrf;
  const rows = document.getElementById("queue");
  const summary = document.getElementById("desk-summary");
  const scanField = document.getElementById("scan");
  const jobs = [];
  const counts = { done: 0, refused: 0 };
  let busy = false;
  let scans = 0;
  let audio = null;

  // -- sound and rows -----------------------------------------------------------------

  function beep(ok) {
    try {
      audio = audio || new AudioContext();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = ok ? 880 : 220;
      tone.type = ok ? "sine" : "square";
      volume.gain.value = 0.08;
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (ok ? 0.08 : 0.3));
    } catch (e) {
      // No sound on this browser: the colours and words still tell.
    }
  }

  function cell(tr, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    tr.appendChild(td);
    return td;
  }

  function addRow(scanned) {
    scans += 1;
    const tr = document.createElement("tr");
    tr.dataset.state = "waiting";
    cell(tr, String(scans));
    cell(tr, scanned, "tag");
    const row = {
      tr: tr,
      state: cell(tr, "waiting", "state"),
      detail: cell(tr, "", "detail"),
      actions: cell(tr, "", "actions"),
    };
    rows.appendChild(tr);
    tr.scrollIntoView({ block: "nearest" });
    return row;
  }

  function setState(row, state, text) {
    row.tr.dataset.state = state;
    row.state.textContent = state;
    if (text !== undefined) {
      row.detail.textContent = text;
    }
  }

  function note(row, text, className) {
    const line = document.createElement("div");
    line.textContent = text;
    if (className) {
      line.className = className;
    }
    row.detail.appendChild(line);
    return line;
  }

  function button(row, label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = label;
    b.addEventListener("click", function () {
      onClick(b);
    });
    row.actions.appendChild(b);
    return b;
  }

  function showSummary() {
    const waiting = jobs.length + (busy ? 1 : 0);
    summary.textContent =
      counts.done + " done, " + counts.refused + " refused, " + waiting + " waiting";
    desk.dataset.idle = waiting === 0 ? "yes" : "no";
  }

  // -- the queue ----------------------------------------------------------------------

  async function send(method, url, body) {
    const options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const reason = data && data.error ? data.error.message : "HTTP " + response.status;
      throw new Error(reason);
    }
    return data;
  }

  // ``work`` returns the row's text, or throws with the reason it was refused.
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
      setState(job.row, "working");
      try {
        const text = await job.work(job.row);
        setState(job.row, "done");
        if (text) {
          job.row.detail.prepend(document.createTextNode(text));
        }
        counts.done += 1;
        beep(true);
      } catch (error) {
        setState(job.row, "refused", error.message);
        counts.refused += 1;
        beep(false);
      }
      showSummary();
    }
    busy = false;
    showSummary();
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
      scanField.focus();
    });
  }

  function devices(list) {
    return list.map(function (a) {
      return a.name;
    }).join(", ");
  }

  // -- check-out ----------------------------------------------------------------------

  function checkOutDesk() {
    const personField = document.getElementById("person");
    const shown = document.getElementById("person-shown");
    const due = document.getElementById("due");
    let person = "";

    onScan(personField, function (text) {
      person = text;
      shown.textContent = "Checking out to " + text;
      const row = addRow(text);
      enqueue(row, async function () {
        const url = desk.dataset.people.replace("__person__", encodeURIComponent(text));
        const found = await send("GET", url);
        const who = found.person.real_name || found.person.name;
        shown.textContent = "Checking out to " + who + " (" + found.person.name + ")";
        return who + " holds " + found.assets.length + " device(s)" +
          (found.assets.length ? ": " + devices(found.assets) : "");
      });
      scanField.focus();
    });

    onScan(scanField, function (text) {
      if (!person) {
        shown.textContent = "Scan the person first.";
        beep(false);
        personField.focus();
        return;
      }
      const to = person;
      const body = { scan: text, person: to, due: due.value || null };
      enqueue(addRow(text), async function (row) {
        const done = await send("POST", desk.dataset.send, body);
        printButton(row, done.asset.id);
        return (done.changed ? "checked out to " : "already with ") + done.person.name;
      });
    });

    // Escape in the device field: the next person.
    scanField.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        person = "";
        shown.textContent = "No person yet.";
        personField.focus();
      }
    });
  }

  // -- check-in -----------------------------------------------------------------------

  function report() {
    const damaged = document.getElementById("condition-damaged");
    const noteField = document.getElementById("note");
    const ticked = Array.from(document.querySelectorAll("input[name=damage]:checked"));
    const body = {
      condition: damaged.checked ? "damaged" : "ok",
      damages: ticked.map(function (box) {
        return box.value;
      }),
      note: noteField.value,
    };
    // The marks go with this one scan: the next device starts as ok again.
    document.getElementById("condition-ok").checked = true;
    ticked.forEach(function (box) {
      box.checked = false;
    });
    noteField.value = "";
    return body;
  }

  function ticketResult(row, done) {
    if (done.ticket_id) {
      note(row, "repair ticket #" + done.ticket_id, "ok");
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
        return "repair ticket #" + event.ticket_id + " opened";
      });
      scanField.focus();
    });
  }

  function checkInAllButton(row, holder) {
    const all = button(row, "Check in all of " + holder, function () {
      all.disabled = true;
      enqueue(addRow("all of " + holder), async function () {
        const done = await send("POST", desk.dataset.all, { person: holder });
        const failed = done.items.filter(function (i) {
          return !i.ok;
        });
        if (failed.length) {
          throw new Error(failed.map(function (i) {
            return i.error;
          }).join("; "));
        }
        return done.items.length + " device(s) checked in";
      });
      scanField.focus();
    });
  }

  function checkInDesk() {
    onScan(scanField, function (text) {
      const body = report();
      body.scan = text;
      enqueue(addRow(text), async function (row) {
        const done = await send("POST", desk.dataset.send, body);
        const holder = done.holders.join(", ");
        if (done.others.length) {
          note(row, holder + " still has: " + devices(done.others));
          checkInAllButton(row, done.holders[0]);
        }
        ticketResult(row, done);
        printButton(row, done.asset.id);
        return "checked in from " + holder + (body.condition === "damaged" ? " (damaged)" : "");
      });
    });
  }

  if (desk.dataset.mode === "check-out") {
    checkOutDesk();
  } else {
    checkInDesk();
  }
  showSummary();
})();
