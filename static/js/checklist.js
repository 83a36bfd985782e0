/*
 * Autosave and offline queue for the checklist page.
 *
 * Every change is first written to localStorage, then sent. A change that cannot be sent
 * (no network, server error) stays queued and is sent when the browser is back online, so
 * a dropped connection or a reload never loses what was typed. Each queued change carries
 * an idempotency key: if a request reached the server but its reply was lost, sending it
 * again is a no-op there, so every change is applied exactly once. Each change also names
 * the answer version it started from; the server refuses it (409) if someone else saved
 * in between, and the page shows what is saved now.
 */
(function () {
  "use strict";

  var root = document.getElementById("checklist");
  if (!root || root.dataset.editable !== "1") {
    return;
  }
  var texts = JSON.parse(document.getElementById("checklist-texts").textContent);
  var storeKey = "iso9001-queue-" + root.dataset.inspection;
  var csrf = root.dataset.csrf;
  var sending = false;
  var retryTimer = null;

  function uuid4() {
    // crypto.randomUUID needs HTTPS; intranets often serve plain HTTP.
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function loadQueue() {
    try {
      return JSON.parse(localStorage.getItem(storeKey)) || {};
    } catch (error) {
      return {};
    }
  }

  function saveQueue(queue) {
    localStorage.setItem(storeKey, JSON.stringify(queue));
    showOverall(queue);
  }

  function sectionFor(answerId) {
    return root.querySelector('.criterion[data-answer="' + answerId + '"]');
  }

  function valuesOf(section) {
    var checked = section.querySelector("input[type=radio]:checked");
    return {
      result: checked ? checked.value : "",
      note: section.querySelector("textarea").value,
    };
  }

  function setValues(section, result, note) {
    section.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = radio.value === result;
    });
    section.querySelector("textarea").value = note;
  }

  function setState(section, kind, message) {
    var box = section.querySelector(".save-state");
    var classes = {
      pending: "text-body-secondary",
      saved: "text-success",
      offline: "text-warning-emphasis",
      error: "text-danger",
      conflict: "text-danger",
    };
    box.className = "save-state small mt-1 " + (classes[kind] || "");
    box.textContent = message;
    section.dataset.state = kind;
  }

  function showOverall(queue) {
    var pending = Object.keys(queue || loadQueue()).length;
    var status = document.getElementById("sync-status");
    if (!pending) {
      status.textContent = texts.allSaved;
      status.className = "ms-auto text-success";
    } else {
      status.textContent = (navigator.onLine ? texts.pendingOnline : texts.pendingOffline)
        .replace("%(count)s", pending);
      status.className = "ms-auto text-warning-emphasis fw-semibold";
    }
  }

  function updateProgress() {
    var answered = 0;
    root.querySelectorAll(".criterion").forEach(function (section) {
      if (section.querySelector("input[type=radio]:checked")) {
        answered += 1;
      }
    });
    document.getElementById("progress-count").textContent = answered;
  }

  function enqueue(section) {
    var queue = loadQueue();
    var id = section.dataset.answer;
    var item = queue[id] || { url: section.dataset.url, base: Number(section.dataset.version) };
    var values = valuesOf(section);
    item.result = values.result;
    item.note = values.note;
    item.key = uuid4();
    queue[id] = item;
    saveQueue(queue);
    setState(section, "pending", texts.saving);
    updateProgress();
    flush();
  }

  function scheduleRetry() {
    if (!retryTimer) {
      retryTimer = setTimeout(function () {
        retryTimer = null;
        flush();
      }, 5000);
    }
  }

  function markWaiting(queue, message) {
    Object.keys(queue).forEach(function (id) {
      var section = sectionFor(id);
      if (section) {
        setState(section, "offline", message);
      }
    });
  }

  function flush() {
    if (sending) {
      return;
    }
    var queue = loadQueue();
    var ids = Object.keys(queue);
    showOverall(queue);
    if (!ids.length) {
      return;
    }
    var id = ids[0];
    var sent = queue[id];
    var body = new URLSearchParams({
      result: sent.result,
      note: sent.note,
      version: String(sent.base),
      key: sent.key,
    });
    sending = true;
    fetch(sent.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    })
      .then(function (response) {
        var isJson = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
        if (!isJson || response.redirected) {
          // A login page or a CSRF failure: keep the change and ask for a fresh session.
          throw new Error("session");
        }
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (reply) {
        sending = false;
        var queueNow = loadQueue();
        var item = queueNow[id];
        var section = sectionFor(id);
        if (reply.status === 200) {
          section.dataset.version = reply.data.version;
          if (item && item.key === sent.key) {
            delete queueNow[id];
            setState(section, "saved", texts.saved.replace("%(when)s", reply.data.answered_at || ""));
          } else if (item) {
            // Typed again while this was on its way: the next send builds on this version.
            item.base = reply.data.version;
          }
          saveQueue(queueNow);
          flush();
        } else if (reply.status === 409) {
          var current = reply.data.current;
          delete queueNow[id];
          saveQueue(queueNow);
          section.dataset.version = current.version;
          setValues(section, current.result, current.note);
          updateProgress();
          setState(section, "conflict", reply.data.error + " " + texts.yours
            .replace("%(result)s", sent.result ? texts.labels[sent.result] : "—")
            .replace("%(note)s", sent.note || "—"));
          flush();
        } else if (reply.status >= 500) {
          setState(section, "error", texts.serverError);
          scheduleRetry();
        } else {
          // 400, 403, 404: this change can never be applied; say why and move on.
          delete queueNow[id];
          saveQueue(queueNow);
          setState(section, "error", (reply.data && reply.data.error) || texts.serverError);
          flush();
        }
      })
      .catch(function (error) {
        sending = false;
        var queueNow = loadQueue();
        markWaiting(queueNow, error && error.message === "session" ? texts.session : texts.offline);
        showOverall(queueNow);
        scheduleRetry();
      });
  }

  var noteTimers = {};
  root.querySelectorAll(".criterion").forEach(function (section) {
    section.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        enqueue(section);
      });
    });
    var note = section.querySelector("textarea");
    note.addEventListener("input", function () {
      var id = section.dataset.answer;
      clearTimeout(noteTimers[id]);
      setState(section, "pending", texts.typing);
      noteTimers[id] = setTimeout(function () {
        enqueue(section);
      }, 700);
    });
    note.addEventListener("blur", function () {
      var id = section.dataset.answer;
      if (noteTimers[id]) {
        clearTimeout(noteTimers[id]);
        noteTimers[id] = null;
        enqueue(section);
      }
    });
  });

  // Submitting with changes still queued would submit what the server has, not the screen.
  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (Object.keys(loadQueue()).length) {
        event.preventDefault();
        alert(texts.waitBeforeSubmit);
        flush();
      }
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () {
    showOverall();
  });

  // After a reload, put back what was typed but not yet sent, then send it.
  var restored = loadQueue();
  Object.keys(restored).forEach(function (id) {
    var section = sectionFor(id);
    if (!section) {
      delete restored[id];
      return;
    }
    setValues(section, restored[id].result, restored[id].note);
    setState(section, "offline", texts.restored);
  });
  saveQueue(restored);
  updateProgress();
  flush();
})();
