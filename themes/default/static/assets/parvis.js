// parvis default theme: small, dependency-free enhancements. Everything works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Phone navigation: the menu is open without JavaScript, and collapsible with it.
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
  }

  // Member directory filters: each select narrows the cards by one data attribute.
  document.querySelectorAll("form.filters[data-filter-target]").forEach(function (form) {
    var target = document.querySelector(form.getAttribute("data-filter-target"));
    if (!target) return;
    form.hidden = false;
    var cards = target.querySelectorAll("[data-status]");
    var count = form.querySelector("[data-filter-count]");
    function apply() {
      var wanted = {};
      form.querySelectorAll("select").forEach(function (s) { if (s.value) wanted[s.name] = s.value; });
      var shown = 0;
      cards.forEach(function (card) {
        var ok = Object.keys(wanted).every(function (key) {
          var have = card.getAttribute("data-" + key) || "";
          return have.split("|").indexOf(wanted[key]) !== -1;
        });
        card.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = String(shown);
    }
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  });

  // Videos load from their host only when the visitor asks for them.
  document.querySelectorAll(".video[data-video-src]").forEach(function (box) {
    var button = box.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = box.getAttribute("data-video-src") + "?autoplay=1";
      frame.title = button.textContent;
      frame.allow = "autoplay; encrypted-media; picture-in-picture";
      frame.allowFullscreen = true;
      box.replaceChildren(frame);
    });
  });

  // Emails that members chose to publish are written backwards in the page; turn them into
  // links only for people who click.
  document.querySelectorAll(".email-reversed[data-reversed]").forEach(function (el) {
    var address = el.getAttribute("data-reversed").split("").reverse().join("");
    var a = document.createElement("a");
    a.href = "mailto:" + address;
    a.textContent = address;
    el.replaceWith(a);
  });
})();
