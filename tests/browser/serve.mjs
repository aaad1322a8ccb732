// A tiny static file server on 127.0.0.1 for browser tests.
import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp", ".xml": "application/xml", ".json": "application/json" };

export async function serve(root) {
  const server = http.createServer(async (req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(path.resolve(root))) { res.writeHead(403).end(); return; }
    try {
      const body = await fs.readFile(file);
      const type = { "content-type": types[path.extname(file)] || "application/octet-stream" };
      // One byte range, as static hosts answer it (the search client reads result cards so).
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || "");
      const start = m ? Number(m[1]) : 0, end = m ? Math.min(m[2] ? Number(m[2]) + 1 : body.length, body.length) : 0;
      if (m && start < end) {
        res.writeHead(206, { ...type, "content-range": `bytes ${start}-${end - 1}/${body.length}` }).end(body.subarray(start, end));
        return;
      }
      res.writeHead(200, type).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}
