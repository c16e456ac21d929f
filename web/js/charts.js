// charts.js - small SVG charts built with h('svg:...'): horizontal bars
// (with an optional marker per bar), stacked bars, a progress bar, legends
// and the hidden tables that give screen readers the same numbers.
//
// Sizes are SVG attributes, never style attributes (the Content-Security-
// Policy forbids inline styles).  Charts are drawn for a width in CSS pixels
// (responsive() redraws them when their box changes width), so text stays
// 12 px whatever the card's width.  Every colour of the palette has at least
// 3:1 contrast against white (WCAG 1.4.11, graphics).

import { h, newId } from './dom.js';
import { num, pct } from './i18n.js';

export const COLORS = {
  blue: '#0b4f8a',    // 8.4:1 on white
  green: '#1d6b36',   // 6.5:1
  orange: '#b4530f',  // 5.0:1
  red: '#a8201a',     // 7.3:1
  purple: '#6b3fa0',  // 7.4:1
  grey: '#4a5360',    // 7.8:1
  teal: '#00747a',    // 5.6:1
  amber: '#8a5a00',   // 5.9:1
  sky: '#2f7fc1',     // 4.3:1
  slate: '#808b99',   // 3.5:1
  magenta: '#9d174d', // 7.9:1
  ink: '#1b1f24',
};

const FONT = 12;
const NS = 'svg:';

// ---- Text measurement (for label columns and truncation). -------------------

let ctx = null;
let family = null;
export function textWidth(s, size = FONT, bold = false) {
  if (!ctx) {
    ctx = document.createElement('canvas').getContext('2d');
    family = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
  }
  if (!ctx) return String(s).length * size * 0.62;
  ctx.font = `${bold ? '700 ' : ''}${size}px ${family}`;
  return ctx.measureText(String(s)).width;
}

// @s shortened with "…" to fit @width pixels.
export function fit(s, width, size = FONT) {
  s = String(s ?? '');
  if (textWidth(s, size) <= width) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(s.slice(0, mid) + '…', size) <= width) lo = mid; else hi = mid - 1;
  }
  return lo > 0 ? s.slice(0, lo).trimEnd() + '…' : '…';
}

// ---- Scales. -----------------------------------------------------------------

// About @count round tick values from 0 to at least @max (1, 2 or 5 x 10^k).
// With @integer, steps are whole numbers (counts of units or people).
export function niceTicks(max, count = 5, integer = false) {
  if (!(max > 0)) return [0, 1];
  const raw = max / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Math.round(v / step) * step);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

// ---- Building blocks. ----------------------------------------------------------

// The <svg> of a chart: scales to its box (width 100 %, viewBox), titled for
// assistive technology.  @title is the accessible name, @desc an optional
// longer description.
function frame(width, height, title, desc, children) {
  const tid = newId('chart-title');
  const did = desc ? newId('chart-desc') : null;
  return h(`${NS}svg`, {
    class: 'chart', viewBox: `0 0 ${Math.round(width)} ${Math.round(height)}`, width: '100%',
    role: 'img', 'aria-labelledby': tid, 'aria-describedby': did, 'font-size': FONT, focusable: 'false',
  },
  h(`${NS}title`, { id: tid }, title),
  desc ? h(`${NS}desc`, { id: did }, desc) : null,
  children);
}

function text(x, y, s, attrs = {}) {
  return h(`${NS}text`, { x: r1(x), y: r1(y), ...attrs }, s);
}
const r1 = (v) => Math.round(v * 10) / 10;

// A vertical grid with tick labels along the top, from @x0 to @x1.
function axis(ticks, max, x0, x1, top, bottom, format) {
  const sx = (v) => x0 + (v / max) * (x1 - x0);
  return h(`${NS}g`, { class: 'axis', 'aria-hidden': 'true' }, ticks.map((v, i) => {
    const x = sx(v);
    const anchor = i === 0 ? 'start' : (x > x1 - 30 ? 'end' : 'middle');
    return [
      h(`${NS}line`, { x1: r1(x), x2: r1(x), y1: top, y2: bottom, class: v === 0 ? 'axis-zero' : 'grid' }),
      text(x, top - 5, format(v), { 'text-anchor': anchor, class: 'tick' }),
    ];
  }));
}

