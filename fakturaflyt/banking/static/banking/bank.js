/* Bank pages: upload progress (htmx:xhr:progress) and the keyboard on the reconciliation screen.
   No framework; htmx is loaded by the base template. */
(function () {
  "use strict";

  // -- upload progress ----------------------------------------------------------------------
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("#bank-upload") : null;
    if (!form || !event.detail.lengthComputable) return;
    var box = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-bar");
    var pct = document.getElementById("upload-percent");
    var value = Math.round((event.detail.loaded / event.detail.total) * 100);
    box.hidden = false;
    bar.value = value;
    pct.textContent = value + " %";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.id === "bank-upload") {
      var box = document.getElementById("upload-progress");
      if (box) box.hidden = true;
    }
  });

  // -- reconciliation keyboard -----------------------------------------------------------------
  function entries() {
    return Array.prototype.slice.call(document.querySelectorAll(".rec-entry"));
  }
  function current() {
    var el = document.activeElement;
    return el && el.closest ? el.closest(".rec-entry") : null;
  }
  function focusEntry(entry) {
    if (!entry) return;
    entries().forEach(function (e) { e.classList.remove("rec-current"); });
    entry.classList.add("rec-current");
    entry.focus();
    entry.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = entries();
    var at = list.indexOf(current());
    var next = at < 0 ? list[0] : list[Math.min(Math.max(at + step, 0), list.length - 1)];
    focusEntry(next);
  }
  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("rec-list");
    if (!list) return;
    var wanted = list.getAttribute("data-focus");
    var start = wanted ? document.getElementById("entry-" + wanted) : null;
    focusEntry(start || entries()[0]);
  });

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("rec-list")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (event.key === "Escape") {
      var back = current();
      if (back) { event.preventDefault(); focusEntry(back); }
      return;
    }
    if (typing(target)) return;
    var entry = current();
    if (event.key === "j" || event.key === "ArrowDown") { event.preventDefault(); move(1); return; }
    if (event.key === "k" || event.key === "ArrowUp") { event.preventDefault(); move(-1); return; }
    if (!entry || target !== entry) return;  // on a button or link inside, keys do what they normally do
    var button = null;
    if (event.key === "Enter") {
      button = entry.querySelector(".rec-confirm button[data-candidate]");
    } else if (/^[1-9]$/.test(event.key)) {
      button = entry.querySelector('.rec-confirm button[data-candidate="' + event.key + '"]');
    } else if (event.key === "i") {
      var reason = entry.querySelector(".rec-ignore input[name=reason]");
      if (reason) { event.preventDefault(); reason.focus(); }
      return;
    } else if (event.key === "a") {
      var manual = entry.querySelector(".rec-manual");
      if (manual) { event.preventDefault(); manual.open = true; manual.querySelector("input[type=search]").focus(); }
      return;
    }
    if (button) { event.preventDefault(); button.click(); }
  });

  document.addEventListener("click", function (event) {
    var entry = event.target.closest ? event.target.closest(".rec-entry") : null;
    if (entry && event.target === entry) focusEntry(entry);
  });
})();
