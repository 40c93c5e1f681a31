// RosterSync console: uploads a CSV to the API and shows the result dialog. No framework.
"use strict";

(function () {
  const zone = document.getElementById("dropzone");
  if (!zone) return;
  const input = document.getElementById("file");
  const status = document.getElementById("import-status");
  const dialog = document.getElementById("result");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  function text(tag, value, className) {
    const element = document.createElement(tag);
    element.textContent = value;
    if (className) element.className = className;
    return element;
  }

  async function showFailures(run) {
    const holder = document.getElementById("result-failures");
    holder.replaceChildren();
    if (!run.failed || run.dryRun) return;
    const answer = await fetch("/api/runs/" + run.id + "/failures?limit=200");
    if (!answer.ok) return;
    const page = await answer.json();
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    ["Row", "Email Address", "Reasons"].forEach((name) => head.appendChild(text("th", name)));
    const body = table.createTBody();
    page.failures.forEach((failure) => {
      const row = body.insertRow();
      row.appendChild(text("td", String(failure.row)));
      row.appendChild(text("td", failure.cells["Email Address"] || ""));
      row.appendChild(text("td", failure.errors.join("; "), "reason"));
    });
    const wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.appendChild(table);
    holder.appendChild(wrap);
  }

  async function upload(file) {
    if (!file) return;
    const dryRun = document.getElementById("dry-run").checked;
    status.textContent = "Importing " + file.name + "…";
    const query = "?filename=" + encodeURIComponent(file.name) + (dryRun ? "&dry_run=true" : "");
    let answer;
    try {
      answer = await fetch("/api/imports" + query, {
        method: "POST", body: file, headers: { "Content-Type": "text/csv", "X-CSRF-Token": csrf },
      });
    } catch (error) {
      status.textContent = "The upload did not reach the server; check the connection and try again.";
      return;
    }
    const result = await answer.json();
    status.textContent = "";
    const title = document.getElementById("result-title");
    const detail = document.getElementById("result-detail");
    const download = document.getElementById("result-download");
    const runLink = document.getElementById("result-run");
    if (!answer.ok) {
      title.textContent = "The file was not imported";
      detail.textContent = result.error;
      download.hidden = true;
      runLink.hidden = true;
      document.getElementById("result-failures").replaceChildren();
    } else {
      const imported = result.created + result.updated + result.unchanged;
      title.textContent = (dryRun ? "Dry run: " : "") + imported + (imported === 1 ? " user " : " users ") + (dryRun ? "would be imported" : "imported") + ", " + result.failed + " failed";
      detail.textContent = result.created + " created, " + result.updated + " updated, " + result.unchanged + " unchanged." + (dryRun ? " Nothing was written." : "");
      download.hidden = !(result.failed > 0 && !dryRun);
      download.href = "/api/runs/" + result.id + "/failures.csv";
      runLink.hidden = dryRun;
      runLink.href = "/runs/" + result.id;
      await showFailures(result);
    }
    dialog.showModal();
    input.value = "";
  }

  document.getElementById("result-close").addEventListener("click", () => dialog.close());
  input.addEventListener("change", () => upload(input.files[0]));
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
  });
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    upload(event.dataTransfer.files[0]);
  });
})();

// A run's page while the run goes: a live progress bar from the run's events stream; the page
// reloads with the final counts when the run ends.
(function () {
  const live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  const bar = document.getElementById("live-bar");
  const text = document.getElementById("live-text");
  const number = (value) => value.toLocaleString();
  const source = new EventSource("/api/runs/" + live.dataset.run + "/events");
  source.addEventListener("progress", (event) => {
    const run = JSON.parse(event.data);
    if (run.phase === "pulling") {
      bar.removeAttribute("value");
      text.textContent = "Pulling from the source: " + number(run.read) + (run.read === 1 ? " record" : " records") + " so far.";
    } else if (run.phase === "waiting") {
      bar.removeAttribute("value");
      text.textContent = "Waiting for the store: another import or sync is writing.";
    } else if (run.expected) {
      bar.max = run.expected;
      bar.value = Math.min(run.planned, run.expected);
      text.textContent = "Writing: " + number(run.planned) + " of about " + number(run.expected) + " rows planned, " + number(run.written) + " users written.";
    } else {
      bar.removeAttribute("value");
      text.textContent = "Writing: " + number(run.planned) + " rows planned, " + number(run.written) + " users written.";
    }
  });
  source.addEventListener("end", () => {
    source.close();
    window.location.reload();
  });
})();
