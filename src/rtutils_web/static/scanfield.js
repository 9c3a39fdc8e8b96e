/*
 * What every scan page shares (load it before the page's own script):
 *
 *   window.rtutilsScan.keep(field, options?)
 *       Make `field` the page's scan field: a keystroke that arrives while the focus is
 *       elsewhere (a button or a box just clicked, the page itself) is typed into `field`,
 *       never lost, and never presses the button that has the focus; a mouse click on a
 *       button, a box or a choice gives the focus back to `field`. Fields where a person
 *       types on purpose (text, date, note) keep their keystrokes.
 *       options.others: more scan fields of the page (they keep their keystrokes too).
 *   window.rtutilsScan.tone(kind)
 *       A short sound per outcome: "done", "already", "switch" or "refused".
 *
 * The top bar's Menu button opens the menu on a narrow screen.
 * Elements with [data-local-time] (an ISO instant) are shown in the browser's time zone and
 * date format; [data-local-date] (YYYY-MM-DD) in its date format, [data-local-day] as a
 * day and month. A form with [data-confirm] asks that question before it is sent.
 */
(function () {
  "use strict";

  const TYPED = ["text", "search", "email", "number", "date", "password", "url", "tel", "datetime-local", "time"];

  function typesText(element) {
    if (!element || element === document.body) {
      return false;
    }
    if (element.isContentEditable || element.tagName === "TEXTAREA") {
      return true;
    }
    return element.tagName === "INPUT" && TYPED.includes((element.getAttribute("type") || "text").toLowerCase());
  }

  function printable(event) {
    return event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
  }

  function keep(field, options) {
    if (!field) {
      return;
    }
    const others = (options && options.others) || [];
    // Capture: seen before a focused button or box turns the key into a press.
    document.addEventListener("keydown", function (event) {
      const at = document.activeElement;
      if (at === field || others.includes(at) || typesText(at)) {
        return;
      }
      if (!printable(event) || (event.key === " " && field.value === "")) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      field.focus({ preventScroll: true });
      field.value += event.key;
    }, true);
    document.addEventListener("click", function (event) {
      const control = event.target.closest("button, input[type=checkbox], input[type=radio], select, label.check");
      // detail 0 is a keyboard's click (Space, Enter): a keyboard user keeps the focus.
      // The top bar (menu, search, sign-out) keeps its focus.
      if (!control || event.detail === 0 || control.tagName === "SELECT" || control.closest("header")) {
        return;
      }
      const target = others.includes(document.activeElement) ? document.activeElement : field;
      window.setTimeout(function () {
        if (!typesText(document.activeElement) || document.activeElement === field) {
          target.focus({ preventScroll: true });
        }
      }, 0);
    });
    document.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") {
        field.focus({ preventScroll: true });
      }
    });
  }

  let audio = null;
  const TONES = {
    done: [[880, 0.08, "sine"]],
    already: [[660, 0.06, "sine"], [660, 0.06, "sine"]],
    switch: [[520, 0.09, "triangle"], [780, 0.09, "triangle"], [1040, 0.12, "triangle"]],
    refused: [[220, 0.3, "square"]],
    queued: [[880, 0.06, "sine"], [587, 0.1, "sine"]], // taken, RT gets it later
  };

  function tone(kind) {
    try {
      audio = audio || new AudioContext();
      let at = audio.currentTime;
      (TONES[kind] || TONES.refused).forEach(function (step) {
        const oscillator = audio.createOscillator();
        const volume = audio.createGain();
        oscillator.frequency.value = step[0];
        oscillator.type = step[2];
        volume.gain.value = 0.08;
        oscillator.connect(volume).connect(audio.destination);
        oscillator.start(at);
        oscillator.stop(at + step[1]);
        at += step[1] + 0.04;
      });
    } catch (e) {
      // No sound on this browser: the colours and words still tell.
    }
  }

  function localTimes(root) {
    (root || document).querySelectorAll("[data-local-time]").forEach(function (element) {
      const when = new Date(element.dataset.localTime);
      if (!isNaN(when)) {
        element.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
        element.title = element.dataset.localTime;
      }
    });
    const days = { "data-local-date": undefined, "data-local-day": { month: "numeric", day: "numeric" } };
    Object.keys(days).forEach(function (attribute) {
      (root || document).querySelectorAll("[" + attribute + "]").forEach(function (element) {
        const parts = element.getAttribute(attribute).split("-").map(Number);
        if (parts.length === 3) {
          element.textContent = new Date(parts[0], parts[1] - 1, parts[2]).toLocaleDateString(undefined, days[attribute]);
        }
      });
    });
  }

  // The top bar's menu on a narrow screen: a button opens and closes it.
  function menu() {
    const toggle = document.querySelector(".menu-toggle");
    const nav = document.getElementById("main-menu");
    if (!toggle || !nav) {
      return;
    }
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }

  // What cannot be undone is asked first: <form data-confirm="question">.
  document.addEventListener("submit", function (event) {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  window.rtutilsScan = { keep: keep, tone: tone, localTimes: localTimes };
  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    menu();
    // A page's own scan field: <input data-scan-field>.
    const field = document.querySelector("input[data-scan-field]");
    if (field) {
      keep(field);
    }
  });
})();
