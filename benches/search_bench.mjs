// Search in headless Chromium on a built site: bytes fetched and time for a first query (cold
// cache, a fresh browser context per query) and the time of the same query once its files are
// loaded, for parvis's index and, when present, Pagefind's (`pagefind --site DIR`).
//
//   node benches/search_bench.mjs SITE_OUTPUT [query ...]
//
// Bytes are counted by the server below as sent: JavaScript, HTML, CSS and JSON gzipped as any
// host does; parvis's index files and Pagefind's chunks and wasm are gzip already and go as
// they are.
import http from "node:http";
import zlib from "node:zlib";
import fs from "node:fs/promises";
import path from "node:path";
import { launch } from "../tests/browser/launch.mjs";

const root = path.resolve(process.argv[2]);
const queries = process.argv.length > 3 ? process.argv.slice(3) : [
  "déploiement mémoire", "release pipeline", "cache intégration", "forêt château",
  "documentation team", "équipe produit", "markdown server", "qualité stable",
];
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json" };
let sent = 0;
const server = http.createServer(async (req, res) => {
  let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (rel === "/__bench.html") { res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>bench</title>"); return; }
  if (rel.endsWith("/")) rel += "index.html";
  try {
    let body = await fs.readFile(path.join(root, path.normalize(rel)));
    const headers = { "content-type": types[path.extname(rel)] || "application/octet-stream" };
    if ([".js", ".mjs", ".html", ".css", ".json"].includes(path.extname(rel))) {
      body = zlib.gzipSync(body, { level: 9 });
      headers["content-encoding"] = "gzip";
    }
    // One byte range, as static hosts answer it (parvis reads result cards so).
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || "");
    const start = m ? Number(m[1]) : 0, end = m ? Math.min(m[2] ? Number(m[2]) + 1 : body.length, body.length) : 0;
    if (m && start < end && !headers["content-encoding"]) {
      const part = body.subarray(start, end);
      sent += part.length;
      res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${end - 1}/${body.length}` }).end(part);
      return;
    }
    sent += body.length;
    res.writeHead(200, headers).end(body);
  } catch { res.writeHead(404).end(); }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launch();

const engines = {
  parvis: async (q) => {
    const t0 = performance.now();
    const { open } = await import("/assets/search.js");
    const index = await open("/search/");
    const run = async () => {
      const r = await index.search({ text: q });
      await Promise.all(r.hits.slice(0, 10).map((h) => index.card(h.doc)));
      return r.hits.length;
    };
    const n = await run();
    const cold = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < 10; i++) await run();
    return { n, cold, warm: (performance.now() - t1) / 10 };
  },
  pagefind: async (q) => {
    const t0 = performance.now();
    const pf = await import("/pagefind/pagefind.js");
    const run = async () => {
      const s = await pf.search(q);
      await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
      return s.results.length;
    };
    const n = await run();
    const cold = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < 10; i++) await run();
    return { n, cold, warm: (performance.now() - t1) / 10 };
  },
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
for (const [name, engine] of Object.entries(engines)) {
  const probe = name === "parvis" ? "search/manifest.bin" : "pagefind/pagefind.js";
  if (!(await fs.stat(path.join(root, probe)).catch(() => null))) { console.log(`${name}: no index in ${root}`); continue; }
  const rows = [];
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/__bench.html`);
    sent = 0;
    const r = await page.evaluate(`(${engine.toString()})(${JSON.stringify(q)})`);
    rows.push({ q, bytes: sent, ...r });
    await context.close();
  }
  for (const r of rows) console.log(`${name}\t${r.q}\t${r.n} results\t${(r.bytes / 1024).toFixed(1)} KB\tcold ${r.cold.toFixed(0)} ms\twarm ${r.warm.toFixed(1)} ms`);
  console.log(`${name}\tmedian\t\t${(median(rows.map((r) => r.bytes)) / 1024).toFixed(1)} KB (max ${(Math.max(...rows.map((r) => r.bytes)) / 1024).toFixed(1)})\tcold ${median(rows.map((r) => r.cold)).toFixed(0)} ms\twarm ${median(rows.map((r) => r.warm)).toFixed(1)} ms`);
}
await browser.close();
server.close();
