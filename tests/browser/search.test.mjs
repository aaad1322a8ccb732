// Search in headless Chromium on the example site (EXAMPLE_SITE: its built output), and the
// browser's top 10 against `parvis search --json` (SEARCH_EXPECTED: a JSON file written by
// tests/testsuite/browser.rs with the CLI's answers).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

let browser, server;
before(async () => {
  browser = await launch();
  server = await serve(process.env.EXAMPLE_SITE);
});
after(async () => { await browser?.close(); await server?.close(); });

async function page(path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const p = await context.newPage();
  await p.goto(server.url + path);
  return { p, close: () => context.close() };
}

// Types into the header's search box and returns the options shown: title and marked words.
async function typeQuery(p, text) {
  const box = p.locator("#site-search-q");
  await box.fill("");
  await box.pressSequentially(text, { delay: 20 });
  await p.waitForFunction((t) => document.getElementById("site-search-list").dataset.query === t, text);
  return p.$$eval("#site-search-list [role=option]:not(.search-all, .search-none)", (opts) => opts.map((o) => ({
    title: o.querySelector(".search-title").textContent,
    href: o.dataset.href,
    marks: [...o.querySelectorAll("mark")].map((m) => m.textContent),
  })));
}

// French queries from a French page: the header's search shows the page's language first.
test("a French query without accents finds the accented word", async () => {
  const { p, close } = await page("/fr/");
  const options = await typeQuery(p, "communaute");
  assert.ok(options.length > 0, "results shown");
  const marks = options.flatMap((o) => o.marks).join(" ");
  assert.match(marks, /communauté/, `highlighted words: ${marks}`);
  assert.ok(options.some((o) => o.title === "Le programme ambassadeurs"), JSON.stringify(options));
  await close();
});

test("a plural finds the singular", async () => {
  const { p, close } = await page("/fr/");
  const options = await typeQuery(p, "ambassadeurs ");
  const top = options[0];
  assert.equal(top.title, "Le programme ambassadeurs");
  assert.ok(top.marks.some((m) => /^ambassadeur\b/.test(m) && !/ambassadeurs/.test(m)),
    `the singular is highlighted: ${top.marks}`);
  await close();
});

test("a typo finds the word", async () => {
  const { p, close } = await page("/");
  const options = await typeQuery(p, "ambasador ");
  const titles = options.map((o) => o.title);
  assert.ok(titles.includes("Ambassadors programme"), `titles: ${titles}`);
  assert.ok(options.some((o) => o.marks.some((m) => /ambassador/i.test(m))));
  await close();
});

test("the last word is completed as one types, and results link to the nearest heading", async () => {
  const { p, close } = await page("/");
  const options = await typeQuery(p, "forecas");
  assert.ok(options.length > 0);
  assert.ok(options.some((o) => /forecast/i.test(o.marks.join(" "))), JSON.stringify(options));
  assert.ok(options.some((o) => o.href.includes("#")), "some result links to a heading");
  await close();
});

test("the combobox is keyboard-driven: arrows, Enter and Escape", async () => {
  const { p, close } = await page("/");
  await typeQuery(p, "charter");
  const box = p.locator("#site-search-q");
  assert.equal(await box.getAttribute("aria-expanded"), "true");
  await box.press("ArrowDown");
  const active = await box.getAttribute("aria-activedescendant");
  assert.ok(active, "ArrowDown makes an option active");
  assert.equal(await p.getAttribute(`#${active}`, "aria-selected"), "true");
  await box.press("Escape");
  assert.equal(await box.getAttribute("aria-expanded"), "false");
  await typeQuery(p, "charter");
  await box.press("ArrowDown");
  const href = await p.getAttribute(`#${await box.getAttribute("aria-activedescendant")}`, "data-href");
  await Promise.all([p.waitForURL((u) => u.href.endsWith(href)), box.press("Enter")]);
  await close();
});

test("a facet narrows the results on the search page", async () => {
  const { p, close } = await page("/search/?q=energy");
  const status = p.locator(".search-page [role=status]");
  await p.waitForFunction(() => /\d/.test(document.querySelector(".search-page [role=status]").textContent));
  const before = Number((await status.textContent()).match(/\d+/)[0]);
  const blog = p.locator(".search-facets input[name=kind][value=blog]");
  await blog.waitFor();
  const label = await p.locator(".search-facets label", { has: p.locator("input[name=kind][value=blog]") }).textContent();
  const expected = Number(label.match(/\((\d+)\)/)[1]);
  assert.ok(expected < before, `the blog facet (${expected}) is narrower than all results (${before})`);
  await blog.check();
  await p.waitForFunction((n) => document.querySelector(".search-page [role=status]").textContent.startsWith(String(n)), expected);
  const kinds = await p.$$eval(".search-result .search-kind", (k) => k.map((x) => x.textContent));
  assert.ok(kinds.length > 0 && kinds.every((k) => k.startsWith("blog")), `kinds: ${kinds}`);
  await close();
});

test("the header's search shows the page's language first, and the search page filters by it", async () => {
  // The same word from an English and a French page: the French post only from the latter.
  const { p, close } = await page("/");
  const english = await typeQuery(p, "sobriete");
  assert.ok(!english.some((o) => o.href.startsWith("/fr/")) || english.every((o) => o.href.startsWith("/fr/")),
    `English results first, French ones only when there are none: ${JSON.stringify(english)}`);
  await p.goto(server.url + "/fr/");
  const french = await typeQuery(p, "tableau de bord");
  assert.ok(french.length > 0 && french.every((o) => o.href.startsWith("/fr/")), JSON.stringify(french));
  // The search page, reached from a French page, ticks French; unticked, every language.
  await p.goto(server.url + "/search/?q=energie&lang=fr");
  const lang = p.locator(".search-facets input[name=lang][value=fr]");
  await lang.waitFor();
  assert.ok(await lang.isChecked());
  const label = await p.locator(".search-facets label", { has: p.locator("input[name=lang][value=fr]") }).textContent();
  assert.match(label, /Français/);
  await close();
});

test("without JavaScript the search box leads to the search page, which says why", async () => {
  const { p, close } = await page("/", { javaScriptEnabled: false });
  await p.fill("#site-search-q", "energy");
  await Promise.all([p.waitForURL(/\/search\/\?q=energy/), p.press("#site-search-q", "Enter")]);
  const text = await p.textContent("main");
  assert.match(text, /needs JavaScript/);
  await close();
});

test("the browser and `parvis search` return the same top 10 in the same order", async () => {
  const expected = JSON.parse(await fs.readFile(process.env.SEARCH_EXPECTED, "utf8"));
  assert.ok(expected.length >= 20);
  const { p, close } = await page("/");
  const got = await p.evaluate(async (queries) => {
    const { open } = await import("/assets/search.js");
    const index = await open("/search/");
    const out = [];
    for (const q of queries) {
      const r = await index.search({ text: q });
      const top = r.hits.slice(0, 10);
      const cards = await Promise.all(top.map((h) => index.card(h.doc)));
      out.push({ query: q, results: top.map((h, i) => [cards[i].u, h.score]) });
    }
    return out;
  }, expected.map((e) => e.query));
  for (let i = 0; i < expected.length; i++) {
    assert.deepEqual(got[i], expected[i], `query ${JSON.stringify(expected[i].query)}`);
  }
  await close();
});
