/* Vikno public site: small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // The error summary takes the focus so that keyboard and screen-reader users hear it.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  // Filter-as-you-type over the category <select>: case- and apostrophe-insensitive
  // (ʼ U+02BC, ’ ‘ ` ´ and ' are all typed for the Ukrainian apostrophe).
  function fold(text) {
    return text.replace(/[\u02BC\u2019\u2018`\u00B4]/g, "'").toLocaleLowerCase("uk").replace(/\s+/g, " ").trim();
  }

  document.querySelectorAll("[data-category-picker]").forEach(function (picker) {
    var select = picker.querySelector("select");
    var box = picker.querySelector(".category-filter");
    var input = box && box.querySelector("input");
    var status = box && box.querySelector("[role=status]");
    if (!select || !input) return;
    // Keep a pristine copy of the groups; the select is rebuilt from it on each search
    // (hiding <option>s does not work in every mobile browser).
    var original = Array.prototype.map.call(select.children, function (node) { return node.cloneNode(true); });
    box.hidden = false;
    // The person's own choice survives searches that hide it for a while.
    var chosen = select.value;
    select.addEventListener("change", function () { chosen = select.value; });

    input.addEventListener("input", function () {
      var query = fold(input.value);
      var found = 0;
      select.textContent = "";
      original.forEach(function (node) {
        if (node.tagName !== "OPTGROUP") {            // the "— choose —" placeholder
          select.appendChild(node.cloneNode(true));
          return;
        }
        var groupMatches = fold(node.label).indexOf(query) !== -1;
        var group = node.cloneNode(false);
        Array.prototype.forEach.call(node.children, function (option) {
          if (!query || groupMatches || fold(option.textContent).indexOf(query) !== -1) {
            group.appendChild(option.cloneNode(true));
            found += 1;
          }
        });
        if (group.children.length) select.appendChild(group);
      });
      select.value = chosen;
      if (select.value !== chosen) select.value = "";  // hidden by the search: not sent
      if (!status) return;
      if (!query) { status.textContent = ""; return; }
      status.textContent = found === 0 ? status.dataset.none
        : found === 1 ? status.dataset.one
        : status.dataset.many.replace("%(count)s", found);
    });
  });

  // "Copy the link" next to the private tracking link.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    var status = button.closest(".copy-link").querySelector("[role=status]");
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() { if (status) status.textContent = status.dataset.done; }
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
