/* 音像记录上传 (the case's upload page): each chosen file is sent in chunks (8 MiB) to the web app's
 * JSON endpoints (session + CSRF), resumably:
 *
 *   POST /media/uploads/                      {case, filename, size}  → {id, received}
 *   PUT  /media/uploads/<id>/?offset=N        raw bytes of one chunk  → {received}
 *   GET  /media/uploads/<id>/                                          → {received}
 *   POST /media/uploads/<id>/complete/        the facts of the form    → {record, url} | {fields}
 *
 * A chunk that fails (broken connection, server restart, a wrong offset) is retried from where the
 * server says it stands (`received`). The upload's id is kept in localStorage under the file's
 * name, size and modification time, so choosing the same file again — also after a page reload —
 * resumes it. The server computes SHA-256 and SM3 as it writes; the browser hashes nothing (the
 * Web Crypto API would need the whole file in memory). No library. */
(function () {
  "use strict";

  var MiB = 1024 * 1024;
  var RETRIES = 6;
  var LABELS = {source: "来源", device: "执法记录仪", recorded_by: "拍摄（录制）人", place: "地点", step: "执法环节",
                document: "所附文书", retention: "保存期限", retention_reason: "保存期限理由",
                capture_start: "拍摄开始", capture_end: "拍摄结束", file: "文件", sha256: "校验值", size: "文件大小",
                filename: "文件名", offset: "续传位置", length: "分块", case: "案件"};
  var FACTS = ["source", "device", "recorded_by", "place", "step", "document", "retention", "retention_reason",
               "capture_start", "capture_end"];

  function human(n) {
    if (n < 1024) return n + " B";
    var units = ["KB", "MB", "GB", "TB"], i = -1;
    do { n /= 1024; i++; } while (n >= 1024 && i < units.length - 1);
    return n.toFixed(n < 10 ? 1 : 0) + " " + units[i];
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function Refusal(answer) {  // the server's Chinese reasons, field by field
    var data = answer.data || {}, fields = data.fields || {};
    var parts = Object.keys(fields).map(function (k) {
      return (LABELS[k] && k !== "__all__" ? LABELS[k] + "：" : "") + fields[k];
    });
    var e = new Error(parts.length ? parts.join("；") : (data.message || "上传失败（HTTP " + answer.status + "）"));
    e.fields = fields;
    e.status = answer.status;
    return e;
  }

  function setUp(form) {
    var caseId = form.dataset.case;
    var startUrl = form.dataset.startUrl;
    var chunk = window.lawtrailUploadChunk || parseInt(form.dataset.chunkSize, 10) || 8 * MiB;
    var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var input = form.querySelector('input[type="file"]');
    var formError = form.querySelector("[data-form-error]");
    var button = form.querySelector('button[type="submit"]');
    var list = document.getElementById("upload-list");
    var finished = {};  // files uploaded from this page: choosing them again does not upload them twice
    var busy = false;

    function call(method, url, body, type) {
      var headers = {"X-CSRFToken": csrf, "Accept": "application/json"};
      if (type) headers["Content-Type"] = type;
      return fetch(url, {method: method, headers: headers, body: body, credentials: "same-origin"}).then(function (r) {
        return r.text().then(function (text) {
          var data;
          try { data = text ? JSON.parse(text) : {}; } catch (e) {
            data = {message: r.status === 403 ? "页面已过期或无权操作，请刷新页面后重试（已上传的部分会保留）"
                                             : "服务器返回了无法识别的应答（HTTP " + r.status + "）"};
          }
          return {status: r.status, ok: r.ok, data: data};
        });
      });
    }

    function key(file) { return "lawtrail.upload:" + caseId + ":" + file.name + ":" + file.size + ":" + file.lastModified; }
    function recall(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
    function remember(k, id) { try { localStorage.setItem(k, id); } catch (e) { /* private mode: no resume after reload */ } }
    function forget(k) { try { localStorage.removeItem(k); } catch (e) { /* nothing kept */ } }

    function facts() {
      var out = {};
      FACTS.forEach(function (name) {
        var el = form.elements[name];
        if (el && el.value !== "") out[name] = el.value;
      });
      return out;
    }

    function clearFieldErrors() {
      form.querySelectorAll(".has-error").forEach(function (f) { f.classList.remove("has-error"); });
      form.querySelectorAll("small.error[data-from-server]").forEach(function (s) { s.remove(); });
      formError.hidden = true;
    }

    function markFields(fields) {
      Object.keys(fields || {}).forEach(function (name) {
        var box = document.getElementById("field-" + name);
        if (!box || FACTS.indexOf(name) < 0) return;
        box.classList.add("has-error");
        var small = document.createElement("small");
        small.className = "error";
        small.setAttribute("role", "alert");
        small.dataset.fromServer = "";
        small.textContent = fields[name];
        box.appendChild(small);
      });
    }

    function row(file) {
      var li = document.createElement("li");
      li.className = "upload";
      var name = document.createElement("strong");
      name.textContent = file.name;
      var size = document.createElement("small");
      size.textContent = "（" + human(file.size) + "）";
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var status = document.createElement("small");
      status.className = "status";
      var error = document.createElement("p");
      error.className = "error";
      error.setAttribute("role", "alert");
      error.hidden = true;
      var link = document.createElement("a");
      link.hidden = true;
      link.textContent = "查看音像记录";
      li.append(name, " ", size, bar, status, " ", link, error);
      list.appendChild(li);
      return {
        progress: function (done, total, note) {
          var pct = total ? Math.floor(done * 100 / total) : 100;
          bar.value = pct;
          li.dataset.percent = String(pct);
          status.textContent = (note ? note + " · " : "") + "已上传 " + human(done) + " / " + human(total) + "（" + pct + "%）";
        },
        fail: function (message) {
          error.textContent = message;
          error.hidden = false;
          li.classList.add("failed");
        },
        done: function (url) {
          link.href = url;
          link.hidden = false;
          status.textContent += " · 已完成，已记入账本";
          li.classList.add("done");
        },
        note: function (text) { status.textContent = text; }
      };
    }

    function uploadUrl(id) { return startUrl + encodeURIComponent(id) + "/"; }

    async function where(id) {  // how far the server stands; null when it cannot be asked now
      try {
        var r = await call("GET", uploadUrl(id));
        if (r.ok) return r.data.received;
        if (r.status === 404 || r.status === 403 || r.status === 401) throw Refusal(r);
      } catch (e) {
        if (e.status) throw e;
      }
      return null;
    }

    async function send(file, ui) {
      var k = key(file), id = recall(k), received = 0, r;
      if (id) {  // a resumed upload (page reloaded, connection lost): ask where it stands
        try {
          r = await call("GET", uploadUrl(id));
        } catch (e) { r = null; }
        if (r && r.ok && r.data.size === file.size && r.data.filename === file.name) {
          received = r.data.received;
          ui.progress(received, file.size, received ? "从上次中断处续传" : "");
        } else {
          forget(k);
          id = null;
        }
      }
      if (!id) {
        r = await call("POST", startUrl, JSON.stringify({case: Number(caseId), filename: file.name, size: file.size}),
                       "application/json");
        if (!r.ok) throw Refusal(r);
        id = r.data.id;
        received = r.data.received;
        remember(k, id);
      }
      var failures = 0;
      while (received < file.size) {
        var end = Math.min(received + chunk, file.size);
        try {
          r = await call("PUT", uploadUrl(id) + "?offset=" + received, file.slice(received, end),
                         "application/octet-stream");
        } catch (e) {
          r = null;  // the connection broke
        }
        if (r && r.ok) {
          received = r.data.received;
          failures = 0;
          ui.progress(received, file.size);
          continue;
        }
        var retry = !r || r.status === 409 || r.status === 408 || r.status === 429 || r.status >= 500;
        if (!retry) throw Refusal(r);
        failures += 1;
        if (failures > RETRIES) {
          throw new Error("多次重试仍未成功，请检查网络后重新选择该文件继续上传（已上传的 " + human(received) + " 会保留）");
        }
        if (r && r.status === 409 && typeof r.data.received === "number") {
          received = r.data.received;  // the server says where to go on
          ui.progress(received, file.size, "从服务器已接收处继续");
          continue;
        }
        ui.progress(received, file.size, "连接中断，第 " + failures + " 次重试");
        await sleep(Math.min(1000 * Math.pow(2, failures - 1), 15000));
        var at = await where(id);
        if (at !== null) received = at;
      }
      ui.progress(received, file.size, "正在校验、入库并记入账本");
      r = await call("POST", uploadUrl(id) + "complete/", JSON.stringify(facts()), "application/json");
      if (!r.ok) {
        var fields = (r.data && r.data.fields) || {};
        if (fields.file || fields.sha256 || r.status === 404) forget(k);  // these bytes will never do
        throw Refusal(r);
      }
      forget(k);
      return r.data;
    }

    function pending() {  // unfinished uploads of this case kept by an earlier visit
      var prefix = "lawtrail.upload:" + caseId + ":", names = [];
      try {
        for (var i = 0; i < localStorage.length; i++) {
          var k = localStorage.key(i);
          if (k && k.indexOf(prefix) === 0) names.push(k.slice(prefix.length).split(":").slice(0, -2).join(":"));
        }
      } catch (e) { /* no storage */ }
      return names;
    }

    var left = pending();
    if (left.length) {
      var p = document.createElement("p");
      p.className = "muted";
      p.textContent = "有未完成的上传：" + left.join("、") + "。重新选择同一文件即可从中断处继续。";
      form.parentNode.insertBefore(p, form);
    }

    window.addEventListener("beforeunload", function (e) {
      if (busy) { e.preventDefault(); e.returnValue = ""; }
    });

    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      if (busy) return;
      clearFieldErrors();
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) {
        formError.textContent = "请选择要上传的文件";
        formError.hidden = false;
        return;
      }
      busy = true;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      var failed = 0;
      for (var i = 0; i < files.length; i++) {  // one file at a time: the server hashes and probes each
        var file = files[i], ui = row(file);
        if (finished[key(file)]) {
          ui.progress(file.size, file.size, "本页已上传过该文件，未重复上传");
          ui.done(finished[key(file)]);
          continue;
        }
        ui.progress(0, file.size, "准备上传");
        try {
          var done = await send(file, ui);
          finished[key(file)] = done.url;
          ui.progress(file.size, file.size);
          ui.done(done.url);
        } catch (err) {
          failed += 1;
          ui.fail(err.message);
          markFields(err.fields);
        }
      }
      busy = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      if (!failed) input.value = "";
      else {
        formError.textContent = "有 " + failed + " 个文件未上传成功，见下方说明；修改后再次点击“开始上传”即可（已上传的部分会保留）。";
        formError.hidden = false;
      }
    });
  }

  document.querySelectorAll("form[data-uploader]").forEach(setUp);
})();
