/* Fakturaflyt shell behaviour: the collapsible menu on narrow screens, and closing open drop-downs.
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
