// parvis serve in a real browser: SERVE_URL is a running server, SERVE_SITE the site it watches.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { launch } from "./launch.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => { await browser?.close(); });

test("saving a page shows it, a broken front matter shows an overlay, fixing it removes it", async () => {
  const page = await browser.newPage();
  await page.goto(process.env.SERVE_URL + "about/");
  await page.waitForFunction(() => document.body.innerText.includes("We are a fixture."));
  const file = path.join(process.env.SERVE_SITE, "content", "about.md");

  await fs.writeFile(file, "---\ntitle: About us\nslug: about\n---\nFreshly edited by the writer.\n");
  await page.waitForFunction(() => document.body.innerText.includes("Freshly edited by the writer."), null, { timeout: 15000 });

  await fs.writeFile(file, "---\ntitle: About us\ndate: 2026-02-30\n---\nBroken.\n");
  await page.waitForSelector("#parvis-overlay", { timeout: 15000 });
  const report = await page.textContent("#parvis-overlay");
  assert.match(report, /content\/about\.md:3:7/);
  assert.match(report, /`date` is not a valid date/);

  await fs.writeFile(file, "---\ntitle: About us\nslug: about\n---\nFixed again.\n");
  await page.waitForFunction(() => document.body.innerText.includes("Fixed again."), null, { timeout: 15000 });
  assert.equal(await page.$("#parvis-overlay"), null, "the overlay is gone");
  await page.close();
});
