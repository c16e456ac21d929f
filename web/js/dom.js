// dom.js - building the page from data without ever parsing it as HTML.
//
// h('a', {href: '#/x', class: 'btn'}, 'text', child) makes an element.
// Attributes starting with "on" are listeners; children are strings (made
// text nodes, so server data can never become markup), nodes, arrays, or
// null/false (skipped).

export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && !svg) el.value = v;
    else if (k === 'checked' && !svg) el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replace everything inside @el.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
export function newId(prefix) { return `${prefix}-${++uid}`; }