// ---- Horizontal bars. ------------------------------------------------------------

/*
 * One bar per row, with an optional marker (a vertical tick, for a target
 * or a fair share).  A marker beyond the axis is drawn as an arrow at its end.
 * opts: width, title, desc, rows [{label, value, marker, color, text, tip}],
 * color (the bars'), markerColor, format (tick labels), max (the axis;
 * default the largest value or marker), axis (false: no grid), integer
 * (whole-number ticks), rowHeight, labelShare (of the width for labels, 0.3).
 */
export function hbars(opts) {
  const { width, rows, format = (v) => num(v) } = opts;
  const barColor = opts.color || COLORS.blue;
  const markerColor = opts.markerColor || COLORS.ink;
  const rowH = opts.rowHeight || 26;
  const barH = Math.round(rowH * 0.55);
  const showAxis = opts.axis !== false;
  const top = showAxis ? 22 : 4;
  const height = top + rows.length * rowH + 4;
  const labelW = Math.min(Math.max(...rows.map((r) => textWidth(r.label)), 20) + 10, width * (opts.labelShare || 0.3));
  const textW = Math.min(Math.max(...rows.map((r) => textWidth(r.text || '')), 0) + 10, width * 0.36);
  const x0 = labelW;
  const x1 = Math.max(x0 + 40, width - textW - 4);
  const dataMax = Math.max(...rows.map((r) => Math.max(r.value || 0, r.marker || 0)), 0);
  const max0 = opts.max || dataMax || 1;
  let ticks = showAxis ? niceTicks(max0, Math.max(2, Math.floor((x1 - x0) / 90)), opts.integer) : [0, max0];
  // A given max is the axis's end exactly (what lies beyond is an arrow).
  if (opts.max) ticks = ticks.filter((v) => v <= opts.max);
  const max = opts.max || ticks[ticks.length - 1];
  const sx = (v) => x0 + (Math.max(0, Math.min(v, max)) / max) * (x1 - x0);

  const body = rows.map((r, i) => {
    const y = top + i * rowH;
    const by = y + (rowH - barH) / 2;
    const w = Math.max(sx(r.value || 0) - x0, r.value > 0 ? 1.5 : 0);
    const over = r.marker !== null && r.marker !== undefined && r.marker > max;
    const mx = r.marker !== null && r.marker !== undefined ? sx(r.marker) : null;
    return h(`${NS}g`, { class: 'row' },
      r.tip ? h(`${NS}title`, null, r.tip) : null,
      text(x0 - 8, y + rowH / 2 + 4, fit(r.label, labelW - 10), { 'text-anchor': 'end', class: 'label' }),
      h(`${NS}rect`, { x: r1(x0), y: r1(by), width: r1(w), height: barH, fill: r.color || barColor, rx: 1.5 }),
      mx === null ? null : over
        ? h(`${NS}path`, { d: `M${r1(x1 - 1)},${r1(by - 3)} l7,${r1(barH / 2 + 3)} l-7,${r1(barH / 2 + 3)} z`, fill: markerColor, class: 'marker' })
        : h(`${NS}rect`, { x: r1(mx - 1.5), y: r1(by - 4), width: 3, height: barH + 8, fill: markerColor, class: 'marker' }),
      r.text ? text(x1 + (over ? 12 : 6), y + rowH / 2 + 4, fit(r.text, textW - 8), { class: 'value' }) : null);
  });
  return frame(width, height, opts.title, opts.desc, [
    showAxis ? axis(ticks, max, x0, x1, top, height - 2, format) : null,
    body,
  ]);
}

// ---- Stacked bars. -----------------------------------------------------------------

/*
 * One bar per row, made of one segment per series.
 * opts: width, title, desc, series [{label, color}], rows [{label, values[],
 * text, tip}], percent (each bar is its row's total, 100 %; else one scale
 * for all rows), format (tick labels when not percent), integer (false: the
 * values may be fractions), labelShare and textShare (the most of the width
 * for labels and for the text after the bars), segmentTip(row, i, v, total).
 */
