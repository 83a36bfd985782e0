/*
 * Where the checklist page keeps what is not sent yet: IndexedDB, so it survives closing
 * the tab and restarting the phone, with photos as blobs. Every record is keyed by
 * "user:inspection", so two people sharing a phone never see or send each other's
 * changes. When IndexedDB is refused, localStorage keeps the answers (not photos); when
 * that is refused too, memory keeps them while the page stays open, and the page says so.
 */
(function () {
  "use strict";

  var DB_NAME = "iso9001-offline";
  var QUEUES = "queues";
  var PHOTOS = "photos";

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () {
        resolve(req.result);
      };
      req.onerror = function () {
        reject(req.error);
      };
    });
  }

  function done(transaction) {
    return new Promise(function (resolve, reject) {
      transaction.oncomplete = function () {
        resolve();
      };
      transaction.onerror = transaction.onabort = function () {
        reject(transaction.error || new Error("aborted"));
      };
    });
  }

  function indexedStore(db) {
    function run(name, mode, action) {
      var transaction = db.transaction(name, mode);
      action(transaction.objectStore(name));
      return done(transaction);
    }
    return {
      kind: "indexeddb",
      keepsPhotos: true,
      getRecord: function (scope) {
        var transaction = db.transaction(QUEUES, "readonly");
        return request(transaction.objectStore(QUEUES).get(scope)).then(function (record) {
          return record || null;
        });
      },
      putRecord: function (record) {
        return run(QUEUES, "readwrite", function (store) {
          store.put(record);
        });
      },
      getPhotos: function (scope) {
        var transaction = db.transaction(PHOTOS, "readonly");
        return request(transaction.objectStore(PHOTOS).index("scope").getAll(scope));
      },
      putPhoto: function (photo) {
        return run(PHOTOS, "readwrite", function (store) {
          store.put(photo);
        });
      },
      deletePhoto: function (key) {
        return run(PHOTOS, "readwrite", function (store) {
          store.delete(key);
        });
      },
    };
  }

  function localStore() {
    var probe = "iso9001-probe";
    localStorage.setItem(probe, "1");
    localStorage.removeItem(probe);
    return {
      kind: "localstorage",
      keepsPhotos: false,
      getRecord: function (scope) {
        return Promise.resolve(JSON.parse(localStorage.getItem("iso9001-queue-" + scope)));
      },
      putRecord: function (record) {
        return new Promise(function (resolve) {
          localStorage.setItem("iso9001-queue-" + record.scope, JSON.stringify(record));
          resolve();
        });
      },
      getPhotos: function () {
        return Promise.resolve([]);
      },
      putPhoto: function () {
        return Promise.resolve();
      },
      deletePhoto: function () {
        return Promise.resolve();
      },
    };
  }

  function memoryStore() {
    var records = {};
    var photos = {};
    return {
      kind: "memory",
      keepsPhotos: false,
      getRecord: function (scope) {
        return Promise.resolve(records[scope] || null);
      },
      putRecord: function (record) {
        records[record.scope] = JSON.parse(JSON.stringify(record));
        return Promise.resolve();
      },
      getPhotos: function (scope) {
        return Promise.resolve(Object.keys(photos).map(function (key) {
          return photos[key];
        }).filter(function (photo) {
          return photo.scope === scope;
        }));
      },
      putPhoto: function (photo) {
        photos[photo.key] = photo;
        return Promise.resolve();
      },
      deletePhoto: function (key) {
        delete photos[key];
        return Promise.resolve();
      },
    };
  }

  function openIndexed() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) {
        reject(new Error("no indexedDB"));
        return;
      }
      var opening = indexedDB.open(DB_NAME, 1);
      opening.onupgradeneeded = function () {
        var db = opening.result;
        db.createObjectStore(QUEUES, { keyPath: "scope" });
        db.createObjectStore(PHOTOS, { keyPath: "key" }).createIndex("scope", "scope");
      };
      opening.onsuccess = function () {
        resolve(indexedStore(opening.result));
      };
      opening.onerror = function () {
        reject(opening.error);
      };
      opening.onblocked = function () {
        reject(new Error("blocked"));
      };
    });
  }

  function fallback() {
    try {
      return localStore();
    } catch (error) {
      return memoryStore();
    }
  }

  window.isoStore = {
    open: function () {
      return openIndexed().catch(fallback);
    },
    fallback: function (current) {
      return current.kind === "indexeddb" ? fallback() : memoryStore();
    },
  };
})();
