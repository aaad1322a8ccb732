// The member directory of the example site (30 members with photos) downloads avatars only:
// never a photo as uploaded, never a size larger than the avatar's. EXAMPLE_SITE is its output.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./launch.mjs";
import { serve } from "./serve.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the member directory downloads avatar-size images only", async () => {
  const server = await serve(process.env.EXAMPLE_SITE);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
  const images = [];
  page.on("response", async (r) => {
    if (r.request().resourceType() !== "image") return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    images.push({ url: new URL(r.url()).pathname, bytes: body.length });
  });
  await page.goto(`${server.url}/members/`);
  // Scroll to the end so that every lazy avatar loads.
  for (let y = 0; y < 20; y++) {
    await page.mouse.wheel(0, 900);
    await page.waitForTimeout(100);
  }
  await page.waitForLoadState("networkidle");
  const avatars = await page.$$eval("img.avatar", (els) => els.length);
  const shown = await page.$$eval("img.avatar", (els) => els.filter((e) => e.complete && e.naturalWidth > 0).map((e) => e.naturalWidth));
  await page.close();
  await server.close();
  const photos = images.filter((i) => !i.url.endsWith(".svg"));
  const total = photos.reduce((s, i) => s + i.bytes, 0);
  console.log(`# /members/: ${photos.length} image files, ${total} bytes in all, ${shown.length} avatars shown`);
  // The public directory shows 29 of the 30 members with a photo (one is internal).
  assert.ok(avatars >= 29, `29 photo avatars, got ${avatars}`);
  assert.equal(shown.length, avatars, "every avatar loaded");
  for (const i of photos) {
    assert.match(i.url, /^\/media\/[a-z0-9-]+-(128|320)\.(webp|jpg)$/, `${i.url} is an avatar variant`);
    assert.ok(i.bytes < 40_000, `${i.url}: ${i.bytes} bytes`);
  }
  // At twice the pixels, 64 CSS pixels take the 320 px variant at most; never an upload.
  assert.ok(!images.some((i) => i.url.startsWith("/members/")), "no photo as uploaded");
  assert.ok(total < 30 * 40_000, `${total} bytes`);
});
