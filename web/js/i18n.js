// i18n.js - English and Ukrainian.
//
// UI strings are keyed by their English text: t('Log in').  Names of fields,
// values and resources are keyed "field:priority", "value:validated",
// "entity:requirements"; English labels for those live in i18n/en.js.  Every
// key has a Ukrainian entry in i18n/uk.js (tests/e2e/i18n.test.mjs checks).
// Placeholders: t('{n} records', {n: 3}).

import en from './i18n/en.js';
import uk from './i18n/uk.js';

const dicts = { en, uk };
export const LANGS = [
  { code: 'en', name: 'English' },
  { code: 'uk', name: 'Українська' },
];

let lang = pick();

function pick() {
  const saved = localStorage.getItem('nsatu.lang');
  if (saved && dicts[saved]) return saved;
  return (navigator.language || '').toLowerCase().startsWith('uk') ? 'uk' : 'en';
}

export function getLang() { return lang; }

export function setLang(code) {
  if (!dicts[code]) return;
  lang = code;
  localStorage.setItem('nsatu.lang', code);
  document.documentElement.lang = code;
}

const missing = new Set();

export function t(key, vars) {
  let s = dicts[lang][key];
  if (s === undefined) {
    s = en[key];
    if (lang !== 'en' && !missing.has(key)) {
      missing.add(key);
      console.warn(`i18n: no ${lang} text for "${key}"`);
    }
  }
  if (s === undefined) {
    // An unknown field or value: show it readably rather than raw.
    const colon = key.indexOf(':');
    s = colon > 0 && /^(field|value|entity|move):/.test(key)
      ? key.slice(colon + 1).replace(/_/g, ' ') : key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export const tf = (name) => t(`field:${name}`);
export const tv = (value) => (value === null || value === undefined ? '' : t(`value:${value}`));
export const te = (entity) => t(`entity:${entity}`);
export const tm = (to) => t(`move:${to}`);   // the verb: "move:validated" is "Validate"

// Numbers, money and dates in the chosen language's conventions.
const locale = () => (lang === 'uk' ? 'uk-UA' : 'en-GB');
export function num(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}
export function eur(n) {
  if (n === null || n === undefined) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `€${num(n / 1e9, 2)} ${t('bn')}`;
  if (abs >= 1e6) return `€${num(n / 1e6, 1)} ${t('m')}`;
  return `€${num(n)}`;
}
export function pct(r, digits = 0) {
  if (r === null || r === undefined) return '–';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: digits }).format(r);
}
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
    .format(d) + ' UTC';
}
