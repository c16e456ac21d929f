#!/usr/bin/env node
// tests/e2e/i18n-keys.mjs - every translation key the web UI uses, and what
// web/js/i18n/uk.js and en.js lack.  No dependencies.
//
//   node tests/e2e/i18n-keys.mjs http://127.0.0.1:PORT
//
// logs in as each demo user, reads GET /api/v1/schema, and prints the keys
// missing from uk.js, the entity:/field:/value:/move: keys missing from
// en.js, Ukrainian entries that drop or rename a {placeholder} or are the
// English text unchanged, t() calls whose key cannot be known (a template
// with ${...} that is not one of the helpers), and the keys of uk.js that
// nothing uses any more.  Exits 1 when anything is missing or wrong.
//
// Where keys come from:
//  1. the code: string literals passed to t() and, prefixed, to tf()
//     ("field:"), tv() ("value:"), te() ("entity:"), tm() ("move:"), in every
//     web/js/**/*.js except web/js/i18n/; both branches of t(c ? 'a' : 'b');
//     arrays of literals mapped through a helper, e.g.
//     ['requested', 'allocated'].map((k) => tf(k)) or
//     [['status', x], ['as_of', y]].map(([k, v]) => tf(k)), also when the
//     array is a const of the same file;
//  2. labels translated where they are used, t(SPECIAL[id].label),
//     t(s.label), t(r.label): every `label: '...'` literal in web/js (app.js
//     SPECIAL, resources.js SECTIONS, pages/reports.js REPORTS);
//  3. resources.js RESOURCES: the columns and filters of the lists
//     (dataTable labels them tf(column));
//  4. the API schema of every role: entity names, field names, enum
//     choices, event types, roles, transitions (from and to as value:,
//     to as move:);
//  5. values that only the server's answers carry (RUNTIME below: audit
//     actions, plan shortfall reasons, readiness source kinds,
//     reconciliation states), and the audit trail's "sessions" entity.
//
// Exports keys({schemas}) (a Set), and the pieces the test
// (i18n.test.mjs) uses: fetchSchemas, loadDicts, check, codeKeys, ALLOW.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_JS = join(ROOT, 'web/js');
const I18N_DIR = join(WEB_JS, 'i18n');

// The demo logins (build/nsatu demo), one per role.
export const DEMO_USERS = [
  ['admin', 'demo-admin-2026'],
  ['planner', 'demo-planner-2026'],
  ['liaison.deu', 'demo-liaison-2026'],
  ['officer.ukr', 'demo-officer-2026'],
  ['node.rze', 'demo-node-2026'],
  ['facility.grf', 'demo-facility-2026'],
  ['auditor', 'demo-auditor-2026'],
];

// Values the UI shows with tv() that are in no schema: they come in the
// server's answers.  Keep in step with the C sources named.
export const RUNTIME = {
  // GET /audit "action" (pages/audit.js tv(r.action)): svc_audit_write,
  // svc_patch_record and svc_set_status callers in src/svc/.
  audit_actions: ['create', 'update', 'delete', 'login', 'logout', 'ingest', 'transition',
    'route', 'graduate', 'approve', 'load', 'unload', 'release', 'repair'],
  // GET /audit "entity" beyond the schema's resources (te(r.entity)).
  audit_entities: ['sessions'],
  // Write-only inputs of forms (resources.js "inputs": tf(name)).
  input_fields: ['password', 'service_number'],
  // A plan's shortfalls "why[].reason" (pages/plans.js): src/plan/problem.c reason_names.
  plan_reasons: ['no_supply', 'no_route', 'donor_condition', 'too_late', 'node_capacity', 'lane_capacity', 'competition'],
  // Readiness sources "kind" (pages/readiness.js): src/plan/readiness.c ready_kind_name.
  readiness_kinds: ['received', 'in_transit', 'allocated', 'in_repair', 'graduated', 'projected'],
  // End-use reconciliation serial "state" (pages/reports.js): src/svc/enduse.c states.
  reconciliation_states: ['inventoried', 'not_inventoried', 'lost', 'destroyed', 'expended'],
};