export function stackedBars(opts) {
  const { width, rows, series, percent = false, format = (v) => num(v) } = opts;
  const rowH = opts.rowHeight || 28;
  const barH = Math.round(rowH * 0.6);
  const top = 22;
  const height = top + rows.length * rowH + 4;
  const labelW = Math.min(Math.max(...rows.map((r) => textWidth(r.label)), 20) + 10, width * (opts.labelShare || 0.32));
  const textW = Math.min(Math.max(...rows.map((r) => textWidth(r.text || '')), 0) + 10, width * (opts.textShare || 0.34));
  const x0 = labelW;
  const x1 = Math.max(x0 + 40, width - textW - 4);
  const totals = rows.map((r) => r.values.reduce((a, v) => a + (v > 0 ? v : 0), 0));
  const ticks = percent ? (x1 - x0 >= 220 ? [0, 0.25, 0.5, 0.75, 1] : [0, 0.5, 1])
    : niceTicks(Math.max(...totals, 1), Math.max(2, Math.floor((x1 - x0) / 80)), opts.integer !== false);
  const max = percent ? 1 : ticks[ticks.length - 1];
  const tickFormat = percent ? (v) => pct(v) : format;

  const body = rows.map((r, i) => {
    const y = top + i * rowH;
    const by = y + (rowH - barH) / 2;
    const total = totals[i];
    const scale = percent ? (total > 0 ? 1 / total : 0) : 1 / max;
    let x = x0;
    const segs = r.values.map((v, k) => {
      if (!(v > 0)) return null;
      const w = v * scale * (x1 - x0);
      const seg = h(`${NS}rect`, {
        x: r1(x), y: r1(by), width: r1(Math.max(w, 1)), height: barH, fill: series[k].color, class: 'seg',
      }, opts.segmentTip ? h(`${NS}title`, null, opts.segmentTip(r, k, v, total)) : null);
      x += w;
      return seg;
    });
    return h(`${NS}g`, { class: 'row' },
      r.tip ? h(`${NS}title`, null, r.tip) : null,
      text(x0 - 8, y + rowH / 2 + 4, fit(r.label, labelW - 10), { 'text-anchor': 'end', class: 'label' }),
      total > 0 ? segs
        : h(`${NS}rect`, { x: r1(x0), y: r1(by), width: r1(x1 - x0), height: barH, class: 'empty-bar' }),
      r.text ? text(x1 + 6, y + rowH / 2 + 4, fit(r.text, textW - 8), { class: 'value' }) : null);
  });
  return frame(width, height, opts.title, opts.desc, [
    axis(ticks, max, x0, x1, top, height - 2, tickFormat),
    body,
  ]);
}

// ---- Progress. ------------------------------------------------------------------

/*
 * A progress bar: a labelled role=progressbar around a drawn bar.
 * opts: value, max (1), label (accessible name), text (aria-valuetext),
 * color, marker (a value, in @value's units, drawn as a tick when the bar
 * runs beyond it: e.g. the capacity, when over capacity).
 */
export function progress({ value, max = 1, label, text: valueText, color = COLORS.blue, marker = null }) {
  const ratio = max > 0 ? Math.max(0, value / max) : 0;
  const now = Math.round(ratio * 1000) / 10;
  const top = Math.max(100, Math.ceil(now));
  // The scale runs to 100 % unless the value is beyond it.
  const fillPct = (Math.min(ratio * 100, top) / top) * 100;
  const markPct = marker !== null && max > 0 ? ((marker / max) * 100 * 100) / top : null;
  return h('div', {
    class: 'progress', role: 'progressbar', 'aria-label': label,
    'aria-valuemin': 0, 'aria-valuemax': top, 'aria-valuenow': now, 'aria-valuetext': valueText,
  },
  h(`${NS}svg`, { width: '100%', height: 14, 'aria-hidden': 'true', focusable: 'false', class: 'progress-svg' },
    h(`${NS}rect`, { x: 0, y: 0, width: '100%', height: 14, class: 'progress-track' }),
    h(`${NS}rect`, { x: 0, y: 0, width: `${r1(fillPct)}%`, height: 14, fill: color }),
    ratio > 0 && fillPct < 0.6 ? h(`${NS}rect`, { x: 0, y: 0, width: 2, height: 14, fill: color }) : null,
    markPct !== null && markPct < 100
      ? h(`${NS}rect`, { x: `${r1(markPct)}%`, y: 0, width: 2, height: 14, fill: COLORS.ink }) : null));
}

