/*
 * Service worker for the inspector's pages (served at the site root with its settings in
 * self.OFFLINE_CONFIG, see inspections/offline.py).
 *
 * Static files: kept in a cache named after the static version; a deployment changes the
 * version, the new worker keeps the new files and deletes the old caches.
 * Pages ("My inspections" and checklists): always asked of the network first, and kept,
 * per user, each time the server sends one marked with its user. With no network the last
 * kept copy of the current user is shown. Pages of other users are deleted as soon as a
 * page of someone else arrives, and all pages when someone logs out.
 * Writes (POST) never touch a cache: the page's own queue sends them, and the server's
 * version checks decide.
 */
/* global self, caches, fetch, Request, Response, URL */
"use strict";

var CONFIG = self.OFFLINE_CONFIG;
var STATIC_CACHE = "static-" + CONFIG.version;
var PAGES_PREFIX = "pages-";
var META_CACHE = "offline-meta";
var USER_KEY = "/__offline-user__";
var NETWORK_TIMEOUT_MS = 15000;
var PAGE_PATTERNS = CONFIG.pages.map(function (pattern) {
  return new RegExp(pattern);
});

function isPage(url) {
  return PAGE_PATTERNS.some(function (pattern) {
    return pattern.test(url.pathname);
  });
}

function pagesCache(user) {
  return PAGES_PREFIX + user;
}

function currentUser() {
  return caches.open(META_CACHE).then(function (cache) {
    return cache.match(USER_KEY).then(function (response) {
      return response ? response.text() : "";
    });
  });
}

function setCurrentUser(user) {
  return caches.open(META_CACHE).then(function (cache) {
    return cache.put(USER_KEY, new Response(user));
  });
}

function dropPages(except) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGES_PREFIX) === 0 && name !== except;
    }).map(function (name) {
      return caches.delete(name);
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) {
      return cache.addAll(CONFIG.precache);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

function refreshPages() {
  // Kept pages name the static files of the deployment they came from: fetch them again
  // so they load the new files (one that cannot be fetched now is dropped, not left broken).
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGES_PREFIX) === 0;
    }).map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.map(function (request) {
            return fetch(request.url, { credentials: "same-origin" }).then(function (response) {
              if (response.ok && response.headers.get(CONFIG.userHeader) === name.slice(PAGES_PREFIX.length)) {
                return cache.put(request, response);
              }
              return cache.delete(request);
            }).catch(function () {
              return cache.delete(request);
            });
          }));
        });
      });
    }));
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("static-") === 0 && name !== STATIC_CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function (deleted) {
      return deleted.length ? refreshPages() : null;
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error("timeout"));
    }, NETWORK_TIMEOUT_MS);
    promise.then(function (value) {
      clearTimeout(timer);
      resolve(value);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// Cache writes one after another: two pages arriving at once must not each create the
// user's cache (one would be lost) or read the current user before the other set it.
var writes = Promise.resolve();

function serially(step) {
  writes = writes.then(step, step);
  return writes;
}

function keepPage(request, response) {
  // Two steps in the queue of writes: first the user marker (and, for another user, the
  // removal of the previous user's pages), then the page itself. `switched` lets a
  // navigation wait for the first step, so a page of a new user is never shown while the
  // previous user's pages are still on the device.
  var user = response.headers.get(CONFIG.userHeader);
  if (!response.ok || !user) {
    var none = Promise.resolve();
    return { switched: none, stored: none };
  }
  var copy = response.clone();
  var switched = serially(function () {
    return switchUser(user);
  });
  var stored = serially(function () {
    return caches.open(pagesCache(user)).then(function (cache) {
      return cache.put(request.url.split("#")[0], copy);
    });
  });
  return { switched: switched, stored: stored };
}

function switchUser(user) {
  return currentUser().then(function (previous) {
    if (previous === user) {
      return null;
    }
    return Promise.all([setCurrentUser(user), dropPages(pagesCache(user))]);
  });
}

function offlineFallback() {
  var html = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>" + CONFIG.offlineTitle + "</title></head><body style=\"font-family:sans-serif;padding:1rem\">" +
    "<h1>" + CONFIG.offlineTitle + "</h1><p>" + CONFIG.offlineText + "</p>" +
    "<p><a href=\"" + CONFIG.myUrl + "\">" + CONFIG.myLabel + "</a></p></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function keptPage(request) {
  return currentUser().then(function (user) {
    if (!user) {
      return null;
    }
    return caches.open(pagesCache(user)).then(function (cache) {
      return cache.match(request.url.split("#")[0], { ignoreSearch: true, ignoreVary: true });
    });
  });
}

function pageFromNetwork(request, keeping) {
  // `keeping` is resolved with the promise that stores the page; the fetch handler gave
  // it to event.waitUntil before anything asynchronous, so the worker lives until then.
  return withTimeout(fetch(request)).then(function (response) {
    var keep = keepPage(request, response);
    keeping(keep.stored);
    return keep.switched.then(function () {
      return response;
    }, function () {
      return response;
    });
  }, function () {
    keeping(null);
    return keptPage(request).then(function (kept) {
      return kept || offlineFallback();
    });
  });
}

function staticFile(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (kept) {
      if (kept) {
        return kept;
      }
      return fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf(CONFIG.staticUrl) === 0) {
    event.respondWith(staticFile(request));
  } else if (isPage(url)) {
    var keeping;
    event.waitUntil(new Promise(function (resolve) {
      keeping = resolve;
    }));
    event.respondWith(pageFromNetwork(request, keeping));
  }
});

function keepUrls(urls) {
  // Fetch pages asked for by a page (one not yet controlled by this worker, or the
  // «Download for offline work» button) and keep them; say how many were kept.
  var kept = 0;
  return Promise.all(urls.map(function (url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (response.ok && response.headers.get(CONFIG.userHeader)) {
        kept += 1;
        return keepPage(new Request(url), response).stored;
      }
    }, function () {});
  })).then(function () {
    return { kept: kept, failed: urls.length - kept };
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep") {
    event.waitUntil(keepUrls(data.urls || []).then(function (result) {
      if (event.ports[0]) {
        event.ports[0].postMessage(result);
      }
    }));
  }
  if (data.type === "logout") {
    // Nobody's pages stay on a shared phone after a logout.
    event.waitUntil(serially(function () {
      return Promise.all([dropPages(null), setCurrentUser("")]);
    }));
  }
});