// Ukrainian entries that may equal the English: codes and acronyms.
export const ALLOW = new Set(['nsatu', 'ID', 'NSN', 'CSV', 'XLSX', 'PDF', 'EUR', 'USD', 'P1', 'P2', 'P3', 'P4', 'H1', 'H2']);
export const allowedSame = (s) => ALLOW.has(s) || /^[A-Z]{3}$/.test(s);   // and ISO alpha-3 codes (nations, currencies)

const PREFIX = { tf: 'field:', tv: 'value:', te: 'entity:', tm: 'move:' };
const UI_CALLEES = new Set(['t']);
const HELPER_TEMPLATE = /^(field|value|entity|move):$/;

// ---- A small JavaScript lexer: strings, templates (with the tokens of
// their ${} expressions), comments and regular expression literals. ---------

const PUNCT_BEFORE_REGEX = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^', '=>', '&&', '||', '??', '==', '===', '!=', '!==']);
const WORD_BEFORE_REGEX = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

function lex(src) {
  let i = 0;
  let line = 1;
  const n = src.length;

  function readString(q) {
    let out = '';
    i++;
    while (i < n && src[i] !== q) {
      if (src[i] === '\\') { out += unescape(src[i + 1]); i += 2; continue; }
      if (src[i] === '\n') line++;
      out += src[i++];
    }
    i++;
    return out;
  }
  function unescape(c) {
    return { n: '\n', t: '\t', r: '\r', '0': '\0' }[c] ?? c;
  }

  // Tokens until @stop ('}' closing a template expression) at depth 0.
  function tokens(stop) {
    const out = [];
    let depth = 0;
    const last = () => out[out.length - 1];
    while (i < n) {
      const c = src[i];
      if (c === '\n') { line++; i++; continue; }
      if (/\s/.test(c)) { i++; continue; }
      if (c === '/' && src[i + 1] === '/') { while (i < n && src[i] !== '\n') i++; continue; }
      if (c === '/' && src[i + 1] === '*') {
        const end = src.indexOf('*/', i + 2);
        const stopAt = end < 0 ? n : end + 2;
        for (let k = i; k < stopAt; k++) if (src[k] === '\n') line++;
        i = stopAt;
        continue;
      }
      const at = line;
      if (c === '\'' || c === '"') { out.push({ type: 'str', value: readString(c), line: at }); continue; }
      if (c === '`') { out.push(readTemplate(at)); continue; }
      if (c === '/') {
        const p = last();
        const regexOk = !p || (p.type === 'punct' && PUNCT_BEFORE_REGEX.has(p.value)) || (p.type === 'ident' && WORD_BEFORE_REGEX.has(p.value));
        if (regexOk) {
          let inClass = false;
          i++;
          while (i < n) {
            const d = src[i];
            if (d === '\\') { i += 2; continue; }
            if (d === '[') inClass = true;
            else if (d === ']') inClass = false;
            else if (d === '/' && !inClass) break;
            else if (d === '\n') break;
            i++;
          }
          i++;
          while (i < n && /[a-z]/i.test(src[i])) i++;
          out.push({ type: 'regex', line: at });
          continue;
        }
      }
      if (/[A-Za-z_$]/.test(c)) {
        let j = i;
        while (j < n && /[\w$]/.test(src[j])) j++;
        out.push({ type: 'ident', value: src.slice(i, j), line: at });
        i = j;
        continue;
      }
      if (/[0-9]/.test(c)) {
        let j = i;
        while (j < n && /[\w.]/.test(src[j])) j++;
        out.push({ type: 'num', value: src.slice(i, j), line: at });
        i = j;
        continue;
      }
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      let p = c;
      if (['===', '!==', '...', '??=', '||=', '&&='].includes(three)) p = three;
      else if (['=>', '==', '!=', '&&', '||', '??', '?.', '<=', '>=', '++', '--', '+=', '-='].includes(two)) p = two;
      if (p === '{') depth++;
      if (p === '}') {
        if (stop && depth === 0) { i++; return out; }
        depth--;
      }
      out.push({ type: 'punct', value: p, line: at });
      i += p.length;
    }
    return out;
  }

  function readTemplate(at) {
    const parts = [''];
    const exprs = [];
    i++;
    while (i < n && src[i] !== '`') {
      if (src[i] === '\\') { parts[parts.length - 1] += unescape(src[i + 1]); i += 2; continue; }
      if (src[i] === '$' && src[i + 1] === '{') {
        i += 2;
        exprs.push(tokens(true));
        parts.push('');
        continue;
      }
      if (src[i] === '\n') line++;
      parts[parts.length - 1] += src[i++];
    }
    i++;
    return { type: 'tmpl', parts, exprs, line: at };
  }

  return tokens(false);
}

