// parvis search: queries the static index under /search/ with no server and no dependency.
// The engine is src/search/query.rs in JavaScript, step for step (same tokens, candidates,
// integer scores and order), so `parvis search` and the browser agree; keep them in step.

const EXACT = 4, PREFIX = 3, TYPO = 2;
const MAX_COMPLETIONS = 20, MAX_PREFIX_SHARDS = 3, MAX_CORRECTIONS = 5, MAX_TOKENS = 10;
const MAX_TOKEN_BYTES = 40;
const ELISIONS = ["l", "d", "j", "m", "n", "s", "t", "c", "qu"];
const WORD = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]+/gu;
const utf8 = new TextDecoder();
const enc = new TextEncoder();

async function gunzip(buf) {
  const b = new Uint8Array(buf);
  if (b[0] !== 0x1f || b[1] !== 0x8b) return b; // the host already decoded it
  const stream = new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Order of Rust strings: by code point (UTF-16 order differs above U+FFFF).
export function cmp(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i), y = b.codePointAt(i);
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

export function tokens(query, fold) {
  const out = [];
  for (const m of query.matchAll(WORD)) {
    const raw = m[0];
    if (enc.encode(raw).length >= MAX_TOKEN_BYTES) continue;
    let t = "";
    for (const c of raw.toLowerCase()) t += fold[c] ?? c;
    if (!ELISIONS.includes(t) && !out.includes(t)) out.push(t);
  }
  return out;
}

class Bytes {
  constructor(b) { this.b = b; this.p = 0; }
  varint() {
    let v = 0, mul = 1;
    for (;;) {
      if (this.p >= this.b.length) throw new Error("truncated search file");
      const x = this.b[this.p++];
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 128;
    }
  }
  take(n) { const s = this.b.subarray(this.p, this.p + n); this.p += n; return s; }
  str() { return utf8.decode(this.take(this.varint())); }
  postings() {
    const n = this.varint(), out = new Array(n);
    let doc = 0;
    for (let i = 0; i < n; i++) { doc += this.varint(); out[i] = [doc, this.varint()]; }
    return out;
  }
}

function decodeShard(bytes) {
  const r = new Bytes(bytes), n = r.varint(), out = new Array(n);
  let prev = new Uint8Array(0);
  for (let i = 0; i < n; i++) {
    const shared = r.varint(), suffix = r.take(r.varint());
    const key = new Uint8Array(shared + suffix.length);
    key.set(prev.subarray(0, shared)); key.set(suffix, shared);
    const e = { key: utf8.decode(key), surface: r.varint(), stems: [], df: 0, postings: [] };
    if (e.surface > 0) { const k = r.varint(); for (let j = 0; j < k; j++) e.stems.push(r.str()); }
    e.df = r.varint();
    if (e.df > 0) e.postings = r.postings();
    out[i] = e; prev = key;
  }
  return out;
}

function decodeTail(bytes) {
  const r = new Bytes(bytes), n = r.varint(), out = new Map();
  for (let i = 0; i < n; i++) { const k = r.str(); out.set(k, r.postings()); }
  return out;
}

function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return -1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 0; i < a.length; i++) {
    const cur = new Array(b.length + 1).fill(i + 1);
    for (let j = 0; j < b.length; j++) {
      cur[j + 1] = Math.min(prev[j] + (a[i] !== b[j] ? 1 : 0), prev[j + 1] + 1, cur[j] + 1);
    }
    prev = cur;
  }
  return prev[b.length] <= max ? prev[b.length] : -1;
}

export class Index {
  constructor(base, manifest) {
    this.base = base; this.m = manifest; this.bytes = 0;
    this.cache = new Map(); // path -> promise of bytes
    this.shards = new Map(); this.tails = new Map(); this.vocab = new Map(); this.facets = new Map();
  }

  get(path) {
    if (!this.cache.has(path)) {
      this.cache.set(path, fetch(`${this.base}${path}?v=${this.m.v}`).then(async (res) => {
        if (!res.ok) throw new Error(`search: ${path}: ${res.status}`);
        const buf = await res.arrayBuffer();
        this.bytes += buf.byteLength;
        return gunzip(buf);
      }));
    }
    return this.cache.get(path);
  }

