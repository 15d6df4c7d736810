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
