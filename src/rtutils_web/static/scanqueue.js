/*
 * The desks' scan queue (load it after scanfield.js, before the page's own script):
 *
 *   const queue = window.rtutilsQueue.create({states, summary, refused});
 *
 * A scan is taken at once into a queue and the field is free for the next scan; the queue
 * sends one request at a time, in scan order, and shows each scan as a row of #queue (the
 * newest at the top), the latest one in #latest and the counts in #desk-summary. #desk says
 * data-idle="yes" when nothing waits. It is shared by the loan desk (loans.js) and the
 * audit desk (audits.js).
 *
 *   options.states    row state -> the word shown for it ({done: "done", ...})
 *   options.summary   (counts by state, waiting) -> the summary line
 *   options.refused   (error) -> {state, text}: what a refused request makes of its row
 *
 *   queue.addRow(scanned, marks?)      a row for a scan, "waiting"
 *   queue.enqueue(row, work)           work(row) returns {state, text, tone?} or throws
 *   queue.step(fn)                     run fn in turn, between two scans (no row)
 *   queue.send(method, url, body?, key?)  JSON with the page's CSRF token (and the scan's
 *                                      Idempotency-Key); throws queue.Refused
 *   queue.scanKey()                    a new key for one scan (sent again, it is one scan)
 *   queue.onScan(field, take)          take(text) on Enter, or Tab after some text
 *   queue.element, note, link, button  building a row's parts
 */
(function () {
  "use strict";

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

  class Refused extends Error {
    constructor(message, code, details) {
      super(message);
      this.code = code;
      this.details = details || {};
    }
  }

  function create(options) {
    const desk = document.getElementById("desk");
    const rows = document.getElementById("queue");
    const summary = document.getElementById("desk-summary");
    const latest = document.getElementById("latest");
    const csrf = desk.dataset.csrf;
    const states = options.states;
    const jobs = [];
    const counts = {};
    let busy = false;
    let scans = 0;

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
      row.state.textContent = states[state] || state;
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
      latest.replaceChildren(element("strong", row.scanned + ": " + (states[state] || state)),
        element("div", row.detail.firstChild ? row.detail.firstChild.textContent : ""));
    }

    function showSummary() {
      const waiting = jobs.length + (busy ? 1 : 0);
      summary.textContent = options.summary(counts, waiting);
      desk.dataset.idle = waiting === 0 ? "yes" : "no";
    }

    async function send(method, url, body, key) {
      const request = {
        method: method,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
      };
      if (key) {
        // The same scan sent again (after a lost answer) is not queued twice.
        request.headers["Idempotency-Key"] = key;
      }
      if (body !== undefined) {
        request.headers["Content-Type"] = "application/json";
        request.body = JSON.stringify(body);
      }
      let response;
      try {
        response = await fetch(url, request);
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

    function enqueue(row, work) {
      jobs.push({ row: row, work: work });
      showSummary();
      pump();
    }

    function step(work) {
      jobs.push({ row: null, work: work });
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
          outcome = options.refused(error);
        }
        setState(job.row, outcome.state);
        job.row.detail.prepend(document.createTextNode(outcome.text));
        counts[outcome.state] = (counts[outcome.state] || 0) + 1;
        window.rtutilsScan.tone(outcome.tone || outcome.state);
        showLatest(job.row, outcome.state);
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

    showSummary();
    return {
      addRow: addRow,
      enqueue: enqueue,
      step: step,
      send: send,
      scanKey: scanKey,
      onScan: onScan,
      note: note,
      link: link,
      button: button,
      element: element,
      showSummary: showSummary,
      Refused: Refused,
    };
  }

  window.rtutilsQueue = { create: create };
})();