// The tokens from @start (an opening bracket) to its match; returns the
// index after the closing one.
function matching(toks, start) {
  const open = toks[start].value;
  const close = { '(': ')', '[': ']', '{': '}' }[open];
  let depth = 0;
  for (let k = start; k < toks.length; k++) {
    const x = toks[k];
    if (x.type !== 'punct') continue;
    if (x.value === '(' || x.value === '[' || x.value === '{') depth++;
    else if (x.value === ')' || x.value === ']' || x.value === '}') {
      depth--;
      if (depth === 0) {
        if (x.value !== close) return -1;
        return k + 1;
      }
    }
  }
  return -1;
}

// Split @toks (inside brackets) at commas of depth 0.
function splitArgs(toks) {
  const args = [[]];
  let depth = 0;
  for (const x of toks) {
    if (x.type === 'punct') {
      if ('([{'.includes(x.value)) depth++;
      else if (')]}'.includes(x.value)) depth--;
      else if (x.value === ',' && depth === 0) { args.push([]); continue; }
    }
    args[args.length - 1].push(x);
  }
  return args.filter((a) => a.length);
}

// Every token, also those inside template expressions.
function* flat(toks) {
  for (const x of toks) {
    yield x;
    if (x.type === 'tmpl') for (const e of x.exprs) yield* flat(e);
  }
}

const literal = (x) => (x.type === 'str' ? x.value : x.type === 'tmpl' && !x.exprs.length ? x.parts[0] : null);

// ---- Keys in the code. ----------------------------------------------------------

export function jsFiles(dir = WEB_JS) {
  const out = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (p === I18N_DIR) continue;
    if (statSync(p).isDirectory()) out.push(...jsFiles(p));
    else if (f.endsWith('.js')) out.push(p);
  }
  return out;
}

/*
 * codeKeys(): {keys: Map key -> ["file:line", ...], templates: [{where,
 * text}] (t() of a template with ${} that is not a helper), dynamic:
 * [{where, text}] (t() of an expression: its keys must come from one of the
 * label sources)}.
 */
