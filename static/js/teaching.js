// Class page: "Copy" buttons for the join link and code. Without JavaScript (or without a
// clipboard) the buttons stay hidden and the link sits in a read-only box to select by hand.
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");

  function say(text) {
    if (status) status.textContent = text;
  }

  function textOf(target) {
    return "value" in target && target.tagName === "INPUT" ? target.value : target.textContent.trim();
  }

  function copy(target, label) {
    var text = textOf(target);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(label + " copied: " + text); },
        function () { fallback(target, label); }
      );
    } else {
      fallback(target, label);
    }
  }

  function fallback(target, label) {
    // Plain http on a school's intranet has no clipboard API: select the text for Ctrl+C.
    if (target.tagName === "INPUT") {
      target.focus();
      target.select();
      say("Press Ctrl+C (or ⌘C) to copy the selected " + label.toLowerCase() + ".");
    } else {
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      say("The " + label.toLowerCase() + " is selected: press Ctrl+C (or ⌘C) to copy it.");
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    var label = button.textContent.replace(/^Copy\s+/i, "");
    label = label.charAt(0).toUpperCase() + label.slice(1);
    button.hidden = false;
    button.addEventListener("click", function () { copy(target, label); });
  });

  // A click in the read-only link selects all of it, ready to copy.
  document.querySelectorAll("input[readonly]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
