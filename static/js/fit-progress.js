// Fit progress page: ask the server for the fit's status every 2 s and move the bar. When the
// fit finishes, reload so the page shows the outcome as the server renders it. Without
// JavaScript the page has a Refresh link instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-fit-status-url]");
  if (!box || !box.hasAttribute("data-fit-active") || !window.fetch) return;
  var url = box.getAttribute("data-fit-status-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-fit-percent]");
  var tag = box.querySelector("[data-fit-status] .tag");
  var refresh = box.querySelector("[data-fit-refresh]");
  if (refresh) refresh.parentNode.hidden = true;
  var failures = 0;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        // The percentage sits outside the live region: announcing it every 2 s would be noise;
        // the <progress> element already tells assistive technology its value.
        if (percent) percent.textContent = data.progress + "%";
        // Queued → Running: a change worth announcing, once.
        if (tag && tag.textContent !== data.status_label) tag.textContent = data.status_label;
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        // A blip in the network: keep trying a while, then fall back to the Refresh link.
        failures += 1;
        if (failures < 5) {
          window.setTimeout(poll, 2000);
        } else if (refresh) {
          refresh.parentNode.hidden = false;
        }
      });
  }
  window.setTimeout(poll, 2000);
})();
