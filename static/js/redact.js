// Progressive enhancement for moderators: select text in the original and add it to the
// redaction form. Without JavaScript the moderator types the character positions instead.
(function () {
  "use strict";
  var original = document.getElementById("original-text");
  var spans = document.getElementById("sladd-spans");
  if (!original || !spans) {
    return;
  }

  // Python counts characters (code points); JavaScript strings count UTF-16 units.
  function codePoints(text) {
    return Array.from(text).length;
  }

  // The character offset of (node, offset) from the start of the original text.
  function offsetOf(node, offset) {
    var walker = document.createTreeWalker(original, NodeFilter.SHOW_TEXT);
    var before = "";
    var current = walker.nextNode();
    while (current && current !== node) {
      before += current.data;
      current = walker.nextNode();
    }
    if (!current) {
      // The boundary is an element: count the text of the children before the offset.
      var range = document.createRange();
      range.setStart(original, 0);
      range.setEnd(node, offset);
      return codePoints(range.toString());
    }
    return codePoints(before + current.data.slice(0, offset));
  }

  // A browser drops a newline right after <pre>: count it back in.
  var shift = Number(original.dataset.length) - codePoints(original.textContent);
  shift = shift > 0 ? shift : 0;

  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary ds-button";
  button.setAttribute("data-variant", "secondary");
  button.textContent = original.dataset.redactLabel;
  var status = document.createElement("p");
  status.className = "redact-status";
  status.setAttribute("aria-live", "polite");
  original.insertAdjacentElement("afterend", status);
  original.insertAdjacentElement("afterend", button);

  // Keep the selection when the button is pressed with a pointer.
  button.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  button.addEventListener("click", function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      status.textContent = original.dataset.redactNone;
      return;
    }
    var range = selection.getRangeAt(0);
    if (!original.contains(range.commonAncestorContainer)) {
      status.textContent = original.dataset.redactNone;
      return;
    }
    var start = offsetOf(range.startContainer, range.startOffset) + shift;
    var end = offsetOf(range.endContainer, range.endOffset) + shift;
    var span = start + "-" + end;
    var current = spans.value.trim();
    spans.value = current ? current + ", " + span : span;
    status.textContent = original.dataset.redactAdded + " " + span + ": «" + range.toString() + "»";
    selection.removeAllRanges();
  });
})();
