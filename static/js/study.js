// Keyboard shortcuts for the study page. The page works without this file: every action is a
// link, a GET form or a POST form; this only presses those same buttons from the keyboard.
(function () {
  "use strict";

  var reveal = document.querySelector("[data-study-reveal]");
  var ratings = document.querySelector("[data-study-ratings]");
  var next = document.querySelector("[data-study-next]");

  document.querySelectorAll("[data-study-keys]").forEach(function (hint) {
    hint.hidden = false;
  });

  // After revealing, start at the answer so a screen reader reads it before the buttons.
  var back = document.getElementById("card-back");
  if (back) back.focus({ preventScroll: true });

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || target.isContentEditable;
  }

  var sent = false;
  function press(button) {
    // One submission per page: a held-down key must not send the review twice.
    if (sent) return;
    sent = true;
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (typing(event.target)) return;
    if (reveal && (event.key === " " || event.code === "Space")) {
      // A focused button already answers Space by itself.
      if (event.target === reveal) return;
      event.preventDefault();
      press(reveal);
      return;
    }
    if (ratings && /^[1-4]$/.test(event.key)) {
      var button = ratings.querySelector('button[data-key="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        press(button);
      }
      return;
    }
    if (next && event.key === "Enter" && event.target === document.body) {
      event.preventDefault();
      press(next);
    }
  });
})();
