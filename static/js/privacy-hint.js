// Live personal-data hint while typing an innspill. Progressive enhancement: the server checks the
// text again at submission, and the form works the same without this file.
(function () {
  "use strict";
  var hint = document.getElementById("privacy-hint");
  if (!hint || !window.fetch) {
    return;
  }
  var textarea = document.getElementById(hint.getAttribute("data-for"));
  var form = textarea && textarea.form;
  var tokenField = form && form.querySelector("input[name='csrf_token']");
  if (!textarea || !tokenField) {
    return;
  }
  var timer = null;
  var lastText = null;

  function show(findings) {
    hint.textContent = "";
    hint.className = findings.length ? "privacy-hint alert alert-warning" : "privacy-hint";
    if (!findings.length) {
      return;
    }
    var intro = document.createElement("p");
    intro.textContent = hint.getAttribute("data-intro") || "";
    hint.appendChild(intro);
    var list = document.createElement("ul");
    findings.forEach(function (finding) {
      var item = document.createElement("li");
      var mark = document.createElement("mark");
      mark.textContent = finding.text;
      item.appendChild(mark);
      item.appendChild(document.createTextNode(" – " + finding.label));
      list.appendChild(item);
    });
    hint.appendChild(list);
  }

  function check() {
    var text = textarea.value;
    if (text === lastText) {
      return;
    }
    lastText = text;
    if (!text.trim()) {
      show([]);
      return;
    }
    fetch(hint.getAttribute("data-check-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": tokenField.value },
      body: JSON.stringify({ text: text })
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && textarea.value === text) { show(data.findings); } })
      .catch(function () { /* the server checks again when the form is sent */ });
  }

  textarea.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 700);
  });
})();
