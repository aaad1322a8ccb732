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

  // Colour scheme: the system's by default; the switch pins light or dark for this site.
  var scheme = document.querySelector(".scheme-toggle");
  if (scheme) {
    var root = document.documentElement;
    var dark = function () {
      var chosen = root.dataset.scheme;
      return chosen ? chosen === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
    };
    scheme.hidden = false;
    scheme.setAttribute("aria-pressed", String(dark()));
    scheme.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      root.dataset.scheme = next;
      document.querySelectorAll("link[data-scheme]").forEach(function (l) {
        l.media = l.getAttribute("data-scheme") === next ? "all" : "not all";
      });
      try { localStorage.setItem("parvis-scheme", next); } catch (e) { /* private mode */ }
      scheme.setAttribute("aria-pressed", String(next === "dark"));
    });
  }

  // Code blocks: a copy button, for the commands and snippets readers paste.
  var body = document.body;
  if (navigator.clipboard) {
    document.querySelectorAll("pre.code").forEach(function (pre) {
      var box = document.createElement("div");
      box.className = "code-box";
      pre.before(box);
      box.append(pre);
      var copy = document.createElement("button");
      copy.type = "button";
      copy.className = "copy-code";
      copy.textContent = body.getAttribute("data-copy-label") || "Copy";
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
          copy.textContent = body.getAttribute("data-copied-label") || "Copied";
          setTimeout(function () { copy.textContent = body.getAttribute("data-copy-label") || "Copy"; }, 1500);
        });
      });
      box.append(copy);
    });
  }

  // Relay kits: each text, link and card has a button that copies the field it names.
  if (navigator.clipboard) {
    document.querySelectorAll("button.copy-relay[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) return;
      var label = button.firstChild;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          label.textContent = body.getAttribute("data-copied-label") || "Copied";
          button.classList.add("is-copied");
          setTimeout(function () {
            label.textContent = body.getAttribute("data-copy-label") || "Copy";
            button.classList.remove("is-copied");
          }, 1500);
        });
      });
    });
  }

  // Docs sidebar: sections fold with a button beside their link (all open without JavaScript).
  document.querySelectorAll(".docs-toggle").forEach(function (button) {
    var item = button.closest("li");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      item.classList.toggle("open", open);
    });
  });

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
