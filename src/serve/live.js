// parvis serve: reload when the site is rebuilt, restyle without reloading when only CSS
// changed, keep the scroll position, and show build errors over the page.
(function () {
  "use strict";
  var key = "parvis-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }
  function overlay(diagnostics) {
    var old = document.getElementById("parvis-overlay");
    if (old) old.remove();
    if (!diagnostics) return;
    var box = document.createElement("div");
    box.id = "parvis-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(17,24,39,.96);color:#f9fafb;font:14px/1.5 ui-monospace,monospace;padding:2rem";
    var title = document.createElement("h2");
    title.textContent = "Build failed: " + diagnostics.errors + " error" + (diagnostics.errors === 1 ? "" : "s");
    title.style.cssText = "font:600 1.3rem system-ui,sans-serif;margin:0 0 1rem;color:#fca5a5";
    box.appendChild(title);
    diagnostics.diagnostics.forEach(function (d) {
      var pre = document.createElement("pre");
      pre.className = "parvis-diagnostic";
      var where = d.file + (d.line ? ":" + d.line + (d.column ? ":" + d.column : "") : "");
      pre.textContent = d.severity + ": " + d.message + "\n  --> " + where + (d.source_line ? "\n  | " + d.source_line : "") + (d.hint ? "\n  = help: " + d.hint : "");
      pre.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;padding:1rem;background:#1f2937;border-radius:8px";
      box.appendChild(pre);
    });
    document.body.appendChild(box);
  }
  var source = new EventSource("/__parvis/events");
  source.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  source.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("parvis", String(Date.now()));
      link.href = url.href;
    });
    overlay(null);
  });
  source.addEventListener("error-report", function (e) { overlay(JSON.parse(e.data)); });
  source.addEventListener("hello", function (e) {
    var state = JSON.parse(e.data);
    overlay(state.errors ? state : null);
  });
})();
