// Signup: "전체 동의" ticks every consent on the page; each consent is still its own field.
(function () {
  "use strict";
  var all = document.getElementById("consent-all");
  if (!all) { return; }
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-consent]"));
  function sync() { all.checked = boxes.length > 0 && boxes.every(function (b) { return b.checked; }); }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  boxes.forEach(function (b) { b.addEventListener("change", sync); });
  sync();
}());

// Signup: 아이디 중복확인. A "중복확인" button, and a check when the ID field is left;
// the answer (available / taken, or the format rule) is read out from a status line.
// Without this script nothing is lost: signup checks the ID again on submit.
(function () {
  "use strict";
  var status = document.getElementById("login_id-check");
  var input = document.getElementById("login_id");
  if (!status || !input || !window.fetch) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary id-check-button";
  button.textContent = status.getAttribute("data-button");
  input.insertAdjacentElement("afterend", button);
  var asked = "";

  function show(text, state) {
    status.textContent = text;
    status.className = "id-check id-check-" + state;
  }

  function check() {
    var value = input.value.trim();
    if (!value || value === asked) { return; }
    asked = value;
    fetch(status.getAttribute("data-url") + "?login_id=" + encodeURIComponent(value),
          {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (input.value.trim() !== value) { return; }  // typed on since: that answer is stale
        if (data.result === "available" || data.result === "taken") {
          show(status.getAttribute("data-" + data.result), data.result);
        } else {
          show(data.message || status.getAttribute("data-failed"), "invalid");
          if (data.result === "limited") { asked = ""; }
        }
      })
      .catch(function () { asked = ""; show(status.getAttribute("data-failed"), "invalid"); });
  }

  button.addEventListener("click", check);  // leaving the field for the button already asked: once is enough
  input.addEventListener("change", check);
  input.addEventListener("input", function () { if (status.textContent) { show("", "idle"); asked = ""; } });
}());
