/* Clickable diagrams for hotspot questions, on the quiz and study pages. The region list beside
   the diagram is the real answer field and works without this file; a click on a region only
   chooses that region in the list (and tells the list it changed, so autosave sees it). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-hotspot]"), function (figure) {
    var scope = figure.closest("fieldset") || figure.closest("form") || document;
    var select = scope.querySelector('select[name="region"]');
    if (!select) return;
    function mark() {
      Array.prototype.forEach.call(figure.querySelectorAll("[data-region]"), function (el) {
        el.classList.toggle("is-chosen", el.getAttribute("data-region") === select.value);
      });
    }
    figure.classList.add("is-clickable");
    figure.addEventListener("click", function (e) {
      var region = e.target.closest && e.target.closest("[data-region]");
      if (!region) return;
      select.value = region.getAttribute("data-region");
      mark();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    select.addEventListener("change", mark);
    mark();
  });
})();
