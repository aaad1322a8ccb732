// The default theme on every page type of the example site (EXAMPLE_SITE: its built output;
// DASHBOARD_SITE: the internal circle's build, for the dashboard): axe-core reports no
// violation of any impact at 375 and 1280 px, light and dark, search popup open or not; the
// layout holds at 320, 375, 768 and 1280 px (nothing wider than the window, no popup outside
// it, no button taller than three lines of its text, the header on one row when wide and two at
// most when narrow, language switch included).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

const axeSource = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** One page of each kind the theme draws. */
export const PAGE_TYPES = {
  home: "/",
  "plain page": "/about/",
  "blog list": "/blog/",
  "blog post": "/blog/forecasting-with-weather-data/",
  "docs section": "/docs/getting-started/",
  "docs page": "/docs/getting-started/first-dashboard/",
  "careers list": "/careers/",
  "job posting": "/careers/senior-rust-engineer/",
  "events list": "/events/",
  event: "/events/user-club-q1/",
  "member directory": "/members/",
  "member page": "/members/ana-costa/",
  communities: "/communities/",
  community: "/communities/ambassadors/",
  leaderboard: "/leaderboard/",
  ambassadors: "/ambassadors/",
  "tag list": "/tags/",
  "tag page": "/tags/community/",
  search: "/search/?q=energy",
  "french page": "/fr/about/",
  "french home": "/fr/",
  "french blog list": "/fr/blog/",
  "french blog post": "/fr/blog/sobriete-energetique-pme/",
  "french tag list": "/fr/tags/",
  "french tag page": "/fr/tags/pme/",
  "translated theme page": "/themes/energy-efficiency/",
  "french theme page": "/fr/themes/energy-efficiency/",
  "not found": "/404.html",
};

let browser, site, dashboard;
before(async () => {
  browser = await launch();
  site = await serve(process.env.EXAMPLE_SITE);
  if (process.env.DASHBOARD_SITE) dashboard = await serve(process.env.DASHBOARD_SITE);
});
after(async () => { await browser?.close(); await site?.close(); await dashboard?.close(); });

async function open(url, width, colorScheme) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
  const p = await context.newPage();
  const errors = [];
  p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  p.on("response", (r) => { if (r.status() >= 400 && !r.url().endsWith("/404.html")) errors.push(`${r.status()} ${r.url()}`); });
  await p.goto(url, { waitUntil: "networkidle" });
  return { p, errors, close: () => context.close() };
}

async function axe(p) {
  await p.addScriptTag({ content: axeSource });
  return p.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")})`);
  });
}

function pages() {
  const all = Object.entries(PAGE_TYPES).map(([name, path]) => [name, () => site.url + path]);
  if (process.env.DASHBOARD_SITE) all.push(["dashboard", () => dashboard.url + "/dashboard/"]);
  return all;
}

for (const [name, url] of pages()) {
  for (const width of [375, 1280]) {
    for (const scheme of ["light", "dark"]) {
      test(`axe: ${name} at ${width} px, ${scheme}`, async () => {
        const { p, errors, close } = await open(url(), width, scheme);
        const violations = await axe(p);
        await close();
        assert.deepEqual(violations, [], `axe-core violations on ${name}`);
        assert.deepEqual(errors, [], `console errors or failed requests on ${name}`);
      });
    }
  }
}

for (const width of [375, 1280]) {
  for (const scheme of ["light", "dark"]) {
    test(`axe: the open search popup at ${width} px, ${scheme}`, async () => {
      const { p, close } = await open(site.url + "/blog/", width, scheme);
      if (width < 800) await p.click(".nav-toggle").catch(() => {});
      await p.fill("#site-search-q", "energy");
      await p.waitForSelector("#site-search-list:not([hidden]) [role=option]");
      const violations = await axe(p);
      const box = await p.evaluate(() => {
        const r = document.querySelector("#site-search-list").getBoundingClientRect();
        return { left: r.left, right: r.right, width: document.documentElement.clientWidth };
      });
      await close();
      assert.deepEqual(violations, [], "axe-core violations with the search popup open");
      assert.ok(box.left >= 0 && box.right <= box.width, `the popup stays in the window: ${JSON.stringify(box)}`);
    });
  }
}