// ---- Legends and tables. ------------------------------------------------------------

// A swatch as a tiny SVG: shape 'rect' (default), 'line', 'dash', 'tick',
// 'arrow', 'ring' or a path drawn by @draw(cx, cy, size) (map symbols).
export function swatch(color, shape = 'rect', draw) {
  let mark;
  if (draw) mark = draw(8, 8, 11);
  else if (shape === 'line') mark = h(`${NS}line`, { x1: 0, x2: 16, y1: 8, y2: 8, stroke: color, 'stroke-width': 3 });
  else if (shape === 'dash') mark = h(`${NS}line`, { x1: 0, x2: 16, y1: 8, y2: 8, stroke: color, 'stroke-width': 2.5, 'stroke-dasharray': '4 3' });
  else if (shape === 'tick') mark = h(`${NS}rect`, { x: 6.5, y: 1, width: 3, height: 14, fill: color });
  else if (shape === 'arrow') mark = h(`${NS}path`, { d: 'M4,1 L13,8 L4,15 Z', fill: color });
  else if (shape === 'ring') mark = h(`${NS}circle`, { cx: 8, cy: 8, r: 5, fill: '#fff', stroke: color, 'stroke-width': 2.5 });
  else mark = h(`${NS}rect`, { x: 1, y: 2, width: 14, height: 12, rx: 2, fill: color });
  return h(`${NS}svg`, { class: 'swatch-svg', width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true', focusable: 'false' }, mark);
}

// entries: [{label, color, shape, draw}].
export function legend(entries, label) {
  return h('ul', { class: 'legend', 'aria-label': label },
    entries.map((e) => h('li', null, swatch(e.color, e.shape, e.draw), e.label)));
}

/*
 * A table of the numbers behind a chart.  columns: [{label, num}];
 * rows: arrays of cells (strings or nodes); srOnly: hidden from sight, read
 * by screen readers (the chart's accessible alternative).  The first column
 * is the row header.
 */
export function miniTable({ caption, columns, rows, srOnly = false, captionHidden = false }) {
  // A table ignores a 1px width, so the hidden one sits in a hidden box
  // (else it widens the page).
  const table = h('table', { class: srOnly ? null : 'mini-table' },
    h('caption', { class: captionHidden && !srOnly ? 'sr-only' : null }, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((v, i) => (i === 0
      ? h('th', { scope: 'row' }, v)
      : h('td', { class: columns[i].num ? 'num' : null }, v)))))));
  return srOnly ? h('div', { class: 'sr-only' }, table) : table;
}

// ---- Responsive drawing. -------------------------------------------------------------

/*
 * A box holding what @draw(width) returns, drawn again whenever the box's
 * width changes, so that text and symbols keep their size.  Draws first at
 * @initial pixels (the SVG scales until the box is measured).
 */
export function responsive(draw, { initial = 640, className = 'chart-box' } = {}) {
  const box = h('div', { class: className });
  let drawn = 0;
  let seen = false;
  const render = (width) => {
    drawn = width;
    box.replaceChildren(draw(width));
  };
  render(initial);
  if (typeof ResizeObserver === 'function') {
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[entries.length - 1].contentRect.width);
      if (w > 0) {
        seen = true;
        if (Math.abs(w - drawn) >= 4) render(w);
      } else if (seen && !box.isConnected) {
        ro.disconnect(); // the page was left
      }
    });
    ro.observe(box);
  }
  return box;
}
