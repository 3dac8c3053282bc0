/* Fakturaflyt shell behaviour: the collapsible menu on narrow screens, closing open drop-downs, and
   on a supplier document's page the boxes showing where each field was read.
   Everything works without JavaScript too (the menu is then always shown). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("is-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // A click outside an open <details> menu (user menu, company switcher) closes it.
    document.addEventListener("click", function (event) {
      document.querySelectorAll(".topbar details[open]").forEach(function (details) {
        if (!details.contains(event.target)) details.removeAttribute("open");
      });
    });
    // A supplier document's page: pointing at a field read from it lights up where it was found on the page.
    function light(event, on) {
      var row = event.target.closest && event.target.closest(".field-row[data-field]");
      if (!row) return;
      document.querySelectorAll('.hl[data-field="' + row.getAttribute("data-field") + '"]').forEach(function (box) {
        box.classList.toggle("is-active", on);
        if (on && event.type === "focusin" && box.scrollIntoView) box.scrollIntoView({ block: "nearest", behavior: "smooth" });
      });
    }
    document.addEventListener("mouseover", function (event) { light(event, true); });
    document.addEventListener("mouseout", function (event) { light(event, false); });
    document.addEventListener("focusin", function (event) { light(event, true); });
    document.addEventListener("focusout", function (event) { light(event, false); });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll(".topbar details[open]").forEach(function (details) {
        details.removeAttribute("open");
        var summary = details.querySelector("summary");
        if (summary) summary.focus();
      });
    });
  });
})();
