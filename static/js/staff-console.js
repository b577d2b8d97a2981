/* Vikno staff: keyboard shortcuts of the operator console and the queues.
   Shortcuts use KeyboardEvent.code, so they work the same with the Ukrainian layout. */
(function () {
  "use strict";

  var script = document.currentScript;
  var newCallUrl = script && script.dataset.newCall;

  function focusables(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input:not([type=hidden]), select, textarea, button:not([tabindex='-1'])"),
      function (el) { return !el.disabled && el.offsetParent !== null; }
    );
  }

  function focusNext(el) {
    var list = focusables(el.form || document);
    var i = list.indexOf(el);
    // Skip the rest of a radio group: the next stop is the next field.
    while (i >= 0 && i + 1 < list.length && list[i + 1].type === "radio" && list[i + 1].name === el.name) i += 1;
    if (i >= 0 && i + 1 < list.length) list[i + 1].focus();
  }

  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Ctrl+Enter registers the call from anywhere in the form, the text included.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form && target.form.id === "call-form") {
      event.preventDefault();
      target.form.requestSubmit(target.form.querySelector("button[value=register]"));
      return;
    }
    if (event.key === "Enter" && !event.altKey && !event.ctrlKey && !event.shiftKey) {
      var mode = target.dataset && target.dataset.enter;
      if (!mode && target.type === "radio" && target.name === "category") mode = "next-after-category";
      if (mode === "next") { event.preventDefault(); focusNext(target); return; }
      if (mode === "pick") {
        event.preventDefault();
        var first = document.querySelector("#category-results [name=category]");
        if (first) { first.checked = true; first.dispatchEvent(new Event("change", { bubbles: true })); }
        var address = document.getElementById("id_address");
        if (address) address.focus();
        return;
      }
      if (mode === "next-after-category") {
        event.preventDefault();
        var addr = document.getElementById("id_address");
        if (addr) addr.focus();
        return;
      }
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.code === "KeyN" && newCallUrl) { event.preventDefault(); window.location.assign(newCallUrl); return; }
    if (event.code === "KeyD") {
      var duplicate = document.querySelector("[data-duplicate]");
      if (duplicate) { event.preventDefault(); duplicate.focus(); }
      return;
    }
    if (/^Digit[1-9]$/.test(event.code)) {
      var tab = document.querySelectorAll("[data-queue]")[Number(event.code.slice(5)) - 1];
      if (tab) { event.preventDefault(); window.location.assign(tab.href); }
      return;
    }
    var el = document.querySelector("[data-shortcut='" + event.code + "']");
    if (el) {
      event.preventDefault();
      if (el.tagName === "A") window.location.assign(el.href); else el.focus();
    }
  });

  // "Choose all on this page" in a queue.
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      all.closest("form").querySelectorAll("input[name=appeal]").forEach(function (box) { box.checked = all.checked; });
    });
  });

  // The caller's details found by phone fill the empty fields (one identity: at once).
  function fill(item, force) {
    var values = { id_name: item.dataset.name, id_residence: item.dataset.residence };
    Object.keys(values).forEach(function (id) {
      var field = document.getElementById(id);
      if (field && (force || !field.value)) field.value = values[id] || "";
    });
    var kind = document.getElementById("id_applicant_kind");
    if (kind && item.dataset.kind) kind.value = item.dataset.kind;
    var privileged = document.getElementById("id_is_privileged");
    if (privileged) privileged.checked = item.dataset.privileged === "1";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-use-applicant]");
    if (button) fill(button.closest("[data-applicant]"), true);
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "caller") return;
    var people = event.target.querySelectorAll("[data-applicant]");
    if (people.length === 1) fill(people[0], false);
  });
})();
