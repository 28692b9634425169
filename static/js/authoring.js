// Question editor: refresh the student preview while the instructor types.
// Without this script the "Preview" button does the same with a full page load.
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form || !window.fetch || !window.FormData) return;
  var timer = null;
  var pending = null;

  function refresh() {
    var data = new FormData(form);
    data.set("action", "preview");
    if (pending) pending.abort();
    pending = new AbortController();
    // Not form.action: the buttons named "action" shadow that property.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: { "X-Preview": "1" },
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        var current = document.getElementById("preview");
        if (html === null || !current) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#preview");
        if (!fresh) return;
        // Keep "after answering" open if the author opened it.
        var open = current.querySelector("details[open]");
        if (open) {
          var again = fresh.querySelector("details." + open.className.split(" ")[0]);
          if (again) again.open = true;
        }
        current.replaceWith(fresh);
      })
      .catch(function () {
        /* The Preview button still works; a failed live refresh just leaves the old one. */
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
