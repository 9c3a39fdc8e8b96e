// The intake desk: every scan is queued at once and sent to the API in order, each with its
// own Idempotency-Key, so the scanner never waits for Request Tracker and a retry of a
// submission (a lost answer, a flaky network) can never make a second asset.
"use strict";

(function () {
  const COMMON_KEY = "rtutils_intake_common";
  // This tab's devices, so that a reload neither loses a waiting scan nor its key.
  const SESSION_KEY = "rtutils_intake_session";
  const KEPT = ["serial", "key", "body", "state", "tag", "internalName", "assetId", "error", "existing", "label", "labelNow", "retryable", "printed"];
  const FIELDS = ["manufacturer", "model", "type", "funding_source"];
  // Answers worth sending again under the same key: nothing was decided yet.
  const RETRY_STATUSES = [502, 503, 504];
  const RETRY_DELAYS_MS = [500, 2000, 5000];

  const root = document.getElementById("intake");
  if (!root) {
    return;
  }
  const data = root.dataset;
  const $ = (id) => document.getElementById(id);
  const csrf = $("csrf_token").value;
  const queue = [];
  const rows = [];
  let working = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    // Plain HTTP on the desk network has no randomUUID; the random bytes are still there.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function element(tag, attributes, text) {
    const made = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => made.setAttribute(name, value));
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

  // -- the common fields, kept in this browser -------------------------------------------

  function commonValues() {
    const values = { catalog: $("catalog").value, prefix: $("prefix").value };
    FIELDS.forEach((name) => { values[name] = $(name).value.trim(); });
    return values;
  }

  function saveCommon() {
    const values = commonValues();
    const printEach = $("print-each");
    values.print_each = printEach ? printEach.checked : false;
    localStorage.setItem(COMMON_KEY, JSON.stringify(values));
  }

  function savedCommon() {
    try {
      return JSON.parse(localStorage.getItem(COMMON_KEY) || "{}");
    } catch (error) {
      return {};
    }
  }

  // A Select field becomes a <select> of its choices; any other an <input> with suggestions.
  function fieldControl(name, field) {
    const old = $(name);
    let control;
    if (field && field.kind === "select") {
      control = element("select", { id: name, name: name, required: "" });
      control.append(element("option", { value: "" }, "choose"));
      field.choices.forEach((choice) => control.append(element("option", { value: choice }, choice)));
    } else {
      control = element("input", { id: name, name: name, list: name + "-choices", autocomplete: "off", required: "" });
      const list = $(name + "-choices");
      list.replaceChildren(...(field ? field.choices : []).map((c) => element("option", { value: c })));
    }
    control.dataset.field = old.dataset.field;
    control.addEventListener("change", saveCommon);
    old.replaceWith(control);
    return control;
  }

  async function loadFields(catalog, wanted) {
    const byName = {};
    if (catalog) {
      const url = data.fieldsUrl.replace("CATALOG", encodeURIComponent(catalog));
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        const body = await response.json();
        if (!response.ok) {
          throw new Error(body.error.message);
        }
        body.fields.forEach((field) => { byName[field.name] = field; });
      } catch (error) {
        $("scan-problem").textContent = "The fields of " + catalog + " could not be read: " +
          error.message + ". Reload the page to try again.";
        return;
      }
    }
    FIELDS.forEach((name) => {
      const control = fieldControl(name, byName[$(name).dataset.field]);
      control.value = wanted[name] || "";
    });
  }

  async function restoreCommon() {
    const saved = savedCommon();
    if (saved.catalog && Array.from($("catalog").options).some((o) => o.value === saved.catalog)) {
      $("catalog").value = saved.catalog;
    }
    if (saved.prefix && Array.from($("prefix").options).some((o) => o.value === saved.prefix)) {
      $("prefix").value = saved.prefix;
    }
    if ($("print-each")) {
      $("print-each").checked = Boolean(saved.print_each);
    }
    await loadFields($("catalog").value, saved);
  }

  // -- labels: PDFs, or print jobs through static/printing.js ------------------------------

  const printing = window.rtutilsPrinting;
  const FINAL = ["sent", "failed", "refused", "unknown"];

  // This browser's printer, the same on every desk page (printing.js keeps it in the
  // server's cookie); "" when no printer is configured, and the labels are PDFs.
  function chosenPrinter() {
    return $("printer") ? $("printer").value : "";
  }

  function openPdf(tags) {
    rows.filter((r) => tags.includes(r.tag)).forEach((r) => { r.printed = true; });
    if (tags.length === 1) {
      window.open(data.labelUrl.replace("TAG", encodeURIComponent(tags[0])), "_blank");
      return;
    }
    const form = $("batch-pdf");
    form.elements.tags.value = tags.slice(0, Number(data.maxBatch)).join("\n");
    form.submit();
  }

  function labelIs(jobRows, label) {
    jobRows.forEach((row) => {
      row.label = label;
      show(row);
    });
  }

  // Each row of a print job shows the job's state until it is sent or failed (a row printed
  // again meanwhile shows its newer job).
  function follow(jobId, jobRows) {
    const own = () => jobRows.filter((row) => row.label && row.label.job === jobId);
    const update = (job) => labelIs(own(), { job: jobId, state: job.state, reason: job.reason || "" });
    return printing.watch(jobId, update).catch((error) =>
      labelIs(own(), { job: jobId, state: "unknown", reason: error.message }));
  }

  async function printRows(chosen) {
    if (!chosen.length) {
      return;
    }
    if (!chosenPrinter()) {
      openPdf(chosen.map((row) => row.tag));
      return;
    }
    const maxBatch = Number(data.maxBatch);
    for (let start = 0; start < chosen.length; start += maxBatch) {
      const part = chosen.slice(start, start + maxBatch);
      try {
        const job = await printing.send({ tags: part.map((row) => row.tag) }, { printer: chosenPrinter() });
        labelIs(part, { job: job.id, state: job.state, reason: "" });
        follow(job.id, part);
      } catch (error) {
        labelIs(part, { job: "", state: "refused", reason: error.message });
      }
    }
  }

  // A failed job again: only its labels that did not print, on every row of the job.
  function retryLabel(row) {
    const jobId = row.label.job;
    const jobRows = rows.filter((r) => r.label && r.label.job === jobId);
    printing.retry(jobId).then(() => follow(jobId, jobRows),
      (error) => labelIs(jobRows, { job: jobId, state: "failed", reason: error.message }));
  }

  function labelText(label) {
    if (!label) {
      return "";
    }
    const said = {
      refused: "label not sent: " + label.reason,
      failed: "label failed: " + label.reason,
      unknown: "label state unknown: " + label.reason,
    };
    return ", " + (said[label.state] || "label " + label.state);
  }

  function labelButtons(row) {
    const print = element("button", { type: "button", class: "secondary" }, "Print label");
    print.addEventListener("click", () => printRows([row]));
    const buttons = [print];
    if (row.label && row.label.state === "failed" && row.label.job) {
      const again = element("button", { type: "button", class: "secondary" }, "Retry label");
      again.addEventListener("click", () => retryLabel(row));
      buttons.push(" ", again);
    }
    if (chosenPrinter()) {  // the PDF stays one click away when labels go to a printer
      buttons.push(" ", element("a", { href: data.labelUrl.replace("TAG", encodeURIComponent(row.tag)), target: "_blank" }, "PDF"));
    }
    return buttons;
  }

  // -- the session's table -----------------------------------------------------------------

  function show(row) {
    const cells = row.tr.children;
    cells[2].replaceChildren();
    if (row.tag && row.assetId) {  // the new asset's page, a click away
      cells[2].append(element("a", { href: data.assetUrl.replace(/0$/, String(row.assetId)) }, row.tag));
    } else {
      cells[2].textContent = row.tag || "";
    }
    cells[3].textContent = row.internalName || "";
    cells[4].textContent = row.state + labelText(row.label);
    row.tr.className = "state-" + row.state.replace(/\W+/g, "-");
    row.tr.dataset.label = row.label ? row.label.state : "";
    cells[5].replaceChildren();
    if (row.error) {
      cells[5].append(row.error);
    }
    if (row.existing) {
      const link = element("a", { href: data.assetUrl.replace(/0$/, String(row.existing.asset_id)) },
        "asset " + row.existing.asset_id + (row.existing.tag ? " (" + row.existing.tag + ")" : ""));
      cells[5].append(" ", link);
    }
    cells[6].replaceChildren();
    if (row.state === "created") {
      cells[6].append(...labelButtons(row));
    } else if (row.state === "queued" && row.labelNow) {  // QR_TARGET=service: print it now
      cells[6].append(element("a", { href: data.labelUrl.replace("TAG", encodeURIComponent(row.tag)), target: "_blank" }, "Label (PDF)"));
    } else if (row.state === "failed" && row.retryable) {
      const button = element("button", { type: "button", class: "secondary" }, "Try again");
      button.addEventListener("click", () => enqueue(row));
      cells[6].append(button);
    }
    updateProgress();
  }

  function saveSession() {
    const kept = rows.map((row) => Object.fromEntries(KEPT.map((name) => [name, row[name]])));
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(kept));
  }

  function restoreSession() {
    let kept = [];
    try {
      kept = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "[]");
    } catch (error) {
      kept = [];
    }
    kept.forEach((saved) => {
      const row = Object.assign(addRow(saved.serial), saved);
      if (row.state === "waiting" || row.state === "sending") {
        enqueue(row);  // the same key: sent before the reload or not, it is created once
      } else {
        show(row);
      }
    });
    // Print jobs still on their way when the page was left: watch them again.
    const unfinished = new Set(rows.filter((r) => r.label && r.label.job && !FINAL.includes(r.label.state))
      .map((r) => r.label.job));
    unfinished.forEach((jobId) => follow(jobId, rows.filter((r) => r.label && r.label.job === jobId)));
  }

  function updateProgress() {
    saveSession();
    const count = (state) => rows.filter((r) => r.state === state).length;
    const waiting = count("waiting") + count("sending");
    $("progress").textContent = rows.length + " scanned: " + count("created") + " created, " +
      count("exists") + " already in RT, " + count("failed") + " failed, " + waiting + " waiting.";
  }

  function addRow(serial) {
    const tr = element("tr");
    for (let i = 0; i < 7; i += 1) {
      tr.append(element("td"));
    }
    tr.children[0].textContent = String(rows.length + 1);
    tr.children[1].textContent = serial;
    $("devices").prepend(tr);  // the newest at the top, where the eye is
    const row = { serial: serial, key: newKey(), body: null, tr: tr, state: "waiting", error: "" };
    rows.push(row);
    return row;
  }

  // -- sending, one scan after the other ---------------------------------------------------

  function enqueue(row) {
    row.state = "waiting";
    row.error = "";
    show(row);
    queue.push(row);
    if (!working) {
      work();
    }
  }

  async function work() {
    working = true;
    while (queue.length) {
      await submit(queue.shift());
    }
    working = false;
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function post(row) {
    return fetch(data.receiveUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Idempotency-Key": row.key,
        "X-CSRFToken": csrf,
      },
      body: JSON.stringify(row.body),
    });
  }

  async function submit(row) {
    row.state = "sending";
    show(row);
    for (let attempt = 0; ; attempt += 1) {
      let response = null;
      let body = null;
      try {
        response = await post(row);
        body = await response.json();
      } catch (error) {
        response = null;  // no answer (the network, or a page that is not JSON): send again
      }
      const again = !response || RETRY_STATUSES.includes(response.status) ||
        (body && body.error && body.error.code === "submission_in_progress");
      if (again && attempt < RETRY_DELAYS_MS.length) {
        await pause(RETRY_DELAYS_MS[attempt]);
        continue;
      }
      settle(row, response, body);
      return;
    }
  }

  // The latest result beside the scan field, with a tone per outcome.
  function announce(row, tone) {
    const latest = $("latest");
    latest.dataset.state = tone;
    latest.replaceChildren(element("strong", {}, row.serial + ": " + (row.state === "exists" ? "already in RT" : row.state)),
      element("div", {}, row.tag ? row.tag + (row.internalName ? " · " + row.internalName : "") : row.error || ""));
    if (window.rtutilsScan) {
      window.rtutilsScan.tone(tone);
    }
  }

  function settle(row, response, body) {
    settleRow(row, response, body);
    announce(row, { created: "done", queued: "done", exists: "already" }[row.state] || "refused");
  }

  function settleRow(row, response, body) {
    if (response && response.status === 202) {
      // RT cannot be reached: the tag is reserved, the asset is made when RT answers again.
      row.state = "queued";
      row.tag = body.tag;
      row.internalName = body.internal_name;
      row.labelNow = body.label_now;
      row.error = body.message + ". " + body.label[0].toUpperCase() + body.label.slice(1) + ".";
      show(row);
      return;
    }
    if (response && response.ok) {
      row.state = "created";
      row.tag = body.tag;
      row.internalName = body.internal_name;
      row.assetId = body.asset.id;
      show(row);
      if ($("print-each") && $("print-each").checked && chosenPrinter()) {
        printRows([row]);
      }
      return;
    }
    const error = body && body.error ? body.error : { message: "no answer from the service; try again" };
    row.state = error.code === "duplicate_serial" ? "exists" : "failed";
    row.error = error.message;
    // Worth sending again (same key) only when the answer may change: RT or the network
    // failed, the session ended, or another request held the serial or the key.
    const status = response ? response.status : 0;
    row.retryable = !status || status >= 500 || status === 401 ||
      ["conflict", "submission_in_progress"].includes(error.code);
    if (error.code === "duplicate_serial" && error.asset_id) {
      row.existing = { asset_id: error.asset_id, tag: error.tag };
      row.error = "This serial number is in RT already:";
    }
    show(row);
  }

  function scan(event) {
    event.preventDefault();
    const input = $("serial");
    const serial = input.value.trim();
    input.value = "";
    input.focus();
    if (!serial) {
      return;
    }
    const common = commonValues();
    const missing = ["catalog", ...FIELDS].filter((name) => !common[name]);
    if (missing.length) {
      $("scan-problem").textContent = "Choose " + missing.join(", ").replace(/_/g, " ") +
        " first; serial " + serial + " was not added.";
      return;
    }
    $("scan-problem").textContent = "";
    const row = addRow(serial);
    // No prefix chosen: the service's default for the catalog (PREFIX_BY_CATALOG, PREFIX).
    row.body = Object.assign({}, common, { serial: serial, prefix: common.prefix || null });
    enqueue(row);
  }

  function printAll() {
    const created = rows.filter((r) => r.state === "created");
    if (!created.length) {
      $("scan-problem").textContent = "No labels to print yet.";
      return;
    }
    printRows(created);
  }

  function clearTable() {
    if (queue.length || working) {
      $("scan-problem").textContent = "Wait until every scan is sent before starting a new list.";
      return;
    }
    const unprinted = rows.filter((r) => r.state === "created" && !r.label && !r.printed).length;
    if (unprinted && !window.confirm(unprinted + " label(s) of this list were never printed. Start a new list anyway?")) {
      $("serial").focus();
      return;
    }
    rows.length = 0;
    $("devices").replaceChildren();
    updateProgress();
    $("serial").focus();
  }

  function clearCommon() {
    localStorage.removeItem(COMMON_KEY);
    $("catalog").value = "";
    $("prefix").selectedIndex = 0;
    loadFields("", {});
    $("serial").focus();
  }

  $("scan-form").addEventListener("submit", scan);
  $("catalog").addEventListener("change", () => {
    saveCommon();
    loadFields($("catalog").value, {}).then(saveCommon);
  });
  $("prefix").addEventListener("change", saveCommon);
  $("clear-common").addEventListener("click", clearCommon);
  $("print-all").addEventListener("click", printAll);
  $("clear-table").addEventListener("click", clearTable);
  if ($("print-each")) {
    $("print-each").addEventListener("change", saveCommon);
  }
  if ($("printer")) {
    $("printer").addEventListener("change", () => rows.forEach(show));  // the PDF links
  }
  window.addEventListener("beforeunload", (event) => {
    if (queue.length || working) {
      event.preventDefault();  // the scans still waiting are kept, but say so first
    }
  });
  if (window.rtutilsScan) {
    window.rtutilsScan.keep($("serial"));
  }
  restoreSession();
  restoreCommon();
})();
