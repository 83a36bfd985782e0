/*
 * Feedback on everything that takes time, on every page:
 * - a form's data-confirm (or its submit button's) asks before sending;
 * - a POST form's submit button is disabled and shows a spinner until the answer comes,
 *   so nothing is sent twice (forms handled by other scripts, which cancel the event,
 *   are left alone);
 * - a link with data-busy, or to a download (.pdf, .xlsx, .docx, a workbook), shows a
 *   spinner until the file starts to arrive (the page is left, or it is hidden while the
 *   browser saves the file), and at most BUSY_MS;
 * - a table that scrolls sideways and holds nothing focusable takes the keyboard focus,
 *   so it can be scrolled without a mouse.
 */
(function () {
  "use strict";
  var BUSY_MS = 6000;
  var DOWNLOAD = /(\/download\.(pdf|xlsx|docx)|\/workbook\/)(\?|$)/;

  function spinner() {
    var span = document.createElement("span");
    span.className = "spinner-border spinner-border-sm ms-2 busy-spinner";
    span.setAttribute("aria-hidden", "true");
    return span;
  }

  function setBusy(element, busy) {
    element.classList.toggle("is-busy", busy);
    element.setAttribute("aria-busy", busy ? "true" : "false");
    if (element.tagName === "A") {
      element.setAttribute("aria-disabled", busy ? "true" : "false");
    } else {
      element.disabled = busy;
    }
    var existing = element.querySelector(".busy-spinner");
    if (busy && !existing) {
      element.appendChild(spinner());
    } else if (!busy && existing) {
      existing.remove();
    }
  }

  function confirmation(form, submitter) {
    return (submitter && submitter.dataset.confirm) || form.dataset.confirm || "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || form.querySelector("button:not([type=button]), input[type=submit]");
    var question = confirmation(form, submitter);
    if (!event.defaultPrevented && question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    if (form.classList.contains("is-sending")) {
      event.preventDefault(); // a second click while the first is on its way
      return;
    }
    form.classList.add("is-sending");
    // Disabled after the browser has read the form: a disabled button's name is not sent.
    setTimeout(function () {
      if (submitter) {
        setBusy(submitter, true);
      }
    }, 0);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) {
      return;
    }
    if (!("busy" in link.dataset) && !DOWNLOAD.test(link.getAttribute("href"))) {
      return;
    }
    if (link.classList.contains("is-busy")) {
      event.preventDefault();
      return;
    }
    setBusy(link, true);
    var done = function () {
      setBusy(link, false);
      window.removeEventListener("blur", done);
      document.removeEventListener("visibilitychange", done);
    };
    setTimeout(done, BUSY_MS);
    window.addEventListener("blur", done);
    document.addEventListener("visibilitychange", done);
  });

  // A table that scrolls sideways (a phone) must be reachable by keyboard to scroll it.
  function scrollableTables() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var focusable = box.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (scrolls && !focusable) {
        box.setAttribute("tabindex", "0");
      } else if (!scrolls && box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  scrollableTables();
  window.addEventListener("resize", scrollableTables);

  // Back from another page (bfcache): nothing is on its way any more.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll(".is-busy").forEach(function (element) {
      setBusy(element, false);
    });
    document.querySelectorAll("form.is-sending").forEach(function (form) {
      form.classList.remove("is-sending");
    });
  });
})();
