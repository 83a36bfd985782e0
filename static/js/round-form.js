/*
 * The new-round form's agency picker. The ticked agencies are kept here, in one set, and
 * written to the form's single "agencies" field ("12,15,40"): a filter or a search swaps
 * the list of boxes (htmx), but never what was ticked under another filter.
 */
(function () {
  "use strict";
  var form = document.getElementById("round-form");
  if (!form) {
    return;
  }
  var field = form.querySelector("input[name=agencies]");
  var count = document.getElementById("agency-count");
  var create = document.getElementById("create-round");
  var confirmText = create.dataset.confirm;
  var ticked = new Set(field.value.split(",").filter(Boolean));

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("#agency-choices .agency-choice"));
  }

  function show() {
    field.value = Array.from(ticked).join(",");
    count.textContent = count.dataset.template.replace("%(count)s", ticked.size);
    create.dataset.confirm = confirmText.replace("%(count)s", ticked.size);
    var shown = boxes();
    var all = document.getElementById("select-all");
    if (all) {
      var on = shown.filter(function (box) { return box.checked; }).length;
      all.checked = shown.length > 0 && on === shown.length;
      all.indeterminate = on > 0 && on < shown.length;
    }
  }

  function apply() {
    // A fresh list from the server: tick what was chosen before, under any filter.
    boxes().forEach(function (box) {
      box.checked = ticked.has(box.value);
    });
    show();
  }

  document.getElementById("agency-choices").addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "select-all") {
      boxes().forEach(function (box) {
        box.checked = target.checked;
        if (target.checked) {
          ticked.add(box.value);
        } else {
          ticked.delete(box.value);
        }
      });
    } else if (target.classList.contains("agency-choice")) {
      if (target.checked) {
        ticked.add(target.value);
      } else {
        ticked.delete(target.value);
      }
    }
    show();
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "agency-choices") {
      apply();
    }
  });
  // Enter in the search box filters; it must not submit the round.
  document.getElementById("agency-search").addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });
  apply();
})();
