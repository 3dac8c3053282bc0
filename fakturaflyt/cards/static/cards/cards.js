/* The card inbox: keyboard (j/k move, o opens the split, Enter accepts the charge in focus, as on the
   reconciliation screen), a click on a row opens it, a changed coding marks its Save button, the
   confirm question of "Accept all", and notices read out after an htmx swap. No framework; htmx
   is loaded by the base template, and every form also works without JavaScript. */
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-charge-row]"));
  }
  function currentRow() {
    var el = document.activeElement;
    return el && el.closest ? el.closest("tbody.charge") : null;
  }
  function focusRow(row) {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = rows();
    var body = currentRow();
    var at = body ? list.indexOf(body.querySelector("tr[data-charge-row]")) : -1;
    focusRow(at < 0 ? list[0] : list[Math.min(Math.max(at + step, 0), list.length - 1)]);
  }
  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  }

  // After Enter accepted a charge, the next charge gets the focus once its rows are swapped in.
  var nextAfterSwap = null;

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("cards-table")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    // Space on the disclosure link opens it, as on a button.
    if (event.key === " " && target.matches && target.matches("a[role=button]")) {
      event.preventDefault();
      target.click();
      return;
    }
    if (typing(target)) return;
    if (event.key === "j" || (event.key === "ArrowDown" && target.matches && target.matches("tr[data-charge-row]"))) {
      event.preventDefault(); move(1); return;
    }
    if (event.key === "k" || (event.key === "ArrowUp" && target.matches && target.matches("tr[data-charge-row]"))) {
      event.preventDefault(); move(-1); return;
    }
    if (!target.matches || !target.matches("tr[data-charge-row]")) return;  // keys inside the row act as usual
    var body = target.closest("tbody.charge");
    if (event.key === "o" || event.key === " ") {
      event.preventDefault();
      body.querySelector("[data-toggle]").click();
    } else if (event.key === "Enter") {
      var accept = body.querySelector("[data-accept]");
      if (!accept) return;
      event.preventDefault();
      var list = rows();
      var next = list[list.indexOf(target) + 1];
      nextAfterSwap = next ? next.id : null;
      accept.click();
    }
  });

  // A click on a row (not on a link, button or field in it) opens or closes its split.
  document.addEventListener("click", function (event) {
    var row = event.target.closest ? event.target.closest("tr[data-charge-row]") : null;
    if (!row || event.target.closest("a, button, input, select, label, form")) return;
    var toggle = row.querySelector("[data-toggle]");
    if (toggle) toggle.click();
  });

  // A coding select changed from what is saved: its line's Save button stands out.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-initial]")) return;
    var form = select.form;
    if (!form) return;
    var edited = Array.prototype.some.call(form.querySelectorAll("select[data-initial]"), function (s) {
      return s.value !== s.getAttribute("data-initial");
    });
    form.classList.toggle("is-edited", edited);
  });

  // "Accept all shown that are ready" asks first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !document.getElementById("cards-live")) return;
    var swapped = target.id ? document.getElementById(target.id) : null;
    var notice = swapped ? swapped.querySelector("[data-notice]") : null;
    if (notice) document.getElementById("cards-live").textContent = notice.textContent.trim();
    if (nextAfterSwap) {
      var next = document.getElementById(nextAfterSwap);
      nextAfterSwap = null;
      focusRow(next);
    }
  });
})();
