// Browser tests, run by tests/testsuite/browser.rs after it built the fixture sites:
// HOSTILE_SITE and COMMUNITY_SITE are their output folders.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => { await browser?.close(); });

/// Opens `path` of a site served from `dir`, recording dialogs and requests to other hosts.
async function open(dir, path) {
  const server = await serve(dir);
  const page = await browser.newPage();
  const dialogs = [];
  const foreign = [];
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== "127.0.0.1") { foreign.push(url.href); return route.abort(); }
    return route.continue();
  });
  // Any script the page runs that calls these is caught even if no dialog shows.
  await page.addInitScript(() => {
    window.__ran = [];
    for (const f of ["alert", "confirm", "prompt"]) window[f] = (m) => { window.__ran.push(String(m)); };
  });
  await page.goto(`${server.url}${path}`);
  await page.waitForLoadState("load");
  return { page, dialogs, foreign, close: async () => { await page.close(); await server.close(); } };
}

/// Opens `path` of the site in `dir`, hovers and focuses everything, and asserts that no script
/// ran, nothing loaded from another host, and no handler or script URL is in the page.
async function assertInert(dir, path) {
  const { page, dialogs, foreign, close } = await open(dir, path);
  // Hover and focus everything, in case a handler slipped into an attribute.
  for (const el of await page.$$("body *")) { await el.hover({ force: true, timeout: 200 }).catch(() => {}); }
  await page.keyboard.press("Tab");
  const ran = await page.evaluate(() => window.__ran);
  const handlers = await page.evaluate(() =>
    [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name)));
  const badLinks = await page.evaluate(() =>
    [...document.querySelectorAll("[href],[src],[action],[data]")].map((el) => el.getAttribute("href") || el.getAttribute("src") || el.getAttribute("action") || el.getAttribute("data"))
      .filter((u) => /^\s*(javascript|data|vbscript):/i.test(u)));
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src || "inline"));
  await close();
  assert.deepEqual(dialogs, [], `${path}: a dialog fired`);
  assert.deepEqual(ran, [], `${path}: a script called a dialog function`);
  assert.deepEqual(foreign, [], `${path}: requests left for another host`);
  assert.deepEqual(handlers, [], `${path}: event handler attributes in the page`);
  assert.deepEqual(badLinks, [], `${path}: script or data URLs in the page`);
  const theme = (u) => /\/assets\/(parvis|search|scheme)\.js$/.test(u);
  assert.ok(scripts.length === 3 && scripts.every(theme), `${path}: only the theme's scripts: ${scripts}`);
}

test("hostile member data runs nothing and loads nothing from other hosts", async () => {
  for (const path of ["/", "/members/", "/members/mallory/", "/communities/crew/", "/ambassadors/", "/leaderboard/"]) {
    await assertInert(process.env.HOSTILE_SITE, path);
  }
});

test("hostile entries of a member's feed run nothing and load nothing from other hosts", async () => {
  for (const path of ["/", "/from-the-community/", "/members/ada/", "/communities/makers/"]) {
    await assertInert(process.env.FEEDS_SITE, path);
  }
  const { page, close } = await open(process.env.FEEDS_SITE, "/from-the-community/");
  const text = await page.textContent("main");
  await close();
  assert.match(text, /Evil/, "the hostile entry is shown, inert");
});

test("the member directory filters narrow the cards", async () => {
  const { page, close } = await open(process.env.COMMUNITY_SITE, "/members/");
  const visible = () => page.$$eval(".member-card", (cards) => cards.filter((c) => c.offsetParent !== null).length);
  assert.equal(await visible(), 4, "everyone is listed at first");
  await page.selectOption("select[name=roles]", "ambassador");
  assert.equal(await visible(), 2);
  assert.equal(await page.textContent("[data-filter-count]"), "2");
  await page.selectOption("select[name=status]", "alumni");
  assert.equal(await visible(), 0);
  await page.click("button[type=reset]");
  await page.waitForFunction(() => document.querySelector("[data-filter-count]").textContent === "4");
  assert.equal(await visible(), 4);
  await close();
});

test("without JavaScript the directory is a plain list", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const server = await serve(process.env.COMMUNITY_SITE);
  const page = await context.newPage();
  await page.goto(`${server.url}/members/`);
  assert.equal(await page.isVisible("form.filters"), false, "filters that cannot work are hidden");
  assert.equal(await page.$$eval(".member-card", (c) => c.filter((x) => x.offsetParent !== null).length), 4);
  await context.close();
  await server.close();
});

test("search results made of hostile member data run nothing", async () => {
  const { page, dialogs, foreign, close } = await open(process.env.HOSTILE_SITE, "/search/?q=mallory");
  await page.waitForSelector(".search-result");
  const box = page.locator("#site-search-q");
  await box.pressSequentially("mallory", { delay: 20 });
  await page.waitForFunction(() => document.getElementById("site-search-list").dataset.query === "mallory");
  const titles = await page.$$eval(".search-result .search-title", (t) => t.map((x) => x.textContent));
  assert.ok(titles.some((t) => t.includes("<img src=x onerror=alert('name')>Mallory")), `the name shows as text: ${titles}`);
  for (const el of await page.$$(".search-result *, #site-search-list *")) { await el.hover({ force: true, timeout: 200 }).catch(() => {}); }
  const ran = await page.evaluate(() => window.__ran);
  const handlers = await page.evaluate(() =>
    [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name)));
  assert.deepEqual(ran, []);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(handlers, []);
  assert.deepEqual(foreign, []);
  await close();
});
