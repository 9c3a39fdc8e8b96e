/*
 * Printing from any desk page: the printer chooser and "send to printer", with the job's
 * progress. Load it on a page of a signed-in operator (it needs the page's CSRF token, which
 * every desk page carries in its sign-out form):
 *
 *   <script src="{{ url_for('static', filename='printing.js') }}" defer></script>
 *
 * window.rtutilsPrinting:
 *
 *   printers() -> Promise<{printers: [{name, kind, model, media, media_name, template}],
 *                          chosen: string}>
 *       The configured printers and this browser's printer ("" when none is configured).
 *   choose(name) -> Promise<void>
 *       Remember `name` as this browser's printer (a cookie; the server's forms use it too).
 *   mountChooser(select) -> Promise<string>
 *       Fill a <select> with the printers, the browser's one selected, and remember every
 *       change; resolves to the chosen name.
 *   send(selection, options?) -> Promise<job>
 *       Queue labels; `selection` is {tags: [..]}, {assetIds: [..]} or {search: {catalog,
 *       status, name_prefix, type}}; options {printer, copies}: the chosen printer and 1 by
 *       default. Resolves to the print job as GET /api/v1/print-jobs/{id} shows it (id,
 *       state, printed, total, reason, skipped, ...); rejects with an Error whose message is
 *       the service's (a printer that is not configured, a tag that is not found).
 *   watch(jobId, onUpdate) -> Promise<job>
 *       Poll the job about once a second, calling onUpdate(job) each time, until it is
 *       "sent" or "failed"; resolves to that last state.
 *   retry(jobId) -> Promise<job>
 *       Queue a failed job again; only what did not print is printed.
 *   sendAndShow(selection, status, options?) -> Promise<job>
 *       send() then watch(), writing the progress into the element `status` (a line of text
 *       and a <progress>, and a retry button if the job fails).
 *
 * Declaratively, without writing script: a <select data-printer-chooser> becomes a chooser,
 * and a <button data-print-form> inside a form sends that form's labels (the same fields as
 * the batch page: tags, asset_id, or source=search with its fields) to the printer chosen
 * in the form's [data-printer-chooser], showing progress in the form's [data-print-status].
 * Without script the same button posts the form to /printing/print (its formaction).
 */
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function request(method, url, fields) {
    var init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    };
    if (fields) {
      var body = new URLSearchParams();
      Object.keys(fields).forEach(function (key) {
        if (fields[key] !== undefined && fields[key] !== null) body.append(key, fields[key]);
      });
      init.body = body;
    }
    return fetch(url, init).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(function (answer) {
        if (!response.ok) {
          var error = new Error((answer.error && answer.error.message) || response.statusText);
          error.status = response.status;
          throw error;
        }
        return answer;
      });
    });
  }

  function printers() {
    return request("GET", "/printing/printers");
  }

  function choose(name) {
    return request("POST", "/printing/printer", { printer: name });
  }

  function mountChooser(select) {
    return printers().then(function (answer) {
      select.textContent = "";
      answer.printers.forEach(function (printer) {
        var option = new Option(printer.name + " (" + printer.media_name + ")", printer.name);
        option.selected = printer.name === answer.chosen;
        select.add(option);
      });
      if (!select.dataset.rtutilsChooser) {
        select.dataset.rtutilsChooser = "on";
        select.addEventListener("change", function () {
          choose(select.value);
        });
      }
      return answer.chosen;
    });
  }

  function send(selection, options) {
    options = options || {};
    var fields = { printer: options.printer, copies: options.copies };
    if (selection.tags) fields.tags = selection.tags.join("\n");
    if (selection.assetIds) fields.asset_id = selection.assetIds.join(",");
    if (selection.search) {
      fields.source = "search";
      Object.keys(selection.search).forEach(function (key) {
        fields[key] = selection.search[key];
      });
    }
    return request("POST", "/printing/print", fields);
  }

  function watch(jobId, onUpdate) {
    var url = "/api/v1/print-jobs/" + encodeURIComponent(jobId);
    return new Promise(function (resolve, reject) {
      function poll() {
        request("GET", url).then(function (job) {
          if (onUpdate) onUpdate(job);
          if (job.state === "sent" || job.state === "failed") resolve(job);
          else setTimeout(poll, 1000);
        }, reject);
      }
      poll();
    });
  }

  function retry(jobId) {
    return request("POST", "/printing/jobs/" + encodeURIComponent(jobId) + "/retry", {});
  }

  function describe(job) {
    if (job.state === "sent") return "Sent: " + job.total + " of " + job.total + " labels printed.";
    if (job.state === "failed") {
      return "Failed after " + job.printed + " of " + job.total + " labels: " + job.reason;
    }
    if (job.state === "sending") return "Sending: " + job.printed + " of " + job.total + "...";
    return "Queued: " + job.total + " labels wait for printer " + job.printer + "...";
  }

  function show(status, job) {
    status.textContent = "";
    status.dataset.state = job.state;
    var line = document.createElement("p");
    line.className = "print-progress";
    line.textContent = describe(job);
    var bar = document.createElement("progress");
    bar.max = job.total;
    bar.value = job.printed;
    status.append(line, bar);
    if (job.state === "failed") {
      var again = document.createElement("button");
      again.type = "button";
      again.textContent = "Retry: print the " + (job.total - job.printed) + " labels that did not print";
      again.addEventListener("click", function () {
        follow(retry(job.id), status);
      });
      status.append(again);
    }
  }

  function follow(queued, status) {
    return queued.then(
      function (job) {
        show(status, job);
        return watch(job.id, function (now) {
          show(status, now);
        });
      },
      function (error) {
        status.dataset.state = "refused";
        status.textContent = error.message;
        throw error;
      }
    );
  }

  function sendAndShow(selection, status, options) {
    return follow(send(selection, options), status);
  }

  function formSelection(form) {
    var data = new FormData(form);
    if (data.get("asset_id")) return { assetIds: String(data.get("asset_id")).split(",") };
    if (data.get("source") === "search") {
      var search = {};
      ["catalog", "status", "name_prefix", "type"].forEach(function (key) {
        if (data.get(key)) search[key] = data.get(key);
      });
      return { search: search };
    }
    return { tags: String(data.get("tags") || "").split(/[\s,;]+/).filter(Boolean) };
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-printer-chooser]").forEach(function (select) {
      select.addEventListener("change", function () {
        choose(select.value);
      });
      select.dataset.rtutilsChooser = "on";
    });
    document.querySelectorAll("button[data-print-form]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var form = button.form;
        var status = form.querySelector("[data-print-status]");
        if (!status) return; // no place to show progress: the plain form post does it
        event.preventDefault();
        var chooser = form.querySelector("[data-printer-chooser]");
        var options = { printer: chooser ? chooser.value : undefined };
        sendAndShow(formSelection(form), status, options).catch(function () {});
      });
    });
  });

  window.rtutilsPrinting = {
    printers: printers,
    choose: choose,
    mountChooser: mountChooser,
    send: send,
    watch: watch,
    retry: retry,
    sendAndShow: sendAndShow,
  };
})();
