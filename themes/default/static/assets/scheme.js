// Scripts run: the `js` class before the first paint, so that the header is drawn once, as
// the deferred parvis.js leaves it (its menu button and colour switch), with no layout shift.
document.documentElement.classList.add("js");
// The colour scheme the visitor pinned with the header's switch (parvis.js), applied before
// the first paint so that a dark page never flashes light.
try {
  var s = localStorage.getItem("parvis-scheme");
  if (s === "light" || s === "dark") {
    document.documentElement.dataset.scheme = s;
    document.querySelectorAll("link[data-scheme]").forEach(function (l) {
      l.media = l.dataset.scheme === s ? "all" : "not all";
    });
  }
} catch (e) { /* storage blocked: follow the system */ }