export function codeKeys(files = jsFiles()) {
  const keys = new Map();
  const templates = [];
  const dynamic = [];
  const add = (key, where) => {
    if (!keys.has(key)) keys.set(key, []);
    keys.get(key).push(where);
  };
  for (const file of files) {
    const rel = relative(ROOT, file);
    const src = readFileSync(file, 'utf8');
    const toks = lex(src);
    const all = [...flat(toks)];
    const consts = constArrays(toks);

    // Calls of t, tf, tv, te, tm.  Scan every token list (templates'
    // expressions included) separately, so brackets match.
    const lists = [toks];
    for (const x of all) if (x.type === 'tmpl') lists.push(...x.exprs);
    for (const list of lists) {
      for (let k = 0; k + 1 < list.length; k++) {
        const x = list[k];
        if (x.type !== 'ident' || !(UI_CALLEES.has(x.value) || PREFIX[x.value])) continue;
        const prev = list[k - 1];
        if (prev && prev.type === 'punct' && (prev.value === '.' || prev.value === '?.')) continue;
        if (prev && prev.type === 'ident' && (prev.value === 'function' || prev.value === 'const' || prev.value === 'let')) continue;
        if (list[k + 1].type !== 'punct' || list[k + 1].value !== '(') continue;
        const end = matching(list, k + 1);
        if (end < 0) continue;
        const args = splitArgs(list.slice(k + 2, end - 1));
        if (!args.length) continue;
        const arg = args[0];
        const where = `${rel}:${x.line}`;
        const prefix = PREFIX[x.value] || '';
        const lit = arg.length === 1 ? literal(arg[0]) : null;
        if (lit !== null) { add(prefix + lit, where); continue; }
        // c ? 'a' : 'b': the literals after the first "?" of depth 0.
        const q = arg.findIndex((y) => y.type === 'punct' && y.value === '?');
        if (q > 0) {
          const branches = arg.slice(q + 1).filter((y, m, a) => y.type === 'str'
            && (m === 0 || (a[m - 1].type === 'punct' && (a[m - 1].value === '?' || a[m - 1].value === ':')))
            && (m === a.length - 1 || (a[m + 1].type === 'punct' && (a[m + 1].value === ':' || a[m + 1].value === '?'))));
          if (branches.length) {
            for (const b of branches) add(prefix + b.value, where);
            continue;
          }
        }
        if (arg.length === 1 && arg[0].type === 'tmpl') {
          const tp = arg[0];
          if (!prefix && tp.exprs.length === 1 && HELPER_TEMPLATE.test(tp.parts[0]) && tp.parts[1] === '') continue;
          templates.push({ where, text: '`' + tp.parts.join('${…}') + '`' });
          continue;
        }
        if (prefix) continue;   // tf(name) and the like: the schema's names
        dynamic.push({ where, text: `${x.value}(${arg.map((y) => y.value ?? (y.type === 'str' ? `'${y.value}'` : '…')).join('')})` });
      }
    }

    // label: '...' literals (SPECIAL, SECTIONS, REPORTS; translated where used).
    for (let k = 0; k + 2 < all.length; k++) {
      const x = all[k];
      if (x.type === 'ident' && x.value === 'label' && all[k + 1].type === 'punct' && all[k + 1].value === ':') {
        const lit = literal(all[k + 2]);
        const after = all[k + 3];
        if (lit !== null && (!after || (after.type === 'punct' && (after.value === ',' || after.value === '}')))) add(lit, `${rel}:${x.line}`);
      }
    }

    // [literals].map((k) => ... tf(k) ...), also CONST.map(...).
    for (const list of lists) {
      for (let k = 0; k < list.length; k++) {
        let arr = null;
        let after;
        const x = list[k];
        if (x.type === 'punct' && x.value === '[') {
          const end = matching(list, k);
          if (end < 0) continue;
          arr = list.slice(k + 1, end - 1);
          after = end;
        } else if (x.type === 'ident' && consts.has(x.value) && !(list[k - 1]?.type === 'ident' && list[k - 1].value === 'const')) {
          arr = consts.get(x.value);
          after = k + 1;
        } else continue;
        if (!(list[after]?.value === '.' && list[after + 1]?.value === 'map' && list[after + 2]?.value === '(')) continue;
        const cbEnd = matching(list, after + 2);
        if (cbEnd < 0) continue;
        const cb = list.slice(after + 3, cbEnd - 1);
        const param = firstParam(cb);
        if (!param) continue;
        const body = [...flat(cb)];
        const prefixes = new Set();
        for (let m = 0; m + 3 < body.length; m++) {
          const y = body[m];
          if (y.type === 'ident' && PREFIX[y.value] && body[m + 1].value === '(' && body[m + 2].type === 'ident'
            && body[m + 2].value === param && body[m + 3].value === ')' && body[m - 1]?.value !== '.') prefixes.add(PREFIX[y.value]);
          if (y.type === 'ident' && y.value === 't' && body[m + 1].value === '(' && body[m + 2].type === 'tmpl') {
            const tp = body[m + 2];
            if (tp.exprs.length === 1 && HELPER_TEMPLATE.test(tp.parts[0]) && tp.exprs[0].length === 1 && tp.exprs[0][0].value === param) prefixes.add(tp.parts[0]);
          }
        }
        if (!prefixes.size) continue;
        for (const el of splitArgs(arr)) {
          let lit = literal(el[0]);
          if (lit === null && el[0].value === '[' && el[1]) lit = literal(el[1]);
          if (lit === null) continue;
          for (const p of prefixes) add(p + lit, `${rel}:${x.line}`);
        }
      }
    }
  }
  return { keys, templates, dynamic };
}

