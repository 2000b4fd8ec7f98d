// 本年累计 is derived: shown again as the user types, and summed on the server when saved.
// 保存草稿 sends only the lines changed since they were last saved (the form's data-rows-url, JSON)
// and puts back only what the server answers for them: each line's version and 本年累计, the
// unit's totals, the return's version, or each line's error, warning or conflict. The page is
// not reloaded, so the scroll position stays and the focus returns to the field last edited.
// Without this script (or to submit) the whole form is posted as before.
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

  const form = grid.closest("form");
  const url = form && form.dataset.rowsUrl;
  const status = document.getElementById("grid-status");
  const saveButton = form && form.querySelector("button[name=action][value=save]");
  if (!url || !window.fetch || !status || !saveButton) return;
  const field = (tr, kind) => tr.querySelector(`[name=${kind}_${tr.dataset.project}]`);
  const typed = (tr) => ["amount", "progress", "problems"].map((kind) => field(tr, kind).value.trim()).join("\u0000");
  const rows = () => Array.from(grid.querySelectorAll("tbody tr[data-project]"));
  // What each line holds on the server as far as this page knows. A page sent back with errors
  // shows what was typed, not what is saved: there every line counts as changed once.
  const saved = new Map();
  if (!form.hasAttribute("data-typed")) rows().forEach((tr) => saved.set(tr, typed(tr)));
  let lastField = null, saving = false;
  grid.addEventListener("focusin", (event) => {
    if (event.target.matches("input, textarea")) lastField = event.target;
  });

  function say(kind, text) {
    status.className = `small align-self-center fw-bold text-${kind}`;
    status.textContent = text;
  }

  function notes(tr) {
    const cell = tr.querySelector("td.grid-amount");
    cell.querySelectorAll(".grid-note, .text-danger, .text-warning-emphasis, label").forEach((n) => n.remove());
    const amount = field(tr, "amount");
    amount.removeAttribute("aria-invalid");
    amount.removeAttribute("aria-describedby");
    return cell;
  }

  function note(cell, css, text, id) {
    const div = document.createElement("div");
    div.className = `${css} small grid-note`;
    div.textContent = text;
    if (id) div.id = id;
    cell.appendChild(div);
  }

  function showIssues(tr, errors, warnings) {
    const cell = notes(tr);
    const amount = field(tr, "amount");
    tr.classList.toggle("table-danger", errors.length > 0);
    if (errors.length) {
      amount.setAttribute("aria-invalid", "true");
      amount.setAttribute("aria-describedby", `${amount.id}_error`);
    }
    errors.forEach((text, i) => note(cell, "text-danger", text, i ? null : `${amount.id}_error`));
    warnings.forEach((text) => note(cell, "text-warning-emphasis", text));
    if (warnings.length) {
      const label = document.createElement("label");
      label.className = "small";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = `confirm_${tr.dataset.project}`;
      box.value = amount.value;
      label.append(box, " 我已核实");
      cell.appendChild(label);
    }
  }

  function body(changed) {
    return JSON.stringify({
      submission_version: form.elements.submission_version.value || null,
      rows: changed.map((tr) => {
        const box = field(tr, "confirm");
        return {
          project: Number(tr.dataset.project),
          amount: field(tr, "amount").value,
          progress: field(tr, "progress").value,
          problems: field(tr, "problems").value,
          version: field(tr, "version").value || null,
          confirm: box && box.checked ? box.value : null,
        };
      }),
    });
  }

  function applied(changed, answer) {
    form.elements.submission_version.value = answer.submission_version;
    changed.forEach((tr) => {
      const line = answer.rows[tr.dataset.project];
      if (!line) return;
      field(tr, "version").value = line.version;
      tr.querySelector(".ytd").textContent = line.ytd;
      tr.classList.remove("table-warning", "table-danger");
      notes(tr);
      saved.set(tr, typed(tr));
    });
    document.getElementById("total-amount").textContent = answer.totals.amount;
    document.getElementById("total-ytd").textContent = answer.totals.ytd;
    say("success", answer.message);
  }

  function refused(changed, answer) {
    const errors = answer.errors || {}, warnings = answer.warnings || {}, conflicts = answer.conflicts || {};
    if (answer.submission_version !== undefined) {
      form.elements.submission_version.value = answer.submission_version === null ? "" : answer.submission_version;
    }
    changed.forEach((tr) => {
      const pid = tr.dataset.project, conflict = conflicts[pid];
      showIssues(tr, errors[pid] || [], warnings[pid] || []);
      if (conflict) {
        // Saving again means saving over what the other person saved: the page says so per line.
        field(tr, "version").value = conflict.version === null ? "" : conflict.version;
        tr.classList.add("table-danger");
        note(tr.querySelector("td.grid-amount"), "text-danger", conflict.message);
      }
    });
    say("danger", answer.message);
  }

  async function save() {
    const changed = rows().filter((tr) => saved.get(tr) !== typed(tr) || (field(tr, "confirm") || {}).checked);
    if (!changed.length) {
      say("secondary", "没有需要保存的修改。");
      return;
    }
    saving = true;
    saveButton.disabled = true;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        },
        body: body(changed),
      });
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      const answer = json ? await response.json() : null;
      if (response.ok && answer) applied(changed, answer);
      else if (answer && answer.message) refused(changed, answer);
      else say("danger", "保存未成功（可能是登录已过期或网络中断），您填写的内容仍在页面上，请稍后重试。");
    } catch (error) {
      say("danger", "保存未成功（网络中断），您填写的内容仍在页面上，请稍后重试。");
    } finally {
      saving = false;
      saveButton.disabled = false;
      if (lastField && document.activeElement !== lastField) lastField.focus({preventScroll: true});
    }
  }

  form.addEventListener("submit", (event) => {
    if (!event.submitter || event.submitter !== saveButton) return;  // 保存并报送 posts the whole form
    event.preventDefault();
    if (!saving) save();
  });
  // Ctrl+S (⌘S) saves the draft from any field without leaving it.
  form.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      if (!saving) save();
    }
  });
})();
