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
  if (!root) {
    return;
  }
  var texts = JSON.parse(document.getElementById("checklist-texts").textContent);
  var storeKey = "iso9001-queue-" + root.dataset.inspection;
  var csrf = root.dataset.csrf;
  var sending = false;
  var retryTimer = null;
  var memory = null; // the queue, when this browser refuses to store it (private mode, full)
  var TIMEOUT_MS = 20000;
  var RETRY_MS = 5000;

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
    if (memory) {
      return memory;
    }
    try {
      return JSON.parse(localStorage.getItem(storeKey)) || {};
    } catch (error) {
      return {};
    }
  }

  function saveQueue(queue) {
    try {
      localStorage.setItem(storeKey, JSON.stringify(queue));
      memory = null;
    } catch (error) {
      memory = queue;
    }
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

  function newItem(section, base, values) {
    return {
      url: section.dataset.url,
      base: base,
      key: uuid4(),
      result: values.result,
      note: values.note,
      attempted: false,
      next: null,
      retryAt: 0,
    };
  }

  function showStranded() {
    // Changes kept on this device for a checklist that can no longer be edited (it was
    // submitted or approved meanwhile): say so, show them, and let the user clear them.
    var queue = loadQueue();
    var ids = Object.keys(queue);
    if (!ids.length) {
      return;
    }
    var box = document.createElement("div");
    box.className = "alert alert-warning";
    box.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.textContent = texts.stranded.replace("%(count)s", ids.length);
    box.appendChild(title);
    var list = document.createElement("ul");
    ids.forEach(function (id) {
      var section = sectionFor(id);
      var code = section ? section.querySelector("h2 .code").textContent : id;
      var latest = queue[id].next || queue[id];
      var line = document.createElement("li");
      line.textContent = code + ": " + (latest.result ? texts.labels[latest.result] : "—") +
        (latest.note ? " — " + latest.note : "");
      list.appendChild(line);
    });
    box.appendChild(list);
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "btn btn-sm btn-outline-dark";
    clear.textContent = texts.discard;
    clear.addEventListener("click", function () {
      saveQueue({});
      box.remove();
    });
    box.appendChild(clear);
    root.insertBefore(box, root.children[1]);
  }

  function enqueue(section) {
    var queue = loadQueue();
    var id = section.dataset.answer;
    var item = queue[id];
    var values = valuesOf(section);
    if (!item) {
      item = newItem(section, Number(section.dataset.version), values);
    } else if (item.attempted) {
      // That change may already be on the server: it is resent as it was, with its key,
      // and this newer one follows once the server has answered.
      item.next = values;
    } else {
      item.result = values.result;
      item.note = values.note;
    }
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
      }, RETRY_MS);
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
    var now = Date.now();
    var id = ids.filter(function (key) {
      return (queue[key].retryAt || 0) <= now;
    })[0];
    if (!id) {
      if (ids.length) {
        scheduleRetry();
      }
      return;
    }
    var sent = queue[id];
    sent.attempted = true;
    saveQueue(queue);
    var body = new URLSearchParams({
      result: sent.result,
      note: sent.note,
      version: String(sent.base),
      key: sent.key,
    });
    sending = true;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    fetch(sent.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
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
        clearTimeout(timer);
        sending = false;
        var queueNow = loadQueue();
        var item = queueNow[id] || sent;
        var section = sectionFor(id);
        if (reply.status === 200) {
          section.dataset.version = reply.data.version;
          if (item.next) {
            // Typed again while this was on its way: send that next, from this version.
            queueNow[id] = newItem(section, reply.data.version, item.next);
          } else {
            delete queueNow[id];
            setState(section, "saved", texts.saved.replace("%(when)s", reply.data.answered_at || ""));
          }
          saveQueue(queueNow);
          flush();
        } else if (reply.status === 409) {
          var current = reply.data.current;
          var latest = item.next || item;
          delete queueNow[id];
          saveQueue(queueNow);
          section.dataset.version = current.version;
          // Show what is saved now, but never replace text the user is typing.
          var note = section.querySelector("textarea");
          setValues(section, current.result, document.activeElement === note ? note.value : current.note);
          updateProgress();
          setState(section, "conflict", reply.data.error + " " + texts.yours
            .replace("%(result)s", latest.result ? texts.labels[latest.result] : "—")
            .replace("%(note)s", latest.note || "—"));
          flush();
        } else if (reply.status >= 500) {
          // Not applied (the server rolled back); try the others first, this one later.
          item.retryAt = Date.now() + RETRY_MS * 2;
          queueNow[id] = item;
          saveQueue(queueNow);
          setState(section, "error", texts.serverError);
          flush();
        } else {
          // 400, 403, 404: this change can never be applied; say why and move on.
          delete queueNow[id];
          saveQueue(queueNow);
          setState(section, "error", (reply.data && reply.data.error) || texts.serverError);
          flush();
        }
      })
      .catch(function (error) {
        clearTimeout(timer);
        sending = false;
        var queueNow = loadQueue();
        markWaiting(queueNow, error && error.message === "session" ? texts.session : texts.offline);
        showOverall(queueNow);
        scheduleRetry();
      });
  }

  if (root.dataset.editable !== "1") {
    showStranded();
    return;
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
    var latest = restored[id].next || restored[id];
    setValues(section, latest.result, latest.note);
    setState(section, "offline", texts.restored);
  });
  saveQueue(restored);
  updateProgress();
  flush();
})();