// const NAME = [ ... ]; at the top of a file: NAME -> its tokens.
function constArrays(toks) {
  const out = new Map();
  for (let k = 0; k + 3 < toks.length; k++) {
    if (toks[k].value === 'const' && toks[k + 1].type === 'ident' && toks[k + 2].value === '=' && toks[k + 3].value === '[') {
      const end = matching(toks, k + 3);
      if (end > 0) out.set(toks[k + 1].value, toks.slice(k + 4, end - 1));
    }
  }
  return out;
}

// The name of the first parameter of an arrow function (k) =>, k =>, ([k, v]) =>.
function firstParam(cb) {
  if (cb[0]?.type === 'ident' && cb[1]?.value === '=>') return cb[0].value;
  if (cb[0]?.value === '(' && cb[1]?.type === 'ident') return cb[1].value;
  if (cb[0]?.value === '(' && cb[1]?.value === '[' && cb[2]?.type === 'ident') return cb[2].value;
  return null;
}

// ---- Keys in the schema. -----------------------------------------------------------

export function schemaKeys(schemas) {
  const out = new Set();
  for (const s of schemas) {
    if (s.role) out.add(`value:${s.role}`);
    for (const ty of s.event_types || []) out.add(`value:${ty}`);
    for (const [name, e] of Object.entries(s.entities || {})) {
      out.add(`entity:${name}`);
      for (const f of e.fields || []) {
        out.add(`field:${f.name}`);
        for (const c of f.choices || []) out.add(`value:${c}`);
      }
      for (const m of e.transitions || []) {
        out.add(`value:${m.from}`);
        out.add(`value:${m.to}`);
        out.add(`move:${m.to}`);
      }
    }
  }
  return out;
}

export function runtimeKeys() {
  const out = new Set();
  for (const [what, list] of Object.entries(RUNTIME)) {
    const prefix = { audit_entities: 'entity', input_fields: 'field' }[what] || 'value';
    for (const v of list) out.add(`${prefix}:${v}`);
  }
  return out;
}

/*
 * keys({schemas}): every key the UI uses, as a Set.  schemas: the answers
 * of GET /schema (one per role; transitions differ by role).  code: a
 * codeKeys() answer already at hand.
 */
export function keys({ schemas = [], code = null } = {}) {
  const out = new Set((code || codeKeys()).keys.keys());
  for (const k of resourceKeys()) out.add(k);
  for (const k of schemaKeys(schemas)) out.add(k);
  for (const k of runtimeKeys()) out.add(k);
  return out;
}

// The columns and filters of resources.js RESOURCES as field: keys, its
// children as entity: keys.  The module is plain data: evaluated as such
// (no import, so keys() stays synchronous).
export function resourceKeys() {
  const src = readFileSync(join(WEB_JS, 'resources.js'), 'utf8')
    .replace(/^\s*import\b.*$/gm, '').replace(/^\s*export\s+(const|let|function)\s+/gm, '$1 ');
  // eslint-disable-next-line no-new-func
  const RESOURCES = new Function(`${src}; return typeof RESOURCES === 'undefined' ? {} : RESOURCES;`)();
  const out = new Set();
  for (const r of Object.values(RESOURCES)) {
    const cols = [...(r.columns || []), ...(r.filters || []), ...(r.children || []).flatMap((c) => c.columns || [])];
    for (const c of cols) out.add(`field:${typeof c === 'string' ? c : c.key}`);
    for (const c of r.children || []) out.add(`entity:${c.entity}`);
  }
  return out;
}

// ---- The dictionaries. -------------------------------------------------------------

export async function loadDicts() {
  const load = async (f) => (await import(pathToFileURL(join(I18N_DIR, f)).href + `?t=${Date.now()}`)).default;
  return { en: await load('en.js'), uk: await load('uk.js') };
}

