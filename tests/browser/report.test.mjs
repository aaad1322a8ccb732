// Browser test of the community manager's dashboard (REPORT_SITE: the report fixture built for
// the internal audience; SCREENSHOT_DIR: where to save what it looked like).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import fs from "node:fs/promises";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

let browser, server;
before(async () => {
  browser = await launch();
  server = await serve(process.env.REPORT_SITE);
});
after(async () => { await browser?.close(); await server?.close(); });

for (const width of [1280, 375]) {
  test(`the dashboard draws its charts as SVG, loads nothing from elsewhere and does not overflow at ${width} px`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const foreign = [];
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== "127.0.0.1") { foreign.push(url.href); return route.abort(); }
      return route.continue();
    });
    await page.goto(server.url + "/dashboard/");
    await page.waitForLoadState("load");
    const facts = await page.evaluate(() => {
      const doc = document.documentElement;
      const charts = [...document.querySelectorAll("svg.chart")].map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          id: svg.id,
          title: svg.querySelector("title")?.textContent ?? "",
          labelled: svg.getAttribute("role") === "img" && !!svg.getAttribute("aria-labelledby"),
          shapes: svg.querySelectorAll("rect, circle, polyline").length,
          width: box.width,
          right: box.right,
        };
      });
      const wide = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
        .filter((el) => !el.closest("pre, .table-wrap"))
        .map((el) => el.tagName + "." + el.className);
      return {
        scrollWidth: doc.scrollWidth,
        clientWidth: doc.clientWidth,
        wide: wide.slice(0, 5),
        charts,
        emptyWeeks: [...document.querySelectorAll(".calendar-week.is-empty > h3 time")].map((t) => t.getAttribute("datetime")),
        scripts: [...document.scripts].map((s) => s.src),
      };
    });
    await fs.mkdir(process.env.SCREENSHOT_DIR, { recursive: true });
    const shot = path.join(process.env.SCREENSHOT_DIR, `dashboard-${width}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await context.close();

    assert.ok(facts.scrollWidth <= width, `the page is ${facts.scrollWidth}px wide: ${facts.wide}`);
    assert.equal(facts.scrollWidth, facts.clientWidth, `the page scrolls sideways: ${facts.wide}`);
    assert.deepEqual(facts.charts.map((c) => c.id), ["chart-calendar", "chart-posts", "chart-members", "chart-contributions"]);
    for (const c of facts.charts) {
      assert.ok(c.labelled, `${c.id} is labelled for screen readers`);
      assert.ok(c.title.length > 0, `${c.id} has a title`);
      assert.ok(c.shapes > 0, `${c.id} draws something`);
      assert.ok(c.width > 200 && c.right <= facts.clientWidth + 1, `${c.id} fits: ${c.width}px ending at ${c.right}`);
    }
    assert.deepEqual(facts.emptyWeeks, ["2027-02-15"], "the empty week stands out");
    assert.deepEqual(foreign, [], "nothing is requested from another host");
    assert.ok(facts.scripts.length === 3 && facts.scripts.every((u) => /\/assets\/(parvis|search|scheme)\.js$/.test(u)),
      `only the theme's own scripts: ${facts.scripts}`);
    const size = (await fs.stat(shot)).size;
    assert.ok(size > 10_000, `the screenshot was saved (${size} bytes)`);
  });
}
