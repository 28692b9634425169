/* Quiz pages: autosave, countdown, ordering by drag or buttons (diagrams: hotspot.js).
   Everything here only enhances forms that already work without it; the server enforces
   deadlines and decides what is saved. */
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  var status = document.getElementById("save-status");
  var alertBox = document.getElementById("js-alert");

  function say(text) { if (status) status.textContent = text; }
  function warn(text) {
    if (!alertBox) return;
    alertBox.textContent = text;
    alertBox.hidden = !text;
  }
  function clock() {
    return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  /* --- autosave ------------------------------------------------------------------------- */
  var url = form && form.getAttribute("data-autosave-url");
  var timer = null, inFlight = null, again = false, stopped = false;

  function field(name) { return form.querySelector('input[name="' + name + '"]'); }

  function save() {
    timer = null;
    if (stopped) return Promise.resolve();
    if (inFlight) { again = true; return inFlight; }
    var data = new FormData(form);
    data.delete("go");
    say("Saving…");
    inFlight = fetch(url, { method: "POST", body: data, credentials: "same-origin",
                            headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (reply) {
        if (reply.status === "saved") {
          field("revision").value = reply.revision;
          warn("");
          say("Saved " + clock());
          var current = form.querySelector('.nav-q[aria-current="step"]');
          if (current) current.classList.toggle("is-answered", !!reply.answered);
        } else if (reply.status === "invalid") {
          warn(reply.message);
          say("Not saved");
        } else {
          // stale, closed, time_up, locked: the page is out of date; saving more would be lost.
          stopped = true;
          warn(reply.message);
          say("Autosave stopped");
        }
      })
      .catch(function () { say("Not saved yet: your answer is saved when you move on."); })
      .then(function () {
        inFlight = null;
        if (again) { again = false; return save(); }
      });
    return inFlight;
  }

  function soon(delay) {
    if (!url || stopped) return;
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  if (form && url) {
    form.addEventListener("change", function () { soon(300); });
    form.addEventListener("input", function (e) {
      if (e.target.type === "text") soon(1500);
    });
    form.addEventListener("submit", function (e) {
      // A save still on its way would change the revision after this form was filled in.
      if (!(timer || inFlight) || stopped || form.dataset.flushed) return;
      e.preventDefault();
      var submitter = e.submitter;
      clearTimeout(timer);
      save().then(function () {
        form.dataset.flushed = "1";
        if (submitter && form.requestSubmit) form.requestSubmit(submitter);
        else form.submit();
      });
    });
  }

  /* --- countdown ------------------------------------------------------------------------ */
  var countdown = document.querySelector(".timer[data-seconds-left]");
  if (countdown) {
    var left = countdown.querySelector(".timer-left");
    var end = Date.now() + 1000 * parseInt(countdown.getAttribute("data-seconds-left"), 10);
    var told = {};
    var tick = function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(s / 60);
      left.textContent = s >= 600 ? Math.ceil(s / 60) + " min"
        : (m ? m + " min " : "") + (s % 60) + " s";
      [5, 1].forEach(function (mark) {
        if (m < mark && s > 0 && !told[mark]) {
          told[mark] = true;
          say(mark === 1 ? "Less than a minute left." : "Less than 5 minutes left.");
        }
      });
      if (s > 0) return;
      clearInterval(interval);
      countdown.classList.add("is-up");
      left.textContent = "time is up";
      // Save this answer and submit; the server accepts it only within its short grace period.
      var target = form || document.getElementById("finish-form");
      if (!target) return;
      if (form) {
        var go = document.createElement("input");
        go.type = "hidden"; go.name = "go"; go.value = "submit";
        form.appendChild(go);
      }
      Promise.resolve(inFlight).then(function () { target.submit(); });
    };
    var interval = setInterval(tick, 1000);
    tick();
  }

  if (!form) return;

  /* --- ordering: drag and drop, Move up / Move down, rank selects kept in step ---------- */
  Array.prototype.forEach.call(form.querySelectorAll("[data-ordering]"), function (list) {
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    list.parentNode.appendChild(live);
    var hint = document.getElementById("ordering-hint");
    if (hint) hint.textContent += " You can also drag items, or use Move up and Move down.";
    var dragged = null;

    function items() { return Array.prototype.slice.call(list.children); }
    function renumber(moved) {
      items().forEach(function (li, i) { li.querySelector("select").value = String(i + 1); });
      if (moved) {
        live.textContent = moved.querySelector(".order-text").textContent.trim() +
          ": position " + (items().indexOf(moved) + 1) + " of " + items().length;
        form.dispatchEvent(new Event("change"));
      }
    }
    function moveTo(li, index) {
      var rest = items().filter(function (x) { return x !== li; });
      list.insertBefore(li, rest[index] || null);
      renumber(li);
    }

    items().forEach(function (li) {
      var text = li.querySelector(".order-text").textContent.trim();
      var tools = document.createElement("span");
      tools.className = "order-tools";
      [["up", "Move up", -1], ["down", "Move down", 1]].forEach(function (spec) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "order-move order-" + spec[0];
        b.innerHTML = '<span aria-hidden="true">' + (spec[2] < 0 ? "↑" : "↓") + "</span> " +
          spec[1] + '<span class="visually-hidden">: </span>';
        b.lastChild.textContent += text;
        b.addEventListener("click", function () {
          var i = items().indexOf(li) + spec[2];
          if (i < 0 || i >= items().length) {
            live.textContent = text + (i < 0 ? " is already first." : " is already last.");
            return;
          }
          moveTo(li, i);
          b.focus();
        });
        tools.appendChild(b);
      });
      li.appendChild(tools);
      li.draggable = true;
      li.addEventListener("dragstart", function (e) {
        dragged = li;
        li.classList.add("is-dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", text);
      });
      li.addEventListener("dragend", function () { li.classList.remove("is-dragging"); dragged = null; });
      li.addEventListener("dragover", function (e) { if (dragged) e.preventDefault(); });
      li.addEventListener("drop", function (e) {
        e.preventDefault();
        if (!dragged || dragged === li) return;
        var box = li.getBoundingClientRect();
        var after = e.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? li.nextSibling : li);
        renumber(dragged);
      });
      li.querySelector("select").addEventListener("change", function (e) {
        e.stopPropagation();  // moveTo announces the change once the list is in step
        moveTo(li, parseInt(this.value, 10) - 1);
      });
    });
  });
})();