  shardOf(key) {
    let lo = 0, hi = this.m.shards.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cmp(this.m.shards[mid][0], key) <= 0) lo = mid + 1; else hi = mid; }
    return Math.max(lo - 1, 0);
  }

  async shard(i) {
    if (!this.shards.has(i)) this.shards.set(i, this.get(this.m.shards[i][1]).then(decodeShard));
    return this.shards.get(i);
  }

  async lookup(key) {
    if (!this.m.shards.length) return null;
    const entries = await this.shard(this.shardOf(key));
    let lo = 0, hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1, c = cmp(entries[mid].key, key);
      if (c === 0) return entries[mid];
      if (c < 0) lo = mid + 1; else hi = mid;
    }
    return null;
  }

  // A stem's postings, its tail too when `full`, and whether some were left out.
  async postings(stem, full) {
    const e = await this.lookup(stem);
    if (!e) return [[], false];
    let list = e.postings;
    const leftOut = !full && e.postings.length < e.df;
    if (full && e.postings.length < e.df) {
      const i = this.shardOf(stem), file = this.m.shards[i][2];
      if (!this.tails.has(i)) this.tails.set(i, file ? this.get(file).then(decodeTail) : Promise.resolve(new Map()));
      const rest = (await this.tails.get(i)).get(stem);
      if (rest) list = list.concat(rest);
    }
    return [list, leftOut];
  }

  async completions(prefix) {
    const found = [];
    if (!this.m.shards.length) return found;
    const start = this.shardOf(prefix);
    for (let i = start; i < this.m.shards.length && i < start + MAX_PREFIX_SHARDS; i++) {
      if (i > start && !this.m.shards[i][0].startsWith(prefix)) break;
      for (const e of await this.shard(i)) {
        if (e.surface > 0 && e.key.startsWith(prefix) && e.key !== prefix) found.push(e);
      }
    }
    found.sort((a, b) => b.surface - a.surface || cmp(a.key, b.key));
    return found.slice(0, MAX_COMPLETIONS);
  }

  async corrections(token) {
    const chars = Array.from(token), max = chars.length >= 8 ? 2 : 1, found = [];
    let order = 0;
    for (let len = chars.length - max; len <= chars.length + max; len++) {
      const file = this.m.vocab[String(len)];
      if (!file) continue;
      if (!this.vocab.has(len)) this.vocab.set(len, this.get(file).then((b) => utf8.decode(b).split("\n")));
      for (const word of await this.vocab.get(len)) {
        const d = distance(chars, Array.from(word), max);
        if (d >= 0) found.push([d, order, word]);
        order++;
      }
    }
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return found.slice(0, MAX_CORRECTIONS).map((f) => f[2]);
  }

  async facet(name) {
    const file = this.m.facets[name];
    if (!file) return [];
    if (!this.facets.has(name)) {
      this.facets.set(name, this.get(file).then((b) => JSON.parse(utf8.decode(b)).values.map(([v, deltas]) => {
        let id = 0;
        return [v, new Set(deltas.map((d) => (id += d)))];
      })));
    }
    return this.facets.get(name);
  }

  async facetCounts(name, hits) {
    const counts = [];
    for (const [v, ids] of await this.facet(name)) {
      let n = 0;
      for (const h of hits) if (ids.has(h.doc)) n++;
      if (n > 0) counts.push([v, n]);
    }
    counts.sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
    return counts;
  }

  // query: { text, filters: {facet: [values]}, full }
  async search(query) {
    const toks = tokens(query.text, this.m.fold).slice(0, MAX_TOKENS);
    const completeLast = !/\s$/u.test(query.text);
    const filters = query.filters || {};
    const full = !!query.full || Object.keys(filters).length > 0;
    const totals = new Map(), allStems = new Set();
    let partial = false;
    for (let i = 0; i < toks.length; i++) {
      const token = toks[i], cands = new Map();
      const add = (stem, w) => cands.set(stem, Math.max(cands.get(stem) || 0, w));
      const e = await this.lookup(token);
      if (e) {
        if (e.surface > 0) e.stems.forEach((s) => add(s, EXACT));
        else if (e.df > 0) add(token, EXACT);
      }
      const len = Array.from(token).length;
      if (i + 1 === toks.length && completeLast && len >= this.m.minPrefix) {
        for (const c of await this.completions(token)) c.stems.forEach((s) => add(s, PREFIX));
      }
      if (cands.size === 0 && len >= 5) {
        for (const word of await this.corrections(token)) {
          const c = await this.lookup(word);
          if (c) c.stems.forEach((s) => add(s, TYPO));
        }
      }
      const best = new Map();
      for (const [stem, w] of cands) {
        allStems.add(stem);
        const [list, leftOut] = await this.postings(stem, full);
        partial ||= leftOut;
        for (const [doc, impact] of list) {
          const b = best.get(doc) || [0, false];
          best.set(doc, [Math.max(b[0], impact * w), b[1] || w === EXACT]);
        }
      }
      for (const [doc, [s, exact]] of best) {
        const t = totals.get(doc) || [0, 0, 0];
        t[0] += 1; t[1] += exact ? 1 : 0; t[2] += s;
        totals.set(doc, t);
      }
    }
    for (const [facet, accepted] of Object.entries(filters)) {
      const allowed = new Set();
      for (const [v, ids] of await this.facet(facet)) if (accepted.includes(v)) ids.forEach((id) => allowed.add(id));
      for (const doc of [...totals.keys()]) if (!allowed.has(doc)) totals.delete(doc);
    }
    const hits = [...totals].map(([doc, [matched, exact, score]]) => ({ doc, matched, exact, score }));
    // A word found as typed beats a completion of it (query.rs says why).
    hits.sort((a, b) => b.matched - a.matched || b.exact - a.exact || b.score - a.score || a.doc - b.doc);
    return { hits, stems: [...allStems].sort(cmp), tokens: toks, partial };
  }

  // Bytes [start, end) of `path`, with an HTTP Range request; a host that ignores Range sends
  // the whole file, which is kept and sliced (format.rs: document groups).
  range(path, start, end) {
    const key = `${path}#${start}-${end}`;
    if (!this.cache.has(key)) {
      const whole = this.cache.get(path);
      this.cache.set(key, whole ? whole.then((b) => b.subarray(start, end)) :
        fetch(`${this.base}${path}?v=${this.m.v}`, { headers: { Range: `bytes=${start}-${end - 1}` } }).then(async (res) => {
          if (!res.ok) throw new Error(`search: ${path}: ${res.status}`);
          const buf = new Uint8Array(await res.arrayBuffer());
          this.bytes += buf.byteLength;
          if (res.status === 206) return buf;
          this.cache.set(path, Promise.resolve(buf));
          return buf.subarray(start, end);
        }));
    }
    return this.cache.get(key);
  }

  // A result's card: its group's offsets, then its own gzipped bytes (gunzipped once).
  async card(doc) {
    if (!this.cache.has(`card ${doc}`)) {
      const size = this.m.group, g = Math.floor(doc / size), i = doc % size;
      const n = Math.min(size, this.m.docs - g * size);
      this.cache.set(`card ${doc}`, this.range(`d/${g}.bin`, 0, 4 * (n + 1)).then((h) => {
        const head = new DataView(h.slice().buffer);
        return this.range(`d/${g}.bin`, head.getUint32(4 * i, true), head.getUint32(4 * i + 4, true));
      }).then(gunzip));
    }
    return JSON.parse(utf8.decode(await this.cache.get(`card ${doc}`)));
  }

  // The window of `width` words with the most matches, and the heading anchor before it.
  excerpt(card, results, width = 24) {
    const fold = this.m.fold;
    const match = (word) => {
      const t = tokens(word, fold)[0];
      return !!t && (results.tokens.includes(t) ||
        results.stems.some((s) => Array.from(s).length >= 3 && t.startsWith(s)));
    };
    let best = { count: 0, anchor: "", words: [] };
    for (const [anchor, , text] of card.x) {
      const words = text.split(/\s+/u).filter(Boolean), marks = words.map(match);
      let count = 0, top = [0, 0];
      for (let end = 0; end < words.length; end++) {
        count += marks[end] ? 1 : 0;
        if (end >= width) count -= marks[end - width] ? 1 : 0;
        if (count > top[0]) top = [count, Math.max(0, end + 1 - width)];
      }
      if (top[0] > best.count || (!best.words.length && words.length)) {
        // Start a few words before the window's first match rather than end on it.
        const first = marks.indexOf(true, top[1]);
        if (first >= 0) top[1] = Math.max(0, first - 3);
        best = { count: top[0], anchor, words: words.slice(top[1], top[1] + width).map((w, k) => [w, marks[top[1] + k]]) };
      }
    }
    if (!best.words.length) best.words = card.s.split(/\s+/u).filter(Boolean).slice(0, width).map((w) => [w, false]);
    return best;
  }
}

