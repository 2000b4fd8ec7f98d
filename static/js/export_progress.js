// Polls a background export's status and moves the progress bar until the file is ready or failed.
(function () {
  "use strict";
  const card = document.querySelector("[data-export-status-url]");
  if (!card) {
    return;
  }
  const url = card.dataset.exportStatusUrl;
  const bar = card.querySelector(".progress-bar");
  const progress = card.querySelector(".progress");
  const download = card.querySelector("[data-export-download]");
  const failed = card.querySelector("[data-export-failed]");
  const POLL_MS = 1000;

  function show(state) {
    card.querySelector('[data-export-field="status_display"]').textContent = state.status_display;
    card.querySelector('[data-export-field="total_rows"]').textContent =
      state.total_rows === null ? "—" : state.total_rows;
    bar.style.width = state.progress + "%";
    bar.textContent = state.progress + "%";
    progress.setAttribute("aria-valuenow", state.progress);
    if (state.finished) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    }
    if (state.download_url) {
      download.href = state.download_url;
      download.classList.remove("d-none");
    }
    if (state.status === "failed") {
      failed.querySelector("[data-export-error]").textContent = state.error;
      failed.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.redirected) {
          // The session has ended (polling does not keep it alive): show the login page.
          window.location.reload();
          throw new Error("session ended");
        }
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        // A lost connection or an expired session: try again a little later rather than give up.
        window.setTimeout(poll, POLL_MS * 5);
      });
  }

  if (card.dataset.exportFinished !== "true") {
    poll();
  }
})();
