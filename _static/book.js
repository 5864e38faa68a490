// Small fixes for readers of the site, each checked by tests/test_site.py.
(function () {
  // A toggle button's accessible name says what it opens, not "Toggle hidden content".
  function nameToggles() {
    document.querySelectorAll(".toggle-button").forEach(function (button) {
      var box = button.closest(".admonition");
      var title = box && box.querySelector(".admonition-title");
      var text = title ? title.textContent.trim() : "hidden content";
      button.setAttribute("aria-label", "Show or hide: " + text);
    });
  }
  // Whatever scrolls sideways (a wide equation on a phone) can be reached and
  // scrolled by keyboard; nothing else takes a tab stop.
  function focusScrollers() {
    document.querySelectorAll("div.math > mjx-container, .table-wrapper, .cell_output pre")
      .forEach(function (el) {
        if (el.scrollWidth > el.clientWidth + 1) {
          el.setAttribute("tabindex", "0");
        } else if (el.getAttribute("tabindex") === "0") {
          el.removeAttribute("tabindex");
        }
      });
  }
  function whenTypeset(f) {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(f);
    } else {
      f();
    }
  }
  window.addEventListener("load", function () {
    nameToggles();
    whenTypeset(focusScrollers);
  });
  window.addEventListener("resize", function () { whenTypeset(focusScrollers); });
})();
