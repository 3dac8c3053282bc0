/* The coding queue from the keyboard. Without JavaScript every row is still its own form
   (Enter in a field confirms it) and the "Why?" panels are native popovers.

   On a row:   j / ↓ next row, k / ↑ previous row, Enter confirm, e (or F2) edit the account,
               x (or space) tick for bulk accept, ? open "Why?".
   In a field: Enter confirms the row (the browser's own form submission), Esc back to the row.
   After htmx redraws the table the row that took the confirmed row's place gets the focus. */
(function () {
  "use strict";

  function table() { return document.querySelector("[data-coding-table]"); }
  function rows() { var t = table(); return t ? Array.prototype.slice.call(t.querySelectorAll("tr.coding-row")) : []; }
  function rowOf(el) { return el && el.closest ? el.closest("tr.coding-row") : null; }
  function isField(el) { return el && (el.tagName === "INPUT" && el.type !== "checkbox" || el.tagName === "SELECT" || el.tagName === "TEXTAREA"); }

  function focusRow(row) {
    if (!row) return;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function closeWhy() {
    document.querySelectorAll(".why").forEach(function (p) {
      if (p.matches(":popover-open")) p.hidePopover();
    });
  }

  function move(from, step) {
    closeWhy();
    var all = rows();
    var i = all.indexOf(from);
    var next = all[i < 0 ? 0 : Math.min(all.length - 1, Math.max(0, i + step))];
    focusRow(next);
  }

  function submitRow(row) {
    var form = document.getElementById("lf-" + row.getAttribute("data-line"));
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // The name beside a code ("Datautstyr" under 6551) follows what is typed, from the type-ahead list.
  function showName(input) {
    var cell = input.closest("td");
    var label = cell && cell.querySelector("[data-name]");
    var list = input.list;
    if (!label || !list) return;
    var code = input.value.trim().split(/\s+/)[0];
    var name = "";
    Array.prototype.forEach.call(list.options, function (o) { if (o.value === code) name = o.textContent; });
    label.textContent = name;
    var row = rowOf(input);
    if (!row) return;
    var edited = Array.prototype.some.call(row.querySelectorAll(".code-input"), function (i) {
      return i.value.trim().split(/\s+/)[0] !== i.defaultValue;
    });
    row.classList.toggle("is-edited", edited);
    var button = row.querySelector("[data-confirm]");
    if (button) {
      if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
      button.textContent = edited ? button.getAttribute("data-edited-label") : button.getAttribute("data-label");
    }
  }

  function updateBulk() {
    var checks = document.querySelectorAll("[data-line-check]");
    var ticked = document.querySelectorAll("[data-line-check]:checked").length;
    var all = document.querySelector("[data-check-all]");
    if (all) {
      all.checked = ticked > 0 && ticked === checks.length;
      all.indeterminate = ticked > 0 && ticked < checks.length;
    }
    var count = document.querySelector("[data-bulk-count]");
    if (count) count.textContent = ticked ? "(" + ticked + ")" : "";
    var submit = document.querySelector("[data-bulk-submit]");
    if (submit) submit.setAttribute("aria-disabled", ticked ? "false" : "true");
  }

  // After a redraw: the field at fault if the save failed, else the row now where the confirmed one was.
  function restoreFocus() {
    var results = document.getElementById("coding-results");
    if (!results) return;
    var invalid = results.querySelector('.code-input[aria-invalid="true"]');
    if (invalid) { invalid.focus(); invalid.select(); return; }
    var at = results.getAttribute("data-focus-row");
    if (at === null) return;
    var all = rows();
    if (all.length) focusRow(all[Math.min(all.length - 1, parseInt(at, 10) || 0)]);
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var row = rowOf(target);
    if (!row) {
      // From anywhere else on the page, j / k start at the first row.
      if ((event.key === "j" || event.key === "k") && !isField(target) && !document.querySelector(".why:popover-open") && rows().length) {
        event.preventDefault();
        focusRow(rows()[0]);
      }
      return;
    }
    if (isField(target)) {
      if (event.key === "Escape") { event.preventDefault(); focusRow(row); }
      return;
    }
    if (target !== row && target.tagName !== "INPUT") return; // buttons and links keep their own keys
    switch (event.key) {
      case "j": case "ArrowDown": event.preventDefault(); move(row, 1); break;
      case "k": case "ArrowUp": event.preventDefault(); move(row, -1); break;
      case "Enter":
        if (target === row) { event.preventDefault(); submitRow(row); }
        break;
      case "e": case "F2":
        event.preventDefault();
        var input = row.querySelector(".code-input");
        if (input) { input.focus(); input.select(); }
        break;
      case "x": case " ":
        if (target === row) {
          event.preventDefault();
          var check = row.querySelector("[data-line-check]");
          if (check) { check.checked = !check.checked; updateBulk(); }
        }
        break;
      case "?":
        event.preventDefault();
        var why = row.querySelector("[data-why]");
        if (why) why.click();
        break;
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("code-input")) showName(event.target);
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-check-all]")) {
      document.querySelectorAll("[data-line-check]").forEach(function (c) { c.checked = el.checked; });
      updateBulk();
    } else if (el.matches && el.matches("[data-line-check]")) {
      updateBulk();
    }
  });

  // Bulk accept with nothing ticked: say so instead of posting.
  document.addEventListener("submit", function (event) {
    if (event.target.id === "bulk-form" && !document.querySelector("[data-line-check]:checked")) {
      event.preventDefault();
      event.stopPropagation(); // before htmx sees it
      announce(event.target.getAttribute("data-empty") || "");
    }
  }, true);

  // A row whose confirmation is on its way is dimmed, so a second Enter is not mistaken for a new one.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (!form.id || form.id.indexOf("lf-") !== 0) return;
    var row = document.getElementById("line-" + form.id.slice(3));
    if (row) row.classList.add("is-saving");
  });

  // What just happened, in the visible notice and in the page's live region (which is not redrawn, so
  // screen readers announce it).
  function announce(text) {
    var notice = document.querySelector("[data-notice]");
    if (notice) notice.textContent = text;
    var live = document.getElementById("coding-live");
    if (live) live.textContent = text;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "coding-results") {
      var notice = document.querySelector("[data-notice]");
      announce(notice ? notice.textContent : "");
      updateBulk();
      restoreFocus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    updateBulk();
    var results = document.getElementById("coding-results");
    if (!results) return;
    if (results.querySelector('.code-input[aria-invalid="true"]')) { restoreFocus(); return; }
    // The first row is ready for the keyboard, unless the page was opened to search.
    var search = document.getElementById("id_q");
    if (rows().length && !(search && search.value) && !location.hash) focusRow(rows()[0]);
  });
})();
