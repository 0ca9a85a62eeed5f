// EngineX Edge dashboard: the little the pages need beyond htmx. No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Copy buttons: <button data-copy="element-id">Copy</button>
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.innerText;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
      done();
    }
  });
  // Forms marked data-autosubmit submit when a select changes (the filter still has its button).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") form.requestSubmit();
  });
})();
// Forms marked data-confirm ask before they submit (revoking, for example).
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
}, true);
// The fleet page's live rows: <div data-fleet-live="/ui/fleet/live?…"> gets event "row" with one row's
// HTML and swaps only the cells that differ, in place, so focus, selection and scroll stay where they
// were; "summary" replaces the counts above the table; "stale" says the page now holds other agents
// (a link offers the new list rather than moving rows under the reader). State changes are announced
// in the polite live region, at most one message every few seconds (several changes are summed up).
(function () {
  "use strict";
  var live = document.querySelector("[data-fleet-live]");
  if (!live || !window.EventSource) return;
  var announcer = document.getElementById("fleet-announce");
  var pending = [];
  var lastSaid = 0;
  var timer = null;
  var ANNOUNCE_EVERY = 3000;
  var words = { online: "came online", busy: "is busy", unresponsive: "is unresponsive", offline: "went offline" };
  function flush() {
    timer = null;
    if (!pending.length || !announcer) return;
    announcer.textContent = pending.length <= 3 ? pending.join(". ") + "." : pending.length + " agents changed state.";
    pending = [];
    lastSaid = Date.now();
  }
  function announce(text) {
    pending.push(text);
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, lastSaid + ANNOUNCE_EVERY - Date.now()));
  }
  function parseRow(html) {
    var t = document.createElement("template");
    t.innerHTML = "<table><tbody>" + html + "</tbody></table>";
    return t.content.querySelector("tr[data-agent]");
  }
  function applyRow(fresh) {
    var id = fresh.getAttribute("data-agent");
    var row = live.querySelector("tr[data-agent=\"" + CSS.escape(id) + "\"]");
    if (!row) return;
    var before = row.getAttribute("data-state");
    var after = fresh.getAttribute("data-state");
    Array.prototype.forEach.call(fresh.attributes, function (a) {
      if (row.getAttribute(a.name) !== a.value) row.setAttribute(a.name, a.value);
    });
    var cells = row.children;
    var freshCells = fresh.children;
    for (var i = 0; i < freshCells.length && i < cells.length; i++) {
      if (cells[i].innerHTML !== freshCells[i].innerHTML && !cells[i].contains(document.activeElement)) {
        cells[i].innerHTML = freshCells[i].innerHTML;
      }
    }
    if (before !== after && words[after]) announce((fresh.getAttribute("data-host") || id) + " " + words[after]);
  }
  var source = new EventSource(live.getAttribute("data-fleet-live"));
  source.addEventListener("row", function (e) {
    var fresh = parseRow(e.data);
    if (fresh) applyRow(fresh);
  });
  source.addEventListener("summary", function (e) {
    var summary = document.getElementById("fleet-summary");
    if (summary) summary.innerHTML = e.data;
  });
  source.addEventListener("stale", function () {
    var stale = document.getElementById("fleet-stale");
    if (stale) stale.hidden = false;
  });
  source.addEventListener("ready", function () { live.setAttribute("data-live-ready", "true"); });
  source.addEventListener("closed", function () { source.close(); });
})();