const PREFIXED = /^(entity|field|value|move):/;
const placeholders = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/*
 * check({used, en, uk}): what is wrong, as lists of keys (or [key, detail]).
 *   missingUk     used keys without a Ukrainian entry
 *   missingEn     used entity:/field:/value:/move: keys without English
 *   placeholders  [key, english, ukrainian] whose {names} differ
 *   same          [key, text]: Ukrainian equal to the English, not allowed
 *   unused        keys of uk.js no longer used
 */
export function check({ used, en, uk }) {
  const english = (k) => (PREFIXED.test(k) ? en[k] : k);
  const r = { missingUk: [], missingEn: [], placeholders: [], same: [], unused: [] };
  for (const k of [...used].sort()) {
    if (PREFIXED.test(k) && typeof en[k] !== 'string') r.missingEn.push(k);
    if (typeof uk[k] !== 'string' || !uk[k].trim()) { r.missingUk.push(k); continue; }
  }
  for (const [k, v] of Object.entries(uk)) {
    const e = english(k);
    if (e === undefined) continue;
    if (placeholders(e).join(',') !== placeholders(v).join(',')) r.placeholders.push([k, e, v]);
    if (v.trim() === String(e).trim() && !allowedSame(v.trim())) r.same.push([k, v]);
    if (!used.has(k)) r.unused.push(k);
  }
  r.unused.sort();
  return r;
}

// ---- Fetching the schemas. -----------------------------------------------------------

export async function fetchSchemas(base, users = DEMO_USERS) {
  const out = [];
  for (const [username, password] of users) {
    const s = await fetch(`${base}/api/v1/sessions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username, password }), signal: AbortSignal.timeout(30000),
    });
    if (!s.ok) throw new Error(`login as ${username}: HTTP ${s.status}`);
    const { token } = await s.json();
    const r = await fetch(`${base}/api/v1/schema`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(30000) });
    if (!r.ok) throw new Error(`GET /schema as ${username}: HTTP ${r.status}`);
    out.push(await r.json());
    await fetch(`${base}/api/v1/sessions/current`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
  }
  return out;
}

// Everything at once: {used, code, dicts, result}.
export async function audit(base, { schemas } = {}) {
  schemas = schemas || await fetchSchemas(base);
  const code = codeKeys();
  const used = keys({ schemas, code });
  const dicts = await loadDicts();
  return { used, code, schemas, ...dicts, result: check({ used, ...dicts }) };
}

// ---- The command line. ---------------------------------------------------------------

async function main() {
  const base = (process.argv[2] || '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) {
    console.error('usage: node tests/e2e/i18n-keys.mjs http://127.0.0.1:PORT');
    process.exit(2);
  }
  const { used, code, result: r } = await audit(base);
  const list = (title, items, fmt = (x) => x) => {
    console.log(`${title}: ${items.length}`);
    for (const x of items) console.log(`  ${fmt(x)}`);
  };
  const where = (k) => (code.keys.get(k) || []).slice(0, 2).join(', ');
  console.log(`keys used: ${used.size}`);
  list('missing from uk.js', r.missingUk, (k) => `${JSON.stringify(k)}${where(k) ? `  (${where(k)})` : ''}`);
  list('missing from en.js', r.missingEn);
  list('placeholders differ in uk.js', r.placeholders, ([k, , v]) => `${JSON.stringify(k)} -> ${JSON.stringify(v)}`);
  list('uk.js text equal to the English', r.same, ([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  list('t() of a template that no dictionary can hold', code.templates, (x) => `${x.where}: ${x.text}`);
  list('unused in uk.js', r.unused, (k) => JSON.stringify(k));
  if (process.argv.includes('--dynamic')) list('t() of computed keys (from the label sources)', code.dynamic, (x) => `${x.where}: ${x.text}`);
  if (process.argv.includes('--list')) list('all keys', [...used].sort(), (k) => JSON.stringify(k));
  const bad = r.missingUk.length + r.missingEn.length + r.placeholders.length + r.same.length + code.templates.length;
  process.exit(bad ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => { console.error(e.stack || e); process.exit(2); });
}
