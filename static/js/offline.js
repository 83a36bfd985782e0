/*
 * On every page: register the inspector's service worker, forget kept pages on logout,
 * say when the page is offline and since when it was synced, and the «Download for
 * offline work» buttons of "My inspections".
 */
(function () {
  "use strict";

  var body = document.body;
  var banner = document.getElementById("offline-banner");
  var hasWorker = "serviceWorker" in navigator && "caches" in window;
  var controlledAtLoad = hasWorker && !!navigator.serviceWorker.controller;

  function servedByWorker() {
    // Whether this page's own response came through the worker (which then kept it). Being
    // controlled is not enough: a worker that activates while the page is still loading
    // claims it, yet the page itself came from the network and was not kept.
    var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    if (entries.length && "workerStart" in entries[0]) {
      return entries[0].workerStart > 0;
    }
    return controlledAtLoad;
  }

  function formatTime(iso) {
    var when = new Date(iso);
    if (isNaN(when.getTime())) {
      return "—";
    }
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    // The site's one format, in both languages: 21/11/2026 20:28.
    return two(when.getDate()) + "/" + two(when.getMonth() + 1) + "/" + when.getFullYear() + " " +
      two(when.getHours()) + ":" + two(when.getMinutes());
  }

  function syncedAt() {
    return body.dataset.syncedAt || body.dataset.renderedAt || "";
  }

  function showBanner() {
    if (!banner) {
      return;
    }
    var offline = !navigator.onLine || body.dataset.networkDown === "1";
    banner.hidden = !offline;
    if (offline) {
      banner.textContent = banner.dataset.text.replace("%(when)s", formatTime(syncedAt()));
    }
  }

  window.isoOffline = {
    // The checklist calls these when a save succeeds or the network fails under it.
    synced: function (iso) {
      body.dataset.syncedAt = iso;
      body.dataset.networkDown = "0";
      showBanner();
    },
    networkDown: function () {
      body.dataset.networkDown = "1";
      showBanner();
    },
    formatTime: formatTime,
  };

  window.addEventListener("online", function () {
    body.dataset.networkDown = "0";
    showBanner();
  });
  window.addEventListener("offline", showBanner);
  showBanner();

  function forgetPages() {
    var steps = [];
    if (hasWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "logout" });
    }
    if ("caches" in window) {
      steps.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("pages-") === 0;
        }).map(function (name) {
          return caches.delete(name);
        }));
      }));
    }
    return Promise.all(steps).catch(function () {});
  }

  document.querySelectorAll("form.logout-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.forgotten === "1") {
        return;
      }
      event.preventDefault();
      forgetPages().then(function () {
        form.dataset.forgotten = "1";
        form.submit();
      });
    });
  });

  function keepThroughWorker(registration, urls) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        resolve(event.data);
      };
      registration.active.postMessage({ type: "keep", urls: urls }, [channel.port2]);
    });
  }

  function download(registration, button) {
    var urls = button.dataset.urls.split(" ").filter(Boolean);
    var result = button.parentNode.querySelector(".download-result");
    button.disabled = true;
    result.textContent = button.dataset.downloading;
    keepThroughWorker(registration, urls).then(function (outcome) {
      button.disabled = false;
      result.textContent = (outcome.failed ? button.dataset.failed : button.dataset.downloaded)
        .replace("%(count)s", outcome.kept).replace("%(failed)s", outcome.failed);
      result.dataset.done = String(outcome.kept);
    });
  }

  if (!hasWorker || !body.dataset.serviceWorker) {
    document.querySelectorAll(".offline-download").forEach(function (button) {
      button.hidden = true;
    });
    return;
  }

  navigator.serviceWorker.register(body.dataset.serviceWorker).catch(function () {});
  navigator.serviceWorker.ready.then(function (registration) {
    body.dataset.workerReady = "1";
    document.querySelectorAll(".offline-download").forEach(function (button) {
      button.disabled = false;
      button.addEventListener("click", function () {
        download(registration, button);
      });
    });
    if (!servedByWorker() && body.dataset.offlinePage === "1" && navigator.onLine) {
      // This page did not come through the worker: have the worker fetch it again and keep it.
      keepThroughWorker(registration, [location.pathname]);
    }
  });
})();
