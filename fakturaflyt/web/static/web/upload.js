/* Upload areas ([data-upload]): drag and drop or choose many files; each file is sent in its own
   request with a progress bar, the answer (JSON) shows what became of it, and when all are done the
   list named by data-refresh is fetched again through htmx. Without JavaScript the same form posts
   every file at once and the server answers with the page and a message. Texts come translated
   from the form's data-text-* attributes. */
(function () {
  "use strict";

  var PARALLEL = 3;

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " kB";
    return (bytes / (1024 * 1024)).toFixed(1).replace(".", ",") + " MB";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function init(form) {
    var input = form.querySelector("input[type=file]");
    var list = form.querySelector("[data-upload-list]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var text = function (key) { return form.getAttribute("data-text-" + key) || ""; };
    var queue = [];
    var running = 0;
    var depth = 0;

    form.classList.add("is-enhanced");

    function refresh() {
      var selector = form.getAttribute("data-refresh");
      var target = selector && document.querySelector(selector);
      if (!target) return;
      if (window.htmx) {
        window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: target, swap: "outerHTML" });
      } else {
        window.location.reload();
      }
    }

    function finish(item, ok, result) {
      item.row.classList.remove("is-uploading");
      item.row.classList.add(ok ? "is-done" : "is-failed");
      item.bar.value = 100;
      item.status.textContent = "";
      if (ok) {
        result.forEach(function (doc, i) {
          if (i) item.status.appendChild(document.createTextNode(" "));
          item.status.appendChild(el("span", "state state-" + (doc.tone || "info"), doc.state_label));
          var link = el("a", "upload-open", text("open"));
          link.href = doc.url;
          item.status.appendChild(document.createTextNode(" "));
          item.status.appendChild(link);
        });
      } else {
        item.status.appendChild(el("span", "upload-error", result));
      }
      running -= 1;
      next();
      if (running === 0 && queue.length === 0) refresh();
    }

    function send(item) {
      running += 1;
      item.row.classList.add("is-uploading");
      item.status.textContent = text("uploading");
      var data = new FormData();
      data.append("files", item.file, item.file.name);
      if (token) data.append("csrfmiddlewaretoken", token.value);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      if (token) xhr.setRequestHeader("X-CSRFToken", token.value);
      xhr.upload.addEventListener("progress", function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.round((event.loaded / event.total) * 100);
        item.bar.value = percent;
        // The bytes are sent; the server now stores and reads the file.
        item.status.textContent = percent >= 100 ? text("reading") : text("uploading") + " " + percent + " %";
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
        if (xhr.status >= 200 && xhr.status < 300 && answer && answer.documents && answer.documents.length) {
          // An e-mail or zip file can hold several invoices: one badge and link for each.
          finish(item, true, answer.documents);
        } else {
          var message = (answer && answer.errors && answer.errors.length && answer.errors[0].message) || text("failed") + " (" + xhr.status + ")";
          finish(item, false, message);
        }
      });
      xhr.addEventListener("error", function () { finish(item, false, text("network")); });
      xhr.send(data);
    }

    function next() {
      while (running < PARALLEL && queue.length) send(queue.shift());
    }

    function add(files) {
      Array.prototype.forEach.call(files || [], function (file) {
        var row = el("li", "upload-item");
        var name = el("span", "upload-name", file.name);
        var size = el("span", "upload-size", formatSize(file.size));
        var bar = el("progress", "upload-bar");
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute("aria-label", file.name);
        var status = el("span", "upload-status", text("waiting"));
        row.appendChild(name);
        row.appendChild(size);
        row.appendChild(bar);
        row.appendChild(status);
        list.appendChild(row);
        var item = { file: file, row: row, bar: bar, status: status };
        if (maxBytes && file.size > maxBytes) {
          running += 1; // finish() counts it down again
          finish(item, false, text("too-large"));
          return;
        }
        queue.push(item);
      });
      next();
    }

    input.addEventListener("change", function () {
      add(input.files);
      input.value = "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      add(input.files);
      input.value = "";
    });
    form.addEventListener("dragenter", function (event) {
      event.preventDefault();
      depth += 1;
      form.classList.add("is-dragover");
    });
    form.addEventListener("dragover", function (event) {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    });
    form.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (depth === 0) form.classList.remove("is-dragover");
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      depth = 0;
      form.classList.remove("is-dragover");
      if (event.dataTransfer) add(event.dataTransfer.files);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload]").forEach(init);
    // A file dropped beside the area must not make the browser leave the page to open it.
    window.addEventListener("dragover", function (event) { event.preventDefault(); });
    window.addEventListener("drop", function (event) { event.preventDefault(); });
  });
})();
