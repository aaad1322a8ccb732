// The relay kit of the example site's ambassadors' build (RELAY_SITE), on a post that opens to
// ambassadors a week before the public: the preview notice says when the public gets it; each
// copy button puts its field's text on the clipboard and says "Copied"; the kit has no
// axe-core violation, light or dark, and fits a phone's width.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

const axeSource = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const POST = "/blog/lumen-grid-4-demand-response/";

let browser, site;
before(async () => {
  browser = await launch();
  site = await serve(process.env.RELAY_SITE);
});
after(async () => { await browser?.close(); await site?.close(); });

async function open(width, colorScheme) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: site.url });
  const p = await context.newPage();
  const errors = [];
  p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  p.on("response", (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  await p.goto(site.url + POST, { waitUntil: "networkidle" });
  return { p, errors, close: () => context.close() };
}

test("each copy button of the relay kit copies its field", async () => {
  const { p, errors, close } = await open(1280, "light");
  assert.equal(
    (await p.textContent(".notice-preview")).trim(),
    "Preview, public on 27 November 2026",
  );
  const buttons = await p.$$("button.copy-relay");
  assert.equal(buttons.length, 7, "a text and a link for each of three networks, and the social card");
  const card = await p.$eval(".relay-image img", (i) => ({ w: i.naturalWidth, h: i.naturalHeight }));
  assert.deepEqual(card, { w: 1200, h: 630 }, "the kit shows the page's social card, loaded from this site");
  assert.match(await p.$eval("#relay-image", (f) => f.value), /^https:\/\/community\.lumengrid\.example\/media\/.+\.(png|jpg)$/);
  for (const button of buttons) {
    assert.ok(await button.isVisible(), "the script shows the buttons");
    const id = await button.getAttribute("data-copy");
    const expected = await p.$eval(`#${id}`, (f) => f.value);
    assert.ok(expected.length > 10, `${id} has something to copy`);
    await button.click();
    await p.waitForFunction((b) => b.textContent.startsWith("Copied"), button);
    const copied = await p.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, expected, `the button of ${id} copies its field`);
  }
  const link = await p.$eval("#relay-mastodon-link", (f) => f.value);
  assert.equal(
    link,
    "https://community.lumengrid.example/blog/lumen-grid-4-demand-response/?utm_source=ambassador&utm_medium=mastodon&utm_campaign=lumen-grid-4-demand-response",
  );
  if (process.env.SCREENSHOT_DIR) {
    await mkdir(process.env.SCREENSHOT_DIR, { recursive: true });
    await (await p.$(".relay-kit")).screenshot({ path: path.join(process.env.SCREENSHOT_DIR, "relay-kit.png") });
  }
  await close();
  assert.deepEqual(errors, []);
});

for (const width of [375, 1280]) {
  for (const scheme of ["light", "dark"]) {
    test(`axe and layout: the relay kit at ${width} px, ${scheme}`, async () => {
      const { p, close } = await open(width, scheme);
      await p.addScriptTag({ content: axeSource });
      const violations = await p.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(" | ")})`);
      });
      const scroll = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await close();
      assert.deepEqual(violations, []);
      assert.equal(scroll, 0, "nothing wider than the window");
    });
  }
}