for (const [name, url] of pages()) {
  for (const width of [320, 375, 768, 1280]) {
    test(`layout: ${name} at ${width} px`, async () => {
      const { p, close } = await open(url(), width, "light");
      const found = await p.evaluate(() => {
        const doc = document.documentElement;
        const wide = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
          .filter((el) => !el.closest("pre, table, .table-wrap, .visually-hidden, .skip-link"))
          .map((el) => el.tagName.toLowerCase() + "." + el.className);
        const tall = [...document.querySelectorAll(".button, button")]
          .filter((el) => el.offsetParent !== null)
          .filter((el) => el.getBoundingClientRect().height > 3 * parseFloat(getComputedStyle(el).lineHeight) + 32)
          .map((el) => `${el.textContent.trim()} (${Math.round(el.getBoundingClientRect().height)} px)`);
        const header = document.querySelector(".header-inner");
        // Rows: items side by side overlap vertically (they are centred, so their tops differ).
        const boxes = [...header.children].filter((el) => el.offsetParent !== null && getComputedStyle(el).display !== "none")
          .map((el) => el.getBoundingClientRect()).filter((r) => r.height > 0).sort((a, b) => a.top - b.top);
        let rows = 0, bottom = -Infinity;
        for (const r of boxes) {
          if (r.top >= bottom - 1) { rows += 1; bottom = r.bottom; } else bottom = Math.max(bottom, r.bottom);
        }
        return { scroll: doc.scrollWidth - doc.clientWidth, wide: wide.slice(0, 5), tall, headerRows: rows, headerHeight: header.getBoundingClientRect().height };
      });
      await close();
      assert.equal(found.scroll, 0, `scrolls sideways by ${found.scroll}px: ${found.wide}`);
      assert.deepEqual(found.tall, [], "buttons taller than three lines");
      if (width >= 1280) assert.ok(found.headerHeight < 80, `the header is one row at ${width} px (${found.headerHeight} px tall)`);
      assert.ok(found.headerRows <= 2, `the header takes ${found.headerRows} rows at ${width} px`);
    });
  }
}

test("the colour switch pins dark or light, for the code too, and the choice survives a reload", async () => {
  const { p, close } = await open(site.url + PAGE_TYPES["docs page"], 1280, "light");
  const look = () => p.evaluate(() => ({
    scheme: document.documentElement.dataset.scheme || "",
    pressed: document.querySelector(".scheme-toggle").getAttribute("aria-pressed"),
    body: getComputedStyle(document.body).backgroundColor,
    code: getComputedStyle(document.querySelector("pre.code")).backgroundColor,
  }));
  const before = await look();
  assert.equal(before.pressed, "false");
  assert.equal(before.body, "rgb(255, 255, 255)");
  await p.click(".scheme-toggle");
  const dark = await look();
  assert.deepEqual([dark.scheme, dark.pressed], ["dark", "true"]);
  assert.notEqual(dark.body, before.body, "the page turns dark");
  assert.notEqual(dark.code, before.code, "and so does the code's stylesheet");
  await p.reload({ waitUntil: "networkidle" });
  assert.deepEqual(await look(), dark, "the choice is kept");
  await close();
});

test("code blocks have a copy button that copies the code", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
  const p = await context.newPage();
  await p.goto(site.url + PAGE_TYPES["docs page"], { waitUntil: "networkidle" });
  const code = await p.evaluate(() => document.querySelector("pre.code").innerText);
  await p.click(".copy-code");
  // The label changes once the clipboard took the text (a promise), for a second and a half.
  await p.waitForFunction(() => document.querySelector(".copy-code").textContent.trim() === "Copied", null, { timeout: 1400 });
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), code.replace(/\n$/, ""));
  await context.close();
});
