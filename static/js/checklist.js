/*
 * Autosave, offline queue and offline photos for the checklist page.
 *
 * Every change is first kept on the device (offline-store.js: IndexedDB, keyed by user and
 * inspection), then sent. A change that cannot be sent (no network, server error, session
 * ended) stays queued and is sent when that is over, so a dropped connection, a reload or
 * a restarted phone never loses what was typed. Each queued change carries an idempotency
 * key: if a request reached the server but its reply was lost, sending it again is a no-op
 * there, so every change is applied exactly once. Each change also names the answer
 * version it started from; the server refuses it (409) if someone else saved in between,
 * and the page shows what is saved now. Photos wait the same way, scaled down first, each
 * with its own key. When the session ends the queue pauses and a login dialog resumes it;
 * a different person logging in never sends this person's queue.
 */
(function () {
  "use strict";

  var root = document.getElementById("checklist");
  if (!root) {
    return;
  }
  var texts = JSON.parse(document.getElementById("checklist-texts").textContent);
  var config = JSON.parse(document.getElementById("offline-settings").textContent);
  Object.assign(texts, config.texts);
  var user = String(config.user);
  var scope = user + ":" + root.dataset.inspection;
  var csrf = root.dataset.csrf;
  var TIMEOUT_MS = 20000;
  var RETRY_MS = 5000;

  var store = null;
  var queue = {}; // answer id -> waiting change
  var known = {}; // answer id -> last version the server confirmed (this page may be old)
  var syncedAt = "";
  var photos = {}; // key -> waiting photo (its blob stays in the store)
  var sending = false;
  var paused = false; // the session ended: nothing can be sent until a login
  var retryTimer = null;
  var writing = Promise.resolve();
  var persisted = true;

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

  // --- keeping things on the device -------------------------------------------------

  function storageWarning(message) {
    var box = document.getElementById("storage-warning");
    box.textContent = message;
    box.hidden = false;
  }

  function waitingCount() {
    return Object.keys(queue).length + Object.keys(photos).filter(function (key) {
      return photos[key].state === "waiting";
    }).length;
  }

  function markerName() {
    return "iso9001-waiting-" + scope.replace(":", "-");
  }

  function setMarker(count) {
    // A cookie outlives the browser clearing site storage under pressure, so a page can
    // tell that changes it had kept are gone instead of pretending nothing was waiting.
    document.cookie = markerName() + "=" + count + "; path=/; SameSite=Strict" +
      (count ? "; max-age=2592000" : "; max-age=0");
  }

  function markerCount() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + markerName() + "=(\\d+)"));
    return match ? Number(match[1]) : 0;
  }

  function swapStore(error) {
    store = window.isoStore.fallback(store);
    storageWarning(store.kind === "memory" ? texts.storageMemory : texts.storageRefused);
    return error;
  }

  function persist() {
    var record = { scope: scope, items: JSON.parse(JSON.stringify(queue)), known: known, syncedAt: syncedAt };
    writing = writing.then(function () {
      return store.putRecord(record);
    }).catch(function (error) {
      swapStore(error);
      return store.putRecord(record);
    }).then(function () {
      var count = waitingCount();
      setMarker(count);
      root.dataset.stored = String(count);
    });
    showOverall();
    return writing;
  }

  function keepPhoto(photo) {
    writing = writing.then(function () {
      return store.putPhoto(photo);
    }).catch(function (error) {
      swapStore(error);
      return store.putPhoto(photo);
    }).then(function () {
      if (!store.keepsPhotos) {
        storageWarning(texts.photosNotKept);
      }
    });
    return writing;
  }

  function dropPhoto(key) {
    delete photos[key];
    writing = writing.then(function () {
      return store.deletePhoto(key);
    }).catch(function () {});
    return persist();
  }

  // --- what the page shows ------------------------------------------------------------

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

  function showOverall() {
    var pending = waitingCount();
    var status = document.getElementById("sync-status");
    root.dataset.pending = String(pending);
    var login = document.getElementById("login-again");
    login.hidden = !(paused && pending);
    if (!pending) {
      status.textContent = texts.allSaved;
      status.className = "ms-auto text-success";
      return;
    }
    var message = paused ? texts.pendingSession
      : navigator.onLine ? texts.pendingOnline : texts.pendingOffline;
    if (!persisted) {
      message += " " + texts.mayEvict;
    }
    status.textContent = message.replace("%(count)s", pending);
    status.className = "ms-auto text-warning-emphasis fw-semibold";
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

  function markWaiting(message) {
    Object.keys(queue).forEach(function (id) {
      var section = sectionFor(id);
      if (section) {
        setState(section, "offline", message);
      }
    });
    Object.keys(photos).forEach(function (key) {
      if (photos[key].state === "waiting") {
        showPhotoState(photos[key], message);
      }
    });
  }

  function synced() {
    syncedAt = new Date().toISOString();
    if (window.isoOffline) {
      window.isoOffline.synced(syncedAt);
    }
  }

  // --- answers ------------------------------------------------------------------------

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

  function enqueue(section) {
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
    setState(section, "pending", texts.saving);
    updateProgress();
    persist().then(flush);
  }

  function post(url, body) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      var isJson = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
      if (response.redirected || (response.status === 403 && !isJson)) {
        // The login page, or Django's CSRF failure page: the session or its token ended.
        throw new Error("session");
      }
      if (!isJson) {
        return { status: response.status >= 500 ? response.status : 400, data: null };
      }
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      });
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  function upload(url, body, onProgress) {
    // post() through XMLHttpRequest, whose upload events tell how much has been sent
    // (fetch cannot); the same answers, the same "session" failure.
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.timeout = TIMEOUT_MS * 3;
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          onProgress(Math.round(100 * event.loaded / event.total));
        }
      };
      xhr.onload = function () {
        var isJson = (xhr.getResponseHeader("Content-Type") || "").indexOf("json") !== -1;
        var redirected = xhr.responseURL && xhr.responseURL !== new URL(url, location.href).href;
        if (redirected || (xhr.status === 403 && !isJson)) {
          reject(new Error("session"));
        } else if (!isJson) {
          resolve({ status: xhr.status >= 500 ? xhr.status : 400, data: null });
        } else {
          resolve({ status: xhr.status, data: JSON.parse(xhr.responseText) });
        }
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () {
        reject(new Error("network"));
      };
      xhr.send(body);
    });
  }

  function applied(id, data) {
    var section = sectionFor(id);
    var item = queue[id];
    section.dataset.version = data.version;
    known[id] = { version: data.version, result: data.result, note: data.note };
    synced();
    if (item && item.next) {
      // Typed again while this was on its way: send that next, from this version.
      queue[id] = newItem(section, data.version, item.next);
    } else {
      delete queue[id];
      setState(section, "saved", texts.saved.replace("%(when)s", data.answered_at || ""));
    }
  }

  function conflicted(id, data) {
    var section = sectionFor(id);
    var item = queue[id];
    var latest = item.next || item;
    var current = data.current;
    delete queue[id];
    section.dataset.version = current.version;
    known[id] = { version: current.version, result: current.result, note: current.note };
    // Show what is saved now, but never replace text the user is typing.
    var note = section.querySelector("textarea");
    setValues(section, current.result, document.activeElement === note ? note.value : current.note);
    updateProgress();
    setState(section, "conflict", data.error + " " + texts.yours
      .replace("%(result)s", latest.result ? texts.labels[latest.result] : "—")
      .replace("%(note)s", latest.note || "—"));
  }

  function sendAnswer(id) {
    var sent = queue[id];
    sent.attempted = true;
    return persist().then(function () {
      return post(sent.url, new URLSearchParams({
        result: sent.result,
        note: sent.note,
        version: String(sent.base),
        key: sent.key,
      }));
    }).then(function (reply) {
      var section = sectionFor(id);
      if (reply.status === 200) {
        applied(id, reply.data);
      } else if (reply.status === 409) {
        conflicted(id, reply.data);
      } else if (reply.status >= 500) {
        // Not applied (the server rolled back); try the others first, this one later.
        queue[id].retryAt = Date.now() + RETRY_MS * 2;
        setState(section, "error", texts.serverError);
      } else {
        // 400, 403, 404: this change can never be applied; say why and move on.
        delete queue[id];
        setState(section, "error", (reply.data && reply.data.error) || texts.cannotSave);
      }
      return persist();
    });
  }

  // --- photos -------------------------------------------------------------------------

  function photoItem(photo) {
    var section = sectionFor(photo.answer);
    var list = section.querySelector(".waiting-photos");
    var item = list.querySelector('[data-key="' + photo.key + '"]');
    if (item) {
      return item;
    }
    item = document.createElement("li");
    item.className = "waiting-photo";
    item.dataset.key = photo.key;
    if (photo.blob && (photo.type || "").indexOf("image/") === 0) {
      var image = document.createElement("img");
      image.src = URL.createObjectURL(photo.blob);
      image.alt = photo.name;
      item.appendChild(image);
    } else {
      var icon = document.createElement("span");
      icon.className = "waiting-file";
      icon.textContent = "PDF";
      item.appendChild(icon);
    }
    var state = document.createElement("span");
    state.className = "photo-state small";
    item.appendChild(state);
    list.appendChild(item);
    return item;
  }

  function showPhotoState(photo, message) {
    var item = photoItem(photo);
    item.dataset.state = photo.state;
    var state = item.querySelector(".photo-state");
    state.textContent = photo.name + ": " + message;
    if (photo.state === "refused" && !item.querySelector("button")) {
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-link p-0";
      remove.textContent = texts.photoRemove;
      remove.addEventListener("click", function () {
        dropPhoto(photo.key);
        item.remove();
      });
      item.appendChild(remove);
    }
  }

  function scaled(file, original) {
    var maxSide = config.photoMaxSide;
    var canScale = !original && /^image\/(jpeg|png|webp)$/.test(file.type) &&
      typeof createImageBitmap === "function";
    if (!canScale) {
      return Promise.resolve({ blob: file, name: file.name, type: file.type });
    }
    return createImageBitmap(file).then(function (bitmap) {
      var longest = Math.max(bitmap.width, bitmap.height);
      if (longest <= maxSide) {
        return { blob: file, name: file.name, type: file.type };
      }
      var ratio = maxSide / longest;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * ratio);
      canvas.height = Math.round(bitmap.height * ratio);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve({ blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg", type: "image/jpeg" });
        }, "image/jpeg", config.photoQuality);
      });
    }).catch(function () {
      return { blob: file, name: file.name, type: file.type };
    });
  }

  function addPhoto(form) {
    var input = form.querySelector("input[type=file]");
    var file = input.files[0];
    if (!file) {
      return;
    }
    var original = form.querySelector(".keep-original").checked;
    var answer = form.closest(".criterion").dataset.answer;
    scaled(file, original).then(function (prepared) {
      var photo = {
        key: uuid4(),
        scope: scope,
        answer: answer,
        url: form.action,
        name: prepared.name,
        type: prepared.type,
        blob: prepared.blob,
        state: "waiting",
        addedAt: new Date().toISOString(),
      };
      photos[photo.key] = photo;
      form.reset();
      showPhotoState(photo, texts.photoWaiting);
      return keepPhoto(photo).then(persist);
    }).then(flush);
  }

  function sendPhoto(photo) {
    var body = new FormData();
    body.append("file", photo.blob, photo.name);
    body.append("key", photo.key);
    return upload(photo.url, body, function (percent) {
      showPhotoState(photo, texts.photoUploading.replace("%(percent)s", percent).replace("%%", "%"));
    }).then(function (reply) {
      if (reply.status === 200) {
        synced();
        showPhotoState(photo, texts.photoSent);
        var link = document.createElement("a");
        link.href = reply.data.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = texts.photoOpen;
        link.className = "small ms-1";
        photoItem(photo).appendChild(link);
        photo.state = "sent";
        return dropPhoto(photo.key);
      }
      if (reply.status >= 500) {
        photo.retryAt = Date.now() + RETRY_MS * 2;
        showPhotoState(photo, texts.serverError);
        return null;
      }
      photo.state = "refused";
      showPhotoState(photo, (reply.data && reply.data.error) || texts.cannotSave);
      return keepPhoto(photo).then(persist);
    });
  }

  // --- sending ------------------------------------------------------------------------

  function scheduleRetry() {
    if (!retryTimer) {
      retryTimer = setTimeout(function () {
        retryTimer = null;
        flush();
      }, RETRY_MS);
    }
  }

  function nextToSend() {
    var now = Date.now();
    var id = Object.keys(queue).filter(function (key) {
      return (queue[key].retryAt || 0) <= now;
    })[0];
    if (id) {
      return function () { return sendAnswer(id); };
    }
    var key = Object.keys(photos).filter(function (k) {
      return photos[k].state === "waiting" && (photos[k].retryAt || 0) <= now;
    })[0];
    if (key) {
      return function () { return sendPhoto(photos[key]); };
    }
    return null;
  }

  function flush() {
    if (sending || paused || !store) {
      showOverall();
      return;
    }
    showOverall();
    var send = nextToSend();
    if (!send) {
      if (waitingCount()) {
        scheduleRetry();
      }
      return;
    }
    sending = true;
    send().then(function () {
      sending = false;
      flush();
    }, function (error) {
      sending = false;
      if (error && error.message === "session") {
        sessionLost();
        return;
      }
      markWaiting(texts.offline);
      if (window.isoOffline) {
        window.isoOffline.networkDown();
      }
      showOverall();
      scheduleRetry();
    });
  }

  // --- the session ended --------------------------------------------------------------

  function whoIsLoggedIn() {
    return fetch(config.sessionUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    }).then(function (response) {
      return response.json();
    });
  }

  function sessionLost() {
    paused = true;
    markWaiting(texts.session);
    showOverall();
    whoIsLoggedIn().then(function (session) {
      if (String(session.user) === user && !root.dataset.tokenRetried) {
        // Still logged in: only this page's token was old (a kept page). Take the new one.
        root.dataset.tokenRetried = "1";
        csrf = session.csrf;
        paused = false;
        flush();
        return;
      }
      openLogin(session.csrf);
    }, function () {
      openLogin(null);
    });
  }

  function openLogin(token) {
    var dialog = document.getElementById("login-dialog");
    dialog.dataset.csrf = token || "";
    dialog.querySelector(".login-error").textContent = "";
    if (!dialog.open) {
      dialog.showModal();
    }
    dialog.querySelector("input[name=password]").focus();
  }

  function logIn(form) {
    var dialog = document.getElementById("login-dialog");
    var error = dialog.querySelector(".login-error");
    var tokenReady = dialog.dataset.csrf ? Promise.resolve(dialog.dataset.csrf)
      : whoIsLoggedIn().then(function (session) { return session.csrf; });
    tokenReady.then(function (token) {
      return fetch(config.loginUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
    }).then(function (response) {
      return response.json().then(function (data) {
        return { ok: response.ok, data: data };
      });
    }).then(function (reply) {
      if (!reply.ok) {
        error.textContent = reply.data.error || texts.loginFailed;
        return;
      }
      form.reset();
      dialog.close();
      if (String(reply.data.user) !== user) {
        // Someone else: this person's queue stays on the device, for them only.
        location.reload();
        return;
      }
      csrf = reply.data.csrf;
      delete root.dataset.tokenRetried;
      paused = false;
      flush();
    }).catch(function () {
      error.textContent = texts.loginOffline;
    });
  }

  // --- start --------------------------------------------------------------------------

  function showStranded() {
    // Changes kept on this device for a checklist that can no longer be edited (it was
    // submitted or approved meanwhile): say so, show them, and let the user clear them.
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
      queue = {};
      persist();
      box.remove();
    });
    box.appendChild(clear);
    root.insertBefore(box, root.children[1]);
  }

  function restore(record, keptPhotos) {
    // This page may be a copy kept from before later saves: put back what the server
    // confirmed since, then what was typed but not yet sent.
    known = (record && record.known) || {};
    Object.keys(known).forEach(function (id) {
      var section = sectionFor(id);
      if (!section || Number(section.dataset.version) >= known[id].version) {
        delete known[id];
        return;
      }
      section.dataset.version = known[id].version;
      setValues(section, known[id].result, known[id].note);
    });
    queue = (record && record.items) || {};
    Object.keys(queue).forEach(function (id) {
      var section = sectionFor(id);
      if (!section) {
        delete queue[id];
        return;
      }
      var latest = queue[id].next || queue[id];
      setValues(section, latest.result, latest.note);
      setState(section, "offline", texts.restored);
    });
    keptPhotos.forEach(function (photo) {
      if (!sectionFor(photo.answer)) {
        return;
      }
      photos[photo.key] = photo;
      showPhotoState(photo, photo.state === "refused" ? texts.cannotSave : texts.photoWaiting);
    });
    var renderedAt = new Date(document.body.dataset.renderedAt || 0);
    if (record && record.syncedAt && new Date(record.syncedAt) > renderedAt) {
      syncedAt = record.syncedAt;
      if (window.isoOffline) {
        window.isoOffline.synced(syncedAt);
      }
    }
  }

  function adoptLegacyQueue(record) {
    // Changes kept by the page before it stored per user (one key per inspection).
    var legacyKey = "iso9001-queue-" + root.dataset.inspection;
    try {
      var legacy = JSON.parse(localStorage.getItem(legacyKey));
      localStorage.removeItem(legacyKey);
      if (legacy && Object.keys(legacy).length) {
        record = record || { scope: scope, items: {}, known: {} };
        Object.keys(legacy).forEach(function (id) {
          record.items[id] = record.items[id] || legacy[id];
        });
      }
    } catch (error) {
      // No localStorage: nothing was kept there either.
    }
    return record;
  }

  function checkEvicted() {
    var expected = markerCount();
    if (expected && !waitingCount()) {
      storageWarning(texts.evicted.replace("%(count)s", expected));
      setMarker(0);
    }
  }

  function askToPersist() {
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().then(function (granted) {
        persisted = granted;
        showOverall();
      }, function () {});
    }
  }

  function bindEditing() {
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
    root.querySelectorAll(".evidence-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        addPhoto(form);
      });
    });
    // Submitting with changes still queued would submit what the server has, not the screen.
    var submitForm = document.getElementById("submit-form");
    if (submitForm) {
      submitForm.addEventListener("submit", function (event) {
        if (waitingCount()) {
          event.preventDefault();
          alert(texts.waitBeforeSubmit);
          flush();
        }
      });
    }
    document.getElementById("login-form").addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.getAttribute("formmethod") === "dialog") {
        return; // "Not now": the dialog closes, the queue stays paused and kept.
      }
      event.preventDefault();
      logIn(event.target);
    });
    document.getElementById("login-again").addEventListener("click", function () {
      sessionLost();
    });
    window.addEventListener("online", flush);
    window.addEventListener("offline", showOverall);
  }

  window.isoStore.open().then(function (opened) {
    store = opened;
    if (store.kind === "memory") {
      storageWarning(texts.storageMemory);
    }
    return Promise.all([store.getRecord(scope), store.getPhotos(scope)]);
  }).then(function (loaded) {
    restore(adoptLegacyQueue(loaded[0]), loaded[1] || []);
    checkEvicted();
    updateProgress();
    if (root.dataset.editable !== "1") {
      showStranded();
      return;
    }
    bindEditing();
    askToPersist();
    persist().then(flush);
  });
})();
