/* The search box in the top bar: "/" focuses it, the arrow keys move through the dropdown, Enter opens
   the chosen hit, Escape closes the dropdown. The dropdown itself is fetched by htmx (hx-get on the
   input). Progressive enhancement: without JavaScript the box is a plain form that submits to the
   full results page, and Enter without a chosen hit does the same. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }
  ready(function () {
    var box = document.querySelector("[data-search-box]");
    if (!box) return;
    var input = box.querySelector(".search-input");
    var dropdown = box.querySelector(".search-dropdown");
    var active = -1;

    function options() {
      return Array.prototype.slice.call(dropdown.querySelectorAll('[role="option"]'));
    }
    function select(index) {
      var opts = options();
      active = index;
      opts.forEach(function (option, i) {
        var on = i === index;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("is-active", on);
      });
      if (index >= 0 && opts[index]) {
        input.setAttribute("aria-activedescendant", opts[index].id);
        if (opts[index].scrollIntoView) opts[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function show(on) {
      var has = options().length > 0;
      dropdown.hidden = !(on && has);
      input.setAttribute("aria-expanded", on && has ? "true" : "false");
      if (!on) select(-1);
    }

    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
    input.addEventListener("keydown", function (event) {
      var opts = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!opts.length) return;
        event.preventDefault();
        show(true);
        var n = opts.length;
        if (event.key === "ArrowDown") select(active + 1 >= n ? 0 : active + 1);
        else select(active <= 0 ? n - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (active >= 0 && opts[active] && !dropdown.hidden) {
          event.preventDefault();
          window.location.assign(opts[active].href);
        }
      } else if (event.key === "Escape") {
        if (!dropdown.hidden && opts.length) {
          event.preventDefault();
          show(false);
        }
      }
    });
    input.addEventListener("input", function () {
      if (!input.value.trim()) {
        dropdown.innerHTML = "";
        show(false);
      }
    });
    input.addEventListener("focus", function () { show(true); });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target !== dropdown) return;
      active = -1;
      show(document.activeElement === input);
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) show(false);
    });
  });
})();