const opened = new Map();
// Opens the index at `base` (the site's `/search/` URL), once per page.
export function open(base) {
  if (!opened.has(base)) {
    opened.set(base, fetch(`${base}manifest.bin`, { cache: "no-cache" })
      .then(async (res) => {
        if (!res.ok) throw new Error(`search: manifest: ${res.status}`);
        const buf = await res.arrayBuffer();
        const m = JSON.parse(utf8.decode(await gunzip(buf)));
        const index = new Index(base, m);
        index.bytes += buf.byteLength;
        return index;
      }));
  }
  return opened.get(base);
}

// ---- The user interface: the header combobox and the /search/ page. ----

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

// Excerpt words as text nodes and <mark>s: member data is untrusted, so never HTML.
function excerptNode(ex) {
  const p = el("span", { class: "search-excerpt" });
  ex.words.forEach(([w, hit], k) => {
    if (k) p.append(" ");
    p.append(hit ? el("mark", {}, w) : w);
  });
  return p;
}

function target(card, ex) {
  return ex.anchor ? `${card.u}#${encodeURIComponent(ex.anchor)}` : card.u;
}

function debounce(fn, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

function combobox(input) {
  const base = input.dataset.parvisSearch;
  const list = document.getElementById(input.getAttribute("aria-controls"));
  const form = input.form;
  let active = -1, options = [], run = 0;
  const close = () => {
    list.hidden = true; input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant"); active = -1;
  };
  const setActive = (i) => {
    options.forEach((o, k) => o.setAttribute("aria-selected", k === i ? "true" : "false"));
    active = i;
    if (i >= 0) input.setAttribute("aria-activedescendant", options[i].id);
    else input.removeAttribute("aria-activedescendant");
  };
  const update = debounce(async () => {
    const text = input.value, mine = ++run;
    if (!text.trim()) { list.replaceChildren(); delete list.dataset.query; close(); return; }
    const index = await open(base);
    // The page's language first; every language when it has nothing.
    const lang = document.documentElement.lang;
    let results = index.m.facets && index.m.facets.lang ? await index.search({ text, filters: { lang: [lang] } }) : null;
    if (!results || !results.hits.length) results = await index.search({ text });
    const top = results.hits.slice(0, 8);
    const cards = await Promise.all(top.map((h) => index.card(h.doc)));
    if (mine !== run) return;
    // Options hold text, not links (a link inside an option is a control inside a control):
    // choosing one, by click or Enter, goes to its data-href.
    options = cards.map((card, k) => {
      const ex = index.excerpt(card, results, 16);
      return el("li", { role: "option", id: `${list.id}-${k}`, "aria-selected": "false", "data-href": target(card, ex) },
        el("span", { class: "search-title" }, card.t),
        el("span", { class: "search-kind" }, card.k),
        excerptNode(ex));
    });
    if (results.hits.length) {
      options.push(el("li", { role: "option", class: "search-all", id: `${list.id}-all`, "aria-selected": "false", "data-href": `${base}?q=${encodeURIComponent(text)}` },
        `${list.dataset.allLabel || "All results"} (${results.hits.length}${results.partial ? "+" : ""})`));
      list.replaceChildren(...options);
    } else {
      list.replaceChildren(el("li", { role: "option", class: "search-none", "aria-disabled": "true", "aria-selected": "false" }, list.dataset.noneLabel || "No results"));
    }
    list.hidden = false; input.setAttribute("aria-expanded", "true"); setActive(-1);
    list.dataset.query = text; // what the list shows, for tests and styles
  }, 60);
  input.addEventListener("input", () => { delete list.dataset.query; update(); });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" && options.length) { ev.preventDefault(); setActive((active + 1) % options.length); }
    else if (ev.key === "ArrowUp" && options.length) { ev.preventDefault(); setActive(active <= 0 ? options.length - 1 : active - 1); }
    else if (ev.key === "Escape") { if (!list.hidden) { ev.preventDefault(); close(); } else input.value = ""; }
    else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); location.href = options[active].dataset.href; }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  list.addEventListener("mousedown", (ev) => ev.preventDefault());
  list.addEventListener("click", (ev) => {
    const option = ev.target.closest("[role=option][data-href]");
    if (option) location.href = option.dataset.href;
  });
  if (form) form.addEventListener("submit", (ev) => { if (!input.value.trim()) ev.preventDefault(); });
}

