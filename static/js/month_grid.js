// 本年累计 is derived: shown again as the user types, and summed on the server when saved.
(function () {
  const grid = document.querySelector(".month-grid");
  if (!grid) return;
  const fmt = (n) => n.toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  function refresh() {
    let amount = 0, ytd = 0;
    grid.querySelectorAll("tbody tr[data-before]").forEach((tr) => {
      const input = tr.querySelector("input[type=number]");
      const value = input ? parseFloat(input.value) || 0 : 0;
      const before = parseFloat(tr.dataset.before) || 0;
      if (input) tr.querySelector(".ytd").textContent = fmt(before + value);
      amount += value; ytd += before + value;
    });
    if (grid.querySelector("input[type=number]")) {
      document.getElementById("total-amount").textContent = fmt(amount);
      document.getElementById("total-ytd").textContent = fmt(ytd);
    }
  }
  grid.addEventListener("input", refresh);
  refresh();  // a page sent back with errors shows what was typed, not what is saved
})();
