// Writes into OUT_DIR the DOM of pages after their scripts built something, for the Nu Html
// Checker (tests/testsuite/html.rs): what a visitor's browser holds is checked, not only what
// the server sent. SERVE_URL: `parvis serve` of a site whose `about` page is broken;
// EXAMPLE_SITE: the example site's public build.
import fs from "node:fs/promises";
import path from "node:path";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

const out = process.env.OUT_DIR;
const browser = await launch();
const server = await serve(process.env.EXAMPLE_SITE);

async function save(name, url, ready) {
  const p = await browser.newPage();
  await p.goto(url);
  await ready(p);
  const html = await p.evaluate(() => "<!DOCTYPE html>\n" + document.documentElement.outerHTML);
  await fs.writeFile(path.join(out, name), html);
  await p.close();
}

try {
  // The error overlay `serve` shows over the page.
  await save("serve-overlay.html", process.env.SERVE_URL + "about/", (p) => p.waitForSelector("#parvis-overlay"));
  // The header's combobox, open, with an active option.
  await save("search-combobox.html", server.url + "/", async (p) => {
    await p.locator("#site-search-q").pressSequentially("charter", { delay: 20 });
    // The list of the whole word, not of a prefix typed on the way (its update would clear
    // the active option).
    await p.waitForSelector("#site-search-list[data-query=charter]:not([hidden]) [role=option]");
    await p.locator("#site-search-q").press("ArrowDown");
    await p.waitForSelector("#site-search-list [aria-selected=true]");
  });
  // The search page with results and facets.
  await save("search-page.html", server.url + "/search/?q=energy", async (p) => {
    await p.waitForSelector(".search-result");
    await p.waitForSelector(".search-facets fieldset");
  });
} finally {
  await browser.close();
  await server.close();
}
