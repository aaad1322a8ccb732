// Browser tests of the example site's portals (EXAMPLE_SITE: its built output).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

let browser, server;
before(async () => {
  browser = await launch();
  server = await serve(process.env.EXAMPLE_SITE);
});
after(async () => { await browser?.close(); await server?.close(); });

async function page(width, path) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const p = await context.newPage();
  await p.goto(server.url + path);
  return { p, close: () => context.close() };
}

for (const width of [375, 1280]) {
  for (const path of ["/docs/getting-started/first-dashboard/", "/docs/api/forecasts/", "/careers/", "/careers/senior-rust-engineer/", "/members/"]) {
    test(`${path} has no horizontal overflow at ${width} px`, async () => {
      const { p, close } = await page(width, path);
      const overflow = await p.evaluate(() => {
        const doc = document.documentElement;
        const wide = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
          .filter((el) => !el.closest("pre, table, .table-wrap"))
          .map((el) => el.tagName + "." + el.className);
        return { scroll: doc.scrollWidth - doc.clientWidth, wide: wide.slice(0, 5) };
      });
      await close();
      assert.equal(overflow.scroll, 0, `page scrolls sideways by ${overflow.scroll}px: ${overflow.wide}`);
    });
  }
}

test("the docs sidebar marks the current page and opens and closes sections", async () => {
  const { p, close } = await page(1280, "/docs/getting-started/first-dashboard/");
  const current = await p.textContent(".docs-nav a[aria-current=page]");
  assert.equal(current.trim(), "Build your first dashboard");
  // The current page's section is open; its button folds and unfolds it. Other sections are
  // links (their pages are listed once one visits them).
  const section = p.locator(".docs-nav .docs-node", { has: p.locator(".docs-node-title a >> text=Getting started") }).last();
  const toggle = section.locator(".docs-toggle").first();
  const pages = section.locator("ul").first();
  assert.equal(await pages.isVisible(), true, "the current section starts open");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await toggle.click();
  assert.equal(await pages.isVisible(), false, "its button closes it");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await toggle.click();
  assert.equal(await pages.isVisible(), true, "and opens it again");
  const api = p.locator(".docs-nav a >> text=API reference");
  assert.equal(await api.getAttribute("href"), "/docs/api/");
  await close();
});

test("the careers filters narrow the list", async () => {
  const { p, close } = await page(375, "/careers/");
  const visible = () => p.$$eval(".job-card", (cards) => cards.filter((c) => c.offsetParent !== null).length);
  assert.equal(await visible(), 2);
  await p.selectOption("select[name=location]", "Oslo");
  assert.equal(await visible(), 1);
  assert.equal((await p.textContent(".job-card:not([hidden]) .card-title")).trim(), "Senior Rust engineer, data pipeline");
  await p.selectOption("select[name=location]", "");
  await p.selectOption("select[name=remote]", "onsite");
  assert.equal(await visible(), 1);
  await close();
});

test("the mobile menu opens from its button", async () => {
  const { p, close } = await page(375, "/");
  assert.equal(await p.isVisible("#site-nav"), false);
  await p.click(".nav-toggle");
  assert.equal(await p.isVisible("#site-nav"), true);
  assert.equal(await p.getAttribute(".nav-toggle", "aria-expanded"), "true");
  await close();
});