function searchPage(root) {
  const base = root.dataset.parvisSearchPage;
  const input = root.querySelector("input[type=search]");
  const status = root.querySelector("[role=status]");
  const list = root.querySelector(".search-results");
  const facetsBox = root.querySelector(".search-facets");
  const more = root.querySelector(".search-more");
  const names = JSON.parse(root.dataset.facets || "[]");
  const filters = {};
  let shown = 10, full = false, run = 0;
  const params = new URLSearchParams(location.search);
  // Results in the language of the page searched from (`lang=`), else this page's; the
  // visitor unticks it to see every language.
  const lang = params.get("lang") || document.documentElement.lang;
  if (names.includes("lang") && lang && lang !== "all") filters.lang = lang.split(",");
  input.value = params.get("q") || "";
  const render = async () => {
    const text = input.value, mine = ++run;
    const url = new URL(location.href);
    if (text) url.searchParams.set("q", text); else url.searchParams.delete("q");
    if (names.includes("lang")) url.searchParams.set("lang", (filters.lang || ["all"]).join(","));
    history.replaceState(null, "", url);
    if (!text.trim()) { list.replaceChildren(); facetsBox.replaceChildren(); status.textContent = ""; more.hidden = true; return; }
    const index = await open(base);
    const unfiltered = await index.search({ text, full });
    const results = Object.keys(filters).length ? await index.search({ text, filters, full }) : unfiltered;
    // Facet counts among the results in the chosen languages (the language facet itself
    // counts every language), so that ticking a value shows as many results as it says.
    const inLanguage = filters.lang ? await index.search({ text, filters: { lang: filters.lang }, full }) : unfiltered;
    const cards = await Promise.all(results.hits.slice(0, shown).map((h) => index.card(h.doc)));
    if (mine !== run) return;
    list.replaceChildren(...cards.map((card) => {
      const ex = index.excerpt(card, results);
      return el("li", { class: "search-result" },
        el("a", { href: target(card, ex), class: "search-title" }, card.t),
        el("span", { class: "search-kind" }, card.k + (card.d ? ` · ${card.d}` : "")),
        el("p", {}, excerptNode(ex)));
    }));
    const label = results.partial ? root.dataset.moreLabel || "{n}+ results" : root.dataset.countLabel || "{n} results";
    status.textContent = label.replace("{n}", results.hits.length);
    more.hidden = results.hits.length <= shown && !results.partial;
    const groups = [];
    for (const name of names) {
      const counts = await index.facetCounts(name, (name === "lang" ? unfiltered : inLanguage).hits);
      if (counts.length < 2 && !filters[name]) continue;
      const label = root.dataset[`facet${name[0].toUpperCase()}${name.slice(1)}`] || name;
      groups.push(el("fieldset", {}, el("legend", {}, label), ...counts.map(([v, n]) => {
        const box = el("input", { type: "checkbox", value: v, name });
        box.checked = (filters[name] || []).includes(v);
        box.addEventListener("change", () => {
          const set = new Set(filters[name] || []);
          box.checked ? set.add(v) : set.delete(v);
          if (set.size) filters[name] = [...set]; else delete filters[name];
          render();
        });
        // A language by its name (data-lang-fr="Français"), other values as they are.
        const shown = (name === "lang" && root.dataset[`lang${v[0].toUpperCase()}${v.slice(1)}`]) || v;
        return el("label", {}, box, ` ${shown} `, el("span", { class: "count" }, `(${n})`));
      })));
    }
    if (mine === run) facetsBox.replaceChildren(...groups);
  };
  input.addEventListener("input", debounce(() => { shown = 10; render(); }, 60));
  more.addEventListener("click", () => { shown += 10; full = true; render(); });
  root.querySelector("form").addEventListener("submit", (ev) => { ev.preventDefault(); render(); });
  render();
}

if (typeof document !== "undefined") {
  const start = () => {
    document.querySelectorAll("input[data-parvis-search]").forEach(combobox);
    document.querySelectorAll("[data-parvis-search-page]").forEach(searchPage);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
