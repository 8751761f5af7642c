// Site search on Pagefind's JavaScript API. The index holds ASCII search tokens built by
// gongkai/search.py; this file turns a query into the same terms (keep the two in step: the
// tests compare them) and runs one search per kind of token — names, codes, what a project
// belongs to (department, unit, region), and the text of goals and indicators — so that each
// result says why it matched and name matches rank first. A query without Chinese characters
// never searches the text, and one with digits that is part of a code finds codes only.
// Results are built with textContent only: nothing from the index is ever parsed as HTML.

const NAME_CHUNK = 12;
const LATIN_CAP = 40;
const CJK_BASE = 0x3400;
const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
const PAGE = 10;
const FILTERS = ["year", "dept", "region", "l1", "l2"];

const root = document.getElementById("search");
const prefix = (root && root.dataset.prefix) || "/";
let pagefind = null;

// ---- the query, as search.py spells it -------------------------------------------------------

function isCjk(ch) {
  const c = ch.codePointAt(0);
  return (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
}

function encodeChar(ch) {
  const c = ch.codePointAt(0);
  const v = c <= 0x9fff ? c - CJK_BASE : 27648 + (c % 19000);
  return DIGITS[Math.floor(v / 1296)] + DIGITS[Math.floor(v / 36) % 36] + DIGITS[v % 36];
}

const encode = (chars) => chars.map(encodeChar).join("");
const normalise = (text) => text.normalize("NFKC").toLowerCase();

// Chinese runs and latin runs: punctuation ends a Chinese run; spaces and separators inside a
// latin run are dropped, so "zong zhi" and "13022925-P000" read as one word each.
function runs(text) {
  const out = [];
  let kind = "";
  let current = [];
  const push = () => { if (current.length) out.push([kind, current]); current = []; };
  for (const ch of normalise(text)) {
    if (isCjk(ch)) {
      if (kind !== "cjk") { push(); kind = "cjk"; }
      current.push(ch);
    } else if (/^[a-z0-9]$/.test(ch)) {
      if (kind !== "latin") { push(); kind = "latin"; }
      current.push(ch);
    } else if (kind === "cjk") {
      push(); kind = "";
    }
  }
  push();
  return out.map(([k, chars]) => [k, k === "latin" ? chars.join("") : chars]);
}

export function queryTerms(query, splitLatin = false) {
  const terms = { name: [], code: [], context: [], body: [] };
  const parts = splitLatin ? query.split(/\s+/) : [query];
  for (const part of parts) {
    for (const [kind, value] of runs(part)) {
      if (kind === "cjk") {
        for (let i = 0; i < value.length; i += NAME_CHUNK) {
          const chunk = encode(value.slice(i, i + NAME_CHUNK));
          terms.name.push("n" + chunk);
          terms.context.push("k" + chunk);
        }
        const n = Math.max(1, value.length - 1);
        for (let i = 0; i < n; i++) terms.body.push("b" + encode(value.slice(i, i + 2)));
      } else {
        const spelled = value.slice(0, LATIN_CAP);
        terms.name.push("l" + spelled);
        terms.code.push("c" + spelled);
        terms.context.push("p" + spelled);
        terms.body.push("m" + spelled);
      }
    }
  }
  terms.cjk = runs(query).some(([k]) => k === "cjk");
  terms.digits = /[0-9]/.test(normalise(query));
  return terms;
}

// ---- matching a result's name, for ranking and highlighting ----------------------------------

// Per character of the name: its folded form, and the pinyin/initial "unit" it contributes.
function nameUnits(title, py) {
  const syllables = (py || "").split(" ");
  return Array.from(title).map((ch, i) => {
    const folded = normalise(ch);
    const syl = syllables[i] && syllables[i] !== "-" ? syllables[i].replace(/^0/, "") : "";  // see search.name_pinyin
    const alnum = /^[a-z0-9]$/.test(folded) ? folded : "";
    return { folded, full: syl || alnum, initial: syl ? syl[0] : alnum, boundary: Boolean(syl || alnum) };
  });
}

// Where `needle` starts at a unit boundary in the units' spelling; returns [first, last] chars.
function findSpelled(units, key, needle) {
  for (let start = 0; start < units.length; start++) {
    if (!units[start].boundary) continue;
    let text = "";
    let end = start;
    for (; end < units.length && text.length < needle.length; end++) text += units[end][key];
    if (text.startsWith(needle)) return [start, end - 1];
  }
  return null;
}

function findCjk(units, run) {
  const chars = units.map((u) => u.folded);
  for (let start = 0; start + run.length <= chars.length; start++) {
    let ok = true;
    for (let j = 0; j < run.length && ok; j++) ok = chars[start + j] === run[j];
    if (ok) return [start, start + run.length - 1];
  }
  return null;
}

// Character ranges of the name that the query matches, or null when some part of the query is
// not in the name (then the result matched on other text).
export function matchName(title, py, query) {
  const units = nameUnits(title, py);
  const ranges = [];
  for (const [kind, value] of runs(query)) {
    let range = kind === "cjk" ? findCjk(units, value) : null;
    if (kind === "latin") {
      range = findSpelled(units, "full", value) || findSpelled(units, "initial", value);
      if (!range) {
        // codes: the name's letters and digits with separators dropped
        const alnum = units.map((u, i) => [u.folded, i]).filter(([f]) => /^[a-z0-9]$/.test(f));
        const text = alnum.map(([f]) => f).join("");
        const at = text.indexOf(value);
        if (at >= 0) range = [alnum[at][1], alnum[at + value.length - 1][1]];
      }
    }
    if (!range) return null;
    ranges.push(range);
  }
  return ranges;
}

const squash = (text) => runs(text).map(([k, v]) => (k === "cjk" ? v.join("") : v)).join("");

// Why a result matched, in the order results are grouped: the exact name or code first.
export const REASONS = ["name", "code", "context", "body"];
const REASON_LABELS = { exact: "名称或编码完全一致", name: "名称", code: "编码", context: "所属部门、单位或地区", body: "目标与指标" };

function tierOf(data, query, reason) {
  const meta = data.meta || {};
  const q = squash(query);
  const names = [meta.title || "", meta.code || "", ...(meta.also ? meta.also.split("、") : [])];
  if (q && (reason === "name" || reason === "code") && names.some((n) => n && squash(n) === q)) return 0;
  return 1 + REASONS.indexOf(reason);
}

// ---- running a search ------------------------------------------------------------------------

let loading = null;

// ---- the index in bundles (one per year and region, see search.py) ---------------------------

// The bundles' folders below pagefind/, from pagefind/bundles.json.
async function bundleList() {
  const response = await fetch(prefix + "pagefind/bundles.json");
  if (!response.ok) throw new Error("pagefind/bundles.json: " + response.status);
  return (await response.json()).bundles || [];
}

// The first bundle is Pagefind's primary index; the others are merged into it, so one search
// reads them all (filters included).
async function mergeBundles(pf, bundles) {
  // No web worker: it would be one more script (40 KB) to download before the first result.
  await pf.options({ basePath: prefix + "pagefind/" + bundles[0], noWorker: true });
  await pf.init();
  for (const bundle of bundles.slice(1)) await pf.mergeIndex(prefix + "pagefind/" + bundle);
}

// Pagefind answers a term that one bundle's index lacks with that bundle's words sharing a
// shorter prefix. A record really matches when each of the query's terms is a prefix of one of
// its tokens (the rule the tokens are built for): keep only those.
export function exactMatch(content, terms) {
  // Pagefind writes a zero-width space (U+200B) before each word of a record's content.
  const tokens = (content || "").split(/[\s\u200b]+/);
  return terms.every((term) => tokens.some((token) => token.startsWith(term)));
}

// Scores of different bundles do not compare: all results are ordered by tier first (their data
// is loaded anyway), each tier in Pagefind's order.
function byTier(items, query) {
  const tiers = new Map(items.map((x) => [x, tierOf(x.data, query, x.reason)]));
  items.sort((a, b) => tiers.get(a) - tiers.get(b));
}

// Results whose record holds every term; their data is loaded here once and kept for ranking.
async function exactResults(results, terms, batch = 50) {
  const kept = [];
  for (let i = 0; i < results.length; i += batch) {
    const slice = results.slice(i, i + batch);
    const data = await Promise.all(slice.map((r) => r.data()));
    slice.forEach((r, j) => { if (exactMatch(data[j].content, terms)) kept.push({ r, data: data[j] }); });
  }
  return kept;
}

// Loaded once, however many searches ask for it at the same time.
function loadPagefind() {
  if (!loading) {
    loading = (async () => {
      const bundles = await bundleList();
      if (!bundles.length) return null;  // nothing published yet: every search finds nothing
      const pf = await import(prefix + "pagefind/pagefind.js");
      await mergeBundles(pf, bundles);
      pagefind = pf;
      return pf;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function activeFilters(filters) {
  const out = {};
  for (const key of FILTERS) if (filters && filters[key]) out[key] = filters[key];
  return out;
}

// One Pagefind search per reason; a result belongs to the first that finds it. A query of digits
// that is part of a code finds codes only; a query without Chinese finds no text (digits and
// letters in goals are amounts and dates, not what a reader looks up). `early` gets the name
// matches as soon as they are known when they fill a page: that page is then final.
function plannedSearches(terms) {
  const out = [["name", terms.name]];
  if (!terms.cjk) out.push(["code", terms.code]);
  out.push(["context", terms.context]);
  if (terms.cjk) out.push(["body", terms.body]);
  return out;
}

// Pagefind answers a term that matches no word with the words of its longest prefix that is one
// (99999999 found "9", 治鳄 found 治). It does so when no record of an index holds the term; the
// index is in bundles merged into one search, so each result is checked (see exactResults):
// [{ r, data }] of the results that hold every term.
async function found(pf, terms, options) {
  if (!terms.length) return [];
  return exactResults((await pf.search(terms.join(" "), options)).results, terms);
}

async function rawSearch(query, filters, early = null) {
  const pf = await loadPagefind();
  if (!pf) return [];
  const options = { filters: activeFilters(filters) };
  if (!query.trim()) {
    if (!Object.keys(options.filters).length) return [];
    return (await pf.search(null, options)).results.map((r) => ({ r, reason: "name" }));
  }
  for (const split of [false, true]) {
    const terms = queryTerms(query, split);
    const hits = {};
    for (const [reason, list] of plannedSearches(terms)) {
      hits[reason] = await found(pf, list, options);
      if (reason === "name" && early && hits.name.length >= PAGE) await early(hits.name.map((x) => ({ ...x, reason })));
    }
    const reasons = terms.digits && !terms.cjk && hits.code.length ? ["code"] : Object.keys(hits);
    const seen = new Set();
    const merged = [];
    for (const reason of reasons) {
      for (const x of hits[reason]) if (!seen.has(x.r.id)) { seen.add(x.r.id); merged.push({ ...x, reason }); }
    }
    byTier(merged, query);
    if (merged.length || split || !/\s/.test(query.trim())) return merged;
  }
  return [];
}

// Loads the data of results [from, to) and orders them: exact name or code (tier 0), then by
// reason — name (1), code (2), department/unit/region (3), goals and indicators (4) — each tier
// in Pagefind's order.
async function rank(items, query, from, to) {
  const slice = items.slice(from, to);
  const data = await Promise.all(slice.map((item) => item.data || item.r.data()));
  const ranked = slice.map((item, i) => ({ data: data[i], reason: item.reason,
    tier: query.trim() ? tierOf(data[i], query, item.reason) : 1, order: i }));
  ranked.sort((a, b) => a.tier - b.tier || a.order - b.order);
  return ranked;
}

const whyLabel = (entry) => REASON_LABELS[entry.tier === 0 ? "exact" : entry.reason];

// For tests and for anyone scripting the page: ordered results with their meta.
export async function search(query, filters = {}, limit = PAGE) {
  const items = await rawSearch(query, filters);
  const ranked = await rank(items, query, 0, Math.min(limit, items.length));
  return {
    total: items.length,
    results: ranked.map((x) => ({ url: x.data.url, tier: x.tier, why: whyLabel(x), meta: x.data.meta })),
    rest: items.slice(ranked.length).map((item) => item.r.id),
  };
}

// ---- the page --------------------------------------------------------------------------------

function highlighted(title, py, query) {
  const span = document.createElement("span");
  const chars = Array.from(title);
  const marked = new Array(chars.length).fill(false);
  for (const [kind, value] of query.trim() ? runs(query) : []) {
    const ranges = matchName(title, py, kind === "cjk" ? value.join("") : value);
    for (const [a, b] of ranges || []) for (let i = a; i <= b; i++) marked[i] = true;
  }
  let i = 0;
  while (i < chars.length) {
    let j = i;
    while (j < chars.length && marked[j] === marked[i]) j++;
    const text = chars.slice(i, j).join("");
    if (marked[i]) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      span.appendChild(mark);
    } else {
      span.appendChild(document.createTextNode(text));
    }
    i = j;
  }
  return span;
}

function resultItem(entry, query) {
  const meta = entry.data.meta || {};
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = entry.data.url;
  link.className = "search-title";
  link.appendChild(highlighted(meta.title || entry.data.url, meta.py, query));
  li.appendChild(link);
  const facts = document.createElement("p");
  facts.className = "search-facts";
  const fullName = (meta.also || "").split("、")[0];
  const parts = [meta.kind, meta.kind === "项目" ? meta.dept : fullName, meta.year ? meta.year + "年" : ""];
  facts.textContent = parts.filter(Boolean).join(" · ");
  if (meta.amount) {
    const amount = document.createElement("span");
    amount.className = "amount-text";  // never broken between number and unit
    amount.textContent = meta.amount;
    facts.append(" · ", amount);
  }
  li.appendChild(facts);
  if (meta.code && meta.code !== meta.title) {
    const code = document.createElement("p");
    code.className = "search-code";
    code.textContent = "编码：";
    code.appendChild(highlighted(meta.code, "", query));
    li.appendChild(code);
  }
  if (query.trim()) {
    const why = document.createElement("p");
    why.className = "search-why";
    why.textContent = "匹配：" + whyLabel(entry);
    li.appendChild(why);
  }
  return li;
}

function readState() {
  const params = new URLSearchParams(window.location.search);
  const state = { q: params.get("q") || "" };
  for (const key of FILTERS) state[key] = params.get(key) || "";
  return state;
}

function writeState(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const key of FILTERS) if (state[key]) params.set(key, state[key]);
  const qs = params.toString();
  window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
}

// The menus' values come from search/filters.json (a few KB), written with the index: asking
// Pagefind would download every filter file first.
async function fillFilters(form, state) {
  const response = await fetch(prefix + "search/filters.json");
  const options = response.ok ? await response.json() : {};
  for (const select of form.querySelectorAll("select[data-filter]")) {
    const key = select.dataset.filter;
    const values = options[key] || [];
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value + (key === "year" ? "年" : "");
      select.appendChild(option);
    }
    if (!values.length) select.closest("label").hidden = true;
    select.value = state[key] && values.includes(state[key]) ? state[key] : "";
    if (state[key] && !values.includes(state[key])) {
      const option = document.createElement("option");
      option.value = state[key];
      option.textContent = state[key];
      select.appendChild(option);
      select.value = state[key];
    }
  }
}

function start() {
  if (!root) return;
  root.hidden = false;
  const form = root.querySelector("form");
  const input = root.querySelector("#search-input");
  const status = root.querySelector(".search-status");
  const list = root.querySelector(".search-results");
  const more = root.querySelector(".search-more");
  let state = readState();
  let items = [];
  let shown = 0;
  let run = 0;

  input.value = state.q;
  const header = document.getElementById("site-search");
  if (header) header.value = state.q;

  async function showMore(query, ticket) {
    const ranked = await rank(items, query, shown, shown + PAGE);
    if (ticket !== run) return;
    for (const entry of ranked) list.appendChild(resultItem(entry, query));
    shown += ranked.length;
    more.hidden = shown >= items.length;
  }

  async function update() {
    const ticket = ++run;
    state = { q: input.value.trim() };
    for (const select of form.querySelectorAll("select[data-filter]")) state[select.dataset.filter] = select.value;
    writeState(state);
    list.replaceChildren();
    more.hidden = true;
    shown = 0;
    if (!state.q && !FILTERS.some((k) => state[k])) {
      status.textContent = "请输入项目名称、部门名称、拼音或项目编码。";
      return;
    }
    status.textContent = "正在搜索…";
    const early = async (names) => {
      if (ticket !== run) return;
      items = names;
      status.textContent = `名称中找到 ${names.length} 条结果，正在查找其他内容…`;
      await showMore(state.q, ticket);
    };
    try {
      items = await rawSearch(state.q, state, early);
    } catch (error) {
      if (ticket === run) status.textContent = "搜索暂时无法使用。请按年度浏览部门和项目。";
      return;
    }
    if (ticket !== run) return;
    status.textContent = items.length ? `找到 ${items.length} 条结果` : "没有找到结果。可以换用较短的关键词、拼音首字母或项目编码的一部分。";
    if (shown) more.hidden = shown >= items.length;
    else await showMore(state.q, ticket);
  }

  let timer = 0;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(update, 250); });
  form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(timer); update(); });
  for (const select of form.querySelectorAll("select")) select.addEventListener("change", update);
  more.addEventListener("click", () => showMore(state.q, run));
  window.gongkaiSearch = search;
  window.gongkaiQueryTerms = queryTerms;
  loadPagefind().catch(() => {});  // fetch Pagefind's code while the reader types
  fillFilters(form, state).catch(() => {}).then(update);
}

start();
