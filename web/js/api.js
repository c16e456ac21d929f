// api.js - the only way the UI talks to nsatu: its public JSON API.
//
// Errors arrive as RFC 9457 problems; they are thrown as ApiError with the
// problem attached, so forms can put each field's reason beside the field.

const BASE = '/api/v1';
let token = sessionStorage.getItem('nsatu.token');
let onExpired = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  // [{field, reason}] from the problem's "errors".
  get fieldErrors() { return Array.isArray(this.problem.errors) ? this.problem.errors : []; }
}

export function setToken(t) {
  token = t;
  if (t) sessionStorage.setItem('nsatu.token', t);
  else sessionStorage.removeItem('nsatu.token');
}
export const hasToken = () => !!token;
export function whenExpired(fn) { onExpired = fn; }

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function send(method, path, { body, etag, idempotent, params } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-Match'] = etag;
  // A retried POST (double click, flaky link) must not act twice.
  if (method === 'POST' && idempotent !== false) headers['Idempotency-Key'] = crypto.randomUUID();
  let res;
  try {
    res = await fetch(BASE + path + query(params), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { title: 'network', detail: String(e.message || e) });
  }
  if (res.status === 204) return { data: null, etag: null };
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    if (res.status === 401 && token && path !== '/sessions') onExpired();
    throw new ApiError(res.status, typeof data === 'object' ? data : { detail: data });
  }
  return { data, etag: res.headers.get('ETag') };
}

export const get = async (path, params) => (await send('GET', path, { params })).data;
export const getWithEtag = (path) => send('GET', path);
export const post = async (path, body, opts = {}) => (await send('POST', path, { body, ...opts })).data;
export const patch = (path, body, etag) => send('PATCH', path, { body, etag });
export const del = (path, etag) => send('DELETE', path, { etag });

// Every page of a list, up to @max records.
export async function listAll(path, params = {}, max = 5000) {
  const items = [];
  let cursor;
  do {
    const page = await get(path, { ...params, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return { items, more: !!cursor };
}

// A CSV or XLSX export of a list, as a file the browser saves.
export async function download(path, params, filename) {
  const res = await fetch(BASE + path + query(params), {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) {
    const p = await res.json().catch(() => ({ detail: res.statusText }));
    throw new ApiError(res.status, p);
  }
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="?([^";]+)"?/.exec(cd);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = m ? m[1] : filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
