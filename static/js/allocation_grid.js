// 分解表编辑：输入时即时更新各行合计、与年度计划总量的差额，并标出改动的行。
// 只是提示：保存时服务器按同一规则（targets.selectors.allocation_balance）重新校验和计算。
// Amounts are summed as whole cents so that 0.1 + 0.2 never shows a false difference.
(function () {
  "use strict";

  var form = document.querySelector("[data-allocation-grid]");
  if (!form) {
    return;
  }
  var AMOUNT = /^(\d+)(?:\.(\d{0,2}))?$/;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-amount]"));
  var sumOutput = form.querySelector("[data-grid-sum]");
  var differenceOutput = form.querySelector("[data-grid-difference]");
  var reason = form.querySelector("input[name=reason]");
  var reasonNeeded = form.querySelector("[data-reason-needed]");
  var hadValues = form.dataset.hadValues === "true";
  var planTotal = form.dataset.planTotal === "" ? null : toCents(form.dataset.planTotal);
  var format = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

  // Mirrors the server's AmountField: full-width digits, spaces and thousands separators are fine.
  function toCents(text) {
    var cleaned = String(text).normalize("NFKC").replace(/[\s,]/g, "");
    if (cleaned === "") {
      return 0;
    }
    var match = AMOUNT.exec(cleaned);
    if (!match) {
      return null;
    }
    return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
  }

  function show(cents) {
    return format.format(cents / 100);
  }

  function update() {
    var sum = 0;
    var changed = false;
    inputs.forEach(function (input) {
      var cents = toCents(input.value);
      input.classList.toggle("is-invalid", cents === null);
      if (cents !== null) {
        sum += cents;
      }
      var row = input.closest("tr");
      var stored = row.dataset.stored;
      var edited = stored === "" ? input.value.trim() !== "" : cents !== toCents(stored);
      row.classList.toggle("table-warning", edited);
      changed = changed || edited;
    });
    sumOutput.textContent = show(sum);
    if (planTotal !== null) {
      var difference = sum - planTotal;
      var balanced = difference === 0;
      differenceOutput.textContent = show(difference) + (balanced ? "（平衡）" : "（不平衡）");
      differenceOutput.classList.toggle("text-success", balanced);
      differenceOutput.classList.toggle("text-danger", !balanced);
      differenceOutput.classList.toggle("fw-bold", !balanced);
    }
    reasonNeeded.classList.toggle("d-none", !(hadValues && changed && reason.value.trim() === ""));
  }

  form.addEventListener("input", update);
  update();
})();
