// Lighthouse (npm `lighthouse`, in Debian's chromium) on the example site's main page types
// (EXAMPLE_SITE: its built output, served from 127.0.0.1): accessibility 100, performance,
// best practices and SEO 95 or more, on a phone (Lighthouse's default mobile emulation with
// its simulated slow network) and on a desktop. LIGHTHOUSE_REPORT, when set, names a file
// the scores are written to as JSON. A performance score under its mark is measured twice
// more and the median of the three counts (the score is timed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import lighthouse, { desktopConfig } from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { serve } from "./serve.mjs";

export const PAGES = {
  home: "/",
  post: "/blog/forecasting-with-weather-data/",
  "docs page": "/docs/getting-started/first-dashboard/",
  "member page": "/members/ana-costa/",
  "careers posting": "/careers/senior-rust-engineer/",
};
const LEAST = { accessibility: 100, performance: 95, "best-practices": 95, seo: 95 };

let chrome, site;
const scores = {};
before(async () => {
  site = await serve(process.env.EXAMPLE_SITE);
  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
});
after(async () => {
  if (process.env.LIGHTHOUSE_REPORT) await writeFile(process.env.LIGHTHOUSE_REPORT, JSON.stringify(scores, null, 2) + "\n");
  await chrome?.kill();
  await site?.close();
});

for (const [form, config] of [["mobile", undefined], ["desktop", desktopConfig]]) {
  for (const [name, path] of Object.entries(PAGES)) {
    test(`Lighthouse on the ${name} (${form})`, async () => {
      const flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: Object.keys(LEAST) };
      const result = await lighthouse(site.url + path, flags, config);
      const lhr = result.lhr;
      assert.equal(lhr.runtimeError, undefined, `Lighthouse ran: ${JSON.stringify(lhr.runtimeError)}`);
      const got = Object.fromEntries(Object.keys(LEAST).map((c) => [c, Math.round(lhr.categories[c].score * 100)]));
      // Performance is timed, and a busy machine slows the trace Lighthouse simulates from
      // (its docs on variability advise the median of several runs): when one run is under
      // the mark, two more are made and the median of the three counts.
      if (got.performance < LEAST.performance) {
        const runs = [got.performance];
        for (let i = 0; i < 2; i++) {
          const again = await lighthouse(site.url + path, { ...flags, onlyCategories: ["performance"] }, config);
          runs.push(Math.round(again.lhr.categories.performance.score * 100));
        }
        runs.sort((a, b) => a - b);
        got.performance = runs[1];
        got.performance_runs = runs;
      }
      (scores[form] ??= {})[name] = got;
      const low = Object.entries(LEAST).filter(([c, least]) => got[c] < least);
      // What Lighthouse holds against the page, for the categories under their mark.
      const why = low.flatMap(([c]) => lhr.categories[c].auditRefs
        .filter((r) => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
        .map((r) => `${c}: ${r.id} (${lhr.audits[r.id].displayValue || lhr.audits[r.id].score})`));
      assert.deepEqual(low, [], `${path}: ${JSON.stringify(got)}\n${why.join("\n")}`);
    });
  }
}
