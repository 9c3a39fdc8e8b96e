// The intake desk: every scan is queued at once and sent to the API in order, each with its
// own Idempotency-Key, so the scanner never waits for Request Tracker and a retry of a
// submission (a lost answer, a flaky network) can never make a second asset.
"use strict";

(function () {
  const COMMON_KEY = "rtutils_intake_common";
  // This tab's devices, so that a reload neither loses a waiting scan nor its key.
  const SESSION_KEY = "rtutils_intake_session";
  const KEPT = ["serial", "key", "body", "state", "tag", "internalName", "assetId", "error", "existing", "printed", "retryable"];
  // The printing feature's name for this browser's printer.
  const PRINTER_KEY = "rtutils_printer";
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

  // -- labels ------------------------------------------------------------------------------

  function chosenPrinter() {
    return $("printer").value;
  }

  async function sendToPrinter(tags) {
    const maxBatch = Number(data.maxBatch);
    for (let start = 0; start < tags.length; start += maxBatch) {
      const response = await fetch(data.printJobsUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ printer: chosenPrinter(), tags: tags.slice(start, start + maxBatch) }),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new Error(body ? body.error.message : "the printer did not take the labels (" + response.status + ")");
      }
    }
  }

  async function printTags(tags, row) {
    if (!tags.length) {
      return;
    }
    if (!chosenPrinter()) {
      if (tags.length === 1) {
        window.open(data.labelUrl.replace("TAG", encodeURIComponent(tags[0])), "_blank");
        return;
      }
      const form = $("batch-pdf");
      form.elements.tags.value = tags.slice(0, Number(data.maxBatch)).join("\n");
      form.submit();
      return;
    }
    try {
      await sendToPrinter(tags);
      if (row) {
        row.printed = true;
        show(row);
      }
    } catch (error) {
      if (row) {
        row.error = error.message;
        show(row);
      } else {
        $("scan-problem").textContent = error.message;
      }
    }
  }

  // -- the session's table -----------------------------------------------------------------

  function show(row) {
    const cells = row.tr.children;
    cells[2].textContent = row.tag || "";
    cells[3].textContent = row.internalName || "";
    cells[4].textContent = row.state + (row.printed ? ", label sent" : "");
    row.tr.className = "state-" + row.state.replace(/\W+/g, "-");
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
      const button = element("button", { type: "button", class: "secondary" }, "Print label");
      button.addEventListener("click", () => printTags([row.tag], row));
      cells[6].append(button);
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

  function settle(row, response, body) {
    if (response && response.ok) {
      row.state = "created";
      row.tag = body.tag;
      row.internalName = body.internal_name;
      row.assetId = body.asset.id;
      show(row);
      if ($("print-each") && $("print-each").checked && chosenPrinter()) {
        printTags([row.tag], row);
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
    const tags = rows.filter((r) => r.state === "created").map((r) => r.tag);
    if (!tags.length) {
      $("scan-problem").textContent = "No labels to print yet.";
      return;
    }
    printTags(tags, null);
  }

  function clearTable() {
    if (queue.length || working) {
      $("scan-problem").textContent = "Wait until every scan is sent before starting a new list.";
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
  const printer = $("printer");
  const stored = localStorage.getItem(PRINTER_KEY);  // "" when PDF was chosen here
  const remembered = stored === null ? data.defaultPrinter : stored;
  if (Array.from(printer.options).some((o) => o.value === remembered)) {
    printer.value = remembered;
  }
  printer.addEventListener("change", () => localStorage.setItem(PRINTER_KEY, printer.value));
  window.addEventListener("beforeunload", (event) => {
    if (queue.length || working) {
      event.preventDefault();  // the scans still waiting are kept, but say so first
    }
  });
  restoreSession();
  restoreCommon();
})();
