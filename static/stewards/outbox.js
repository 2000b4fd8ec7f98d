/* 项目管家 outbox: every record a steward makes on site (the month's 形象进度, a photo, a problem, a
 * 销号) is first kept on the phone in IndexedDB, then sent; without signal it waits and is sent when
 * the connection returns. Each record carries an idempotency key made when it was queued, and the
 * server does a key's record only once, so a record whose answer was lost is sent again safely.
 * A record is removed from the phone only when the server has answered that it has it. */
(function () {
  "use strict";

  var DB_NAME = "investtrack-outbox";
  var STORE = "records";
  var RETRY_MS = 30000;
  var panel = document.getElementById("outbox");
  if (!panel || !window.indexedDB) {
    return;
  }
  var owner = panel.dataset.owner;
  var statusLine = document.getElementById("outbox-status");
  var waitingList = document.getElementById("outbox-waiting");
  var sentList = document.getElementById("outbox-sent");
  var flushing = false;
  var notice = "";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        var request = work(transaction.objectStore(STORE));
        if (request) {
          request.onsuccess = function () { result = request.result; };
        }
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function saveRecord(record) { return withStore("readwrite", function (store) { return store.put(record); }); }
  function removeRecord(key) { return withStore("readwrite", function (store) { return store.delete(key); }); }
  function allRecords() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (records) {
      return (records || []).sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }

  /* A version 4 UUID from crypto.getRandomValues, which (unlike randomUUID) an intranet page served
   * over plain http also has. */
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function describe(record) {
    var when = new Date(record.queuedAt);
    var time = ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2);
    return record.project + " · " + record.label + (record.fileName ? "（" + record.fileName + "）" : "") + " · " + time + " 保存";
  }

  function item(text, className) {
    var li = document.createElement("li");
    li.textContent = text;
    if (className) {
      li.className = className;
    }
    return li;
  }

  function button(text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  function render() {
    return allRecords().then(function (records) {
      var mine = records.filter(function (r) { return r.owner === owner; });
      var failed = mine.filter(function (r) { return r.state === "failed"; });
      var waiting = mine.length - failed.length;
      waitingList.textContent = "";
      mine.forEach(function (record) {
        var li;
        if (record.state === "failed") {
          li = item("未能保存：" + describe(record) + " — " + record.message, "text-danger");
          li.appendChild(button("重新发送", function () {
            record.state = "waiting";
            record.message = "";
            saveRecord(record).then(flush);
          }));
          li.appendChild(button("放弃", function () {
            if (window.confirm("放弃后这条记录将从本机删除，确定吗？")) {
              removeRecord(record.key).then(render);
            }
          }));
        } else {
          li = item("等待发送：" + describe(record));
        }
        waitingList.appendChild(li);
      });
      var others = records.length - mine.length;
      if (others) {
        waitingList.appendChild(item("本机还有 " + others + " 条其他账号保存的记录，须由该账号登录后发送。", "text-muted"));
      }
      panel.classList.toggle("waiting", waiting > 0);
      panel.classList.toggle("failed", failed.length > 0);
      var parts = [];
      if (waiting) {
        parts.push("有 " + waiting + " 条记录保存在本机、等待发送" + (navigator.onLine ? "" : "（当前无网络，恢复后自动发送）"));
      }
      if (failed.length) {
        parts.push(failed.length + " 条记录未能保存，请查看原因");
      }
      statusLine.textContent = (parts.length ? parts.join("；") : "所有记录均已发送。") + (notice ? " " + notice : "");
      panel.dataset.waiting = String(waiting);
      panel.dataset.failed = String(failed.length);
    });
  }

  function updateForm(record, answer) {
    /* After the month is saved its report has a new version: the form still on screen sends that one. */
    if (answer.version == null) {
      return;
    }
    document.querySelectorAll("form[data-outbox]").forEach(function (form) {
      if (form.action === record.url && form.elements.version) {
        form.elements.version.value = answer.version;
      }
    });
  }

  /* A month record saved while an older one of the same month was on its way was filled in on top of
   * it: it now builds on the version the older one created. */
  function retarget(record, answer) {
    if (answer.version == null) {
      return Promise.resolve();
    }
    return allRecords().then(function (kept) {
      return Promise.all(kept.filter(function (r) {
        return r.key !== record.key && r.url === record.url && r.owner === owner;
      }).map(function (r) {
        r.fields = r.fields.map(function (pair) {
          return pair[0] === "version" ? ["version", String(answer.version)] : pair;
        });
        return saveRecord(r);
      }));
    });
  }

  function send(record) {
    var body = new FormData();
    record.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    if (record.file) {
      body.append("photo", record.file, record.fileName);
    }
    return fetch(record.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Idempotency-Key": record.key, Accept: "application/json" },
    });
  }

  function flush() {
    if (flushing) {
      return Promise.resolve();
    }
    flushing = true;
    notice = "";
    return allRecords().then(function (records) {
      var pending = records.filter(function (r) { return r.owner === owner && r.state !== "failed"; });
      var next = function (index) {
        if (index >= pending.length || !navigator.onLine) {
          return Promise.resolve();
        }
        var record = pending[index];
        return send(record).then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            /* The login page or an error page, not our answer: keep the record and stop here. */
            notice = "登录已过期或页面已失效，请重新登录后打开本页，待发送的记录会自动发送。";
            return null;
          }
          return response.json().then(function (answer) {
            if (answer.ok) {
              updateForm(record, answer);
              sentList.insertBefore(item("已发送：" + answer.message + (answer.duplicate ? "（此前已收到）" : "")), sentList.firstChild);
              return removeRecord(record.key)
                .then(function () { return retarget(record, answer); })
                .then(function () { return next(index + 1); });
            }
            record.state = "failed";
            record.message = answer.message;
            return saveRecord(record).then(function () { return next(index + 1); });
          });
        }, function () {
          /* No connection: the record stays on the phone and is sent later. */
          return null;
        });
      };
      return next(0);
    }).then(function () {
      flushing = false;
      return render();
    }, function (error) {
      flushing = false;
      notice = "本机存储出错：" + error;
      return render();
    });
  }

  function queue(form) {
    var projectName = (document.querySelector("h1") || {}).textContent || "";
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") {
        fields.push([name, value]);
      }
    });
    var base = {
      url: form.action,
      label: form.dataset.outbox,
      project: projectName.trim(),
      owner: owner,
      fields: fields,
      state: "waiting",
      message: "",
    };
    var inputs = form.querySelectorAll("input[type=file]");
    var files = [];
    inputs.forEach(function (input) { Array.prototype.push.apply(files, input.files); });
    if (inputs.length && !files.length) {
      window.alert("请先拍照或选择照片。");
      return Promise.resolve();
    }
    var records = (inputs.length ? files : [null]).map(function (file, index) {
      var record = Object.assign({}, base, { key: newKey(), queuedAt: Date.now() + index });
      if (file) {
        record.file = file;
        record.fileName = file.name || "photo.jpg";
      }
      return record;
    });
    /* The month's form holds the whole month: a newer save replaces one still waiting (or refused)
     * on the phone, which would otherwise be refused as based on an older version. */
    var superseded = form.hasAttribute("data-outbox-keep")
      ? allRecords().then(function (kept) {
        return Promise.all(kept.filter(function (r) { return r.owner === owner && r.url === base.url; })
          .map(function (r) { return removeRecord(r.key); }));
      })
      : Promise.resolve();
    return records.reduce(function (done, record) {
      return done.then(function () { return saveRecord(record); });
    }, superseded).then(function () {
      if (!form.hasAttribute("data-outbox-keep")) {
        form.reset();
        form.dispatchEvent(new Event("change"));
      }
      return render();
    }).then(flush);
  }

  document.querySelectorAll("form[data-outbox]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      queue(form);
    });
    form.addEventListener("change", function () {
      var picked = form.querySelectorAll("input[type=file]");
      var shown = document.getElementById("photo-picked");
      if (!picked.length || !shown) {
        return;
      }
      var names = [];
      picked.forEach(function (input) {
        Array.prototype.forEach.call(input.files, function (file) { names.push(file.name); });
      });
      shown.textContent = names.length ? "已选择 " + names.length + " 张：" + names.join("、") : "尚未选择照片";
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  window.setInterval(flush, RETRY_MS);
  document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
    form.addEventListener("submit", function () {
      /* The pages the service worker kept go with the session; records still waiting stay. */
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("logout");
      }
    });
  });
  if ("serviceWorker" in navigator && panel.dataset.sw) {
    navigator.serviceWorker.register(panel.dataset.sw, { scope: "/stewards/" }).catch(function () {
      /* Not on https (nor localhost): the pages then need signal to open, the outbox still works. */
    });
  }
  render().then(flush);
})();
