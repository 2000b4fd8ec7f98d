// The entry grid for the keyboard: in the amount column ↑/↓ move to the row above or below and
// Enter to the next row (Shift+Enter back), instead of the number input's ±0.01 step or a submit;
// the mouse wheel never changes an amount either. Saving is left to the form.
(function () {
  "use strict";
  var grid = document.querySelector(".month-grid");
  if (!grid) return;
  function amounts() {
    return Array.prototype.slice.call(grid.querySelectorAll("td.grid-amount input[type=number]"));
  }
  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches("td.grid-amount input[type=number]")) return;
    var step = 0;
    if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) step = 1;
    if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) step = -1;
    if (!step) return;
    event.preventDefault();
    var all = amounts();
    var next = all[all.indexOf(input) + step];
    if (next) {
      next.focus();
      next.select();
    }
  });
  grid.addEventListener("wheel", function (event) {
    if (event.target.matches("td.grid-amount input[type=number]") && document.activeElement === event.target) {
      event.target.blur();
    }
  }, { passive: true });
})();
