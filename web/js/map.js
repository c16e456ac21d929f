// map.js - a map of Europe and Ukraine: countries, nsatu's sites as symbols
// by kind, and shipments on the move as lines along their routes.
//
// d3-geo and topojson-client are loaded as globals (window.d3,
// window.topojson) by index.html; the world atlas (world-atlas
// countries-50m.json, Natural Earth) is a static file beside the style
// sheet.  No tile server, nothing fetched from elsewhere.
//
// The countries are projected once, for a width of 1000, and scaled to the
// box (strokes do not scale); sites and lines are drawn for the box's width,
// so symbols keep their size.

import { h, newId } from './dom.js';
import { t, tv } from './i18n.js';
import { COLORS, legend, responsive, miniTable } from './charts.js';

const NS = 'svg:';

// What the map shows: Europe and Ukraine.
const EXTENT = { west: -10, east: 42, south: 35, north: 62 };
const UKRAINE = '804';
const RUSSIA = '643';
// The atlas (from Natural Earth) draws Crimea as part of Russia; nsatu shows
// Ukraine within its internationally recognised borders.
const CRIMEA = { west: 32, east: 37, south: 44, north: 46.5 };
const UA_LABEL = [31.2, 49.2];

// The edge of EXTENT as points, for fitting the projection.
function extentPoints() {
  const pts = [];
  for (let i = 0; i <= 20; i++) {
    const lon = EXTENT.west + ((EXTENT.east - EXTENT.west) * i) / 20;
    pts.push([lon, EXTENT.south], [lon, EXTENT.north]);
  }
  for (let i = 0; i <= 10; i++) {
    const lat = EXTENT.south + ((EXTENT.north - EXTENT.south) * i) / 10;
    pts.push([EXTENT.west, lat], [EXTENT.east, lat]);
  }
  return { type: 'MultiPoint', coordinates: pts };
}

export function inExtent(lon, lat) {
  return lon >= EXTENT.west - 0.5 && lon <= EXTENT.east + 0.5 && lat >= EXTENT.south - 0.5 && lat <= EXTENT.north + 0.5;
}

// ---- Site symbols. --------------------------------------------------------------

function star(cx, cy, s) {
  const pts = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 ? s * 0.28 : s * 0.62;
    const a = (Math.PI / 5) * i - Math.PI / 2;
    pts.push(`${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`);
  }
  return `M${pts.join('L')}Z`;
}
const SHAPES = {
  circle: (cx, cy, s) => h(`${NS}circle`, { cx, cy, r: s * 0.42 }),
  square: (cx, cy, s) => h(`${NS}rect`, { x: cx - s * 0.38, y: cy - s * 0.38, width: s * 0.76, height: s * 0.76 }),
  diamond: (cx, cy, s) => h(`${NS}path`, { d: `M${cx},${cy - s * 0.55}L${cx + s * 0.5},${cy}L${cx},${cy + s * 0.55}L${cx - s * 0.5},${cy}Z` }),
  triangle: (cx, cy, s) => h(`${NS}path`, { d: `M${cx},${cy - s * 0.52}L${cx + s * 0.52},${cy + s * 0.4}L${cx - s * 0.52},${cy + s * 0.4}Z` }),
  down: (cx, cy, s) => h(`${NS}path`, { d: `M${cx},${cy + s * 0.52}L${cx + s * 0.52},${cy - s * 0.4}L${cx - s * 0.52},${cy - s * 0.4}Z` }),
  star: (cx, cy, s) => h(`${NS}path`, { d: star(cx, cy, s * 1.25) }),
  plus: (cx, cy, s) => {
    const a = s * 0.5;
    const b = s * 0.18;
    return h(`${NS}path`, { d: `M${cx - b},${cy - a}h${2 * b}v${a - b}h${a - b}v${2 * b}h${b - a}v${a - b}h${-2 * b}v${b - a}h${b - a}v${-2 * b}h${a - b}Z` });
  },
};

// Each kind of site: its shape and colour (all >= 3:1 against the map).
export const SITE_KINDS = {
  hq: { shape: 'star', color: COLORS.purple },
  logistics_node: { shape: 'square', color: COLORS.blue },
  depot: { shape: 'plus', color: COLORS.grey },
  handover_point: { shape: 'circle', color: COLORS.red },
  training_facility: { shape: 'triangle', color: COLORS.green },
  repair_facility: { shape: 'diamond', color: COLORS.orange },
  unit: { shape: 'down', color: COLORS.teal },
};
const OTHER_KIND = { shape: 'circle', color: COLORS.ink };
const kindOf = (k) => SITE_KINDS[k] || OTHER_KIND;

function symbol(kind, cx, cy, size) {
  const k = kindOf(kind);
  const el = SHAPES[k.shape](cx, cy, size);
  el.setAttribute('fill', k.color);
  el.setAttribute('stroke', '#ffffff');
  el.setAttribute('stroke-width', '1.2');
  return el;
}

const SHIPMENT = COLORS.magenta;
const MAX_ROWS = 12; // shipments listed under the map

// ---- The atlas. ----------------------------------------------------------------------

// The atlas's URL: beside the style sheet (static/<build>/css/app.css).
export function atlasUrl() {
  const link = document.querySelector('link[rel=stylesheet]');
  const href = link ? link.href : new URL('static/css/app.css', location.href).href;
  return href.replace(/css\/app\.css(?:[?#].*)?$/, 'vendor/countries-50m.json');
}

let atlas = null;

function libraries() {
  const { d3, topojson } = window;
  if (!d3?.geoConicConformal || !d3?.geoPath || !topojson?.feature) {
    throw new Error(t('The map cannot be drawn: its libraries did not load. Reload the page.'));
  }
  return { d3, topojson };
}

function loadAtlas() {
  if (!atlas) {
    atlas = (async () => {
      const libs = libraries();
      let res;
      try {
        res = await fetch(atlasUrl(), { credentials: 'same-origin' });
      } catch {
        throw new Error(t('The map of Europe could not be loaded. Check the connection and try again.'));
      }
      if (!res.ok) throw new Error(t('The map of Europe could not be loaded. Check the connection and try again.'));
      return project(prepare(await res.json(), libs), libs);
    })();
    atlas.catch(() => { atlas = null; }); // try again next time
  }
  return atlas;
}

function boundsOverlap(b, box) {
  const [[w, s], [e, n]] = b;
  if (n < box.south || s > box.north) return false;
  if (w <= e) return e >= box.west && w <= box.east;
  return box.east >= w || box.west <= e; // crosses the antimeridian
}
const within = (b, box) => b[0][0] >= box.west && b[1][0] <= box.east && b[0][1] >= box.south && b[1][1] <= box.north;

// The countries near the map's extent as GeoJSON; Ukraine apart, with Crimea.
function prepare(topo, { d3, topojson }) {
  const obj = topo.objects.countries;
  const near = { west: EXTENT.west - 15, east: EXTENT.east + 15, south: EXTENT.south - 10, north: EXTENT.north + 10 };
  let ukraine = null;
  const countries = [];
  const ua = obj.geometries.find((g) => g.id === UKRAINE);
  const ru = obj.geometries.find((g) => g.id === RUSSIA);
  let crimea = [];
  if (ru && ru.type === 'MultiPolygon') {
    const rest = [];
    for (const poly of ru.arcs) {
      const b = d3.geoBounds(topojson.feature(topo, { type: 'Polygon', arcs: poly }));
      (within(b, CRIMEA) ? crimea : rest).push(poly);
    }
    countries.push(topojson.feature(topo, { type: 'MultiPolygon', arcs: rest, id: ru.id, properties: ru.properties }));
  } else if (ru) {
    countries.push(topojson.feature(topo, ru));
  }
  if (ua) {
    ukraine = crimea.length
      ? { type: 'Feature', id: ua.id, properties: ua.properties,
        geometry: topojson.merge(topo, [ua, ...crimea.map((arcs) => ({ type: 'Polygon', arcs }))]) }
      : topojson.feature(topo, ua);
  }
  for (const g of obj.geometries) {
    if (g === ua || g === ru) continue;
    const f = topojson.feature(topo, g);
    if (f.geometry && boundsOverlap(d3.geoBounds(f), near)) countries.push(f);
  }
  return { countries, ukraine };
}

// The projection for a width of 1000 and the countries' paths for it.
function project({ countries, ukraine }, { d3 }) {
  const W = 1000;
  const box = extentPoints();
  const proj = d3.geoConicConformal().parallels([40, 58]).rotate([-16, 0]).fitWidth(W, box);
  const bounds = d3.geoPath(proj).bounds(box);
  const H = Math.ceil(bounds[1][1]);
  proj.clipExtent([[0, 0], [W, H]]);
  const path = d3.geoPath(proj);
  if (typeof path.digits === 'function') path.digits(1);
  return {
    W, H, proj,
    countries: countries.map((f) => path(f)).filter(Boolean),
    ukraine: ukraine ? path(ukraine) : null,
    uaLabel: proj(UA_LABEL),
  };
}

// ---- Shipments. ---------------------------------------------------------------------

// The sites a shipment passes, in order: its route ("A > B > C") or, without
// one, origin, location and destination.
function waypoints(s) {
  let pts = typeof s.route === 'string' && s.route.includes('>')
    ? s.route.split('>').map((x) => x.trim()).filter(Boolean) : [];
  if (pts.length < 2 || pts[0] !== s.origin || pts[pts.length - 1] !== s.destination) {
    pts = [s.origin, s.location, s.destination];
  }
  return pts.filter((p, i) => p && pts.indexOf(p) === i);
}

/*
 * Where a shipment is along its waypoints: {pts, at, between}.  @at is the
 * index of the site it is at (its location) or last left (the leg that has
 * departed and not arrived, from @legs); @between says it is on the way to
 * the next one.  @at is null when not known (moving, legs unknown).
 */
export function shipmentProgress(s, legs) {
  let pts = waypoints(s);
  if (s.location) {
    let at = pts.indexOf(s.location);
    if (at < 0) {
      pts = [s.origin, s.location, s.destination].filter((p, i, a) => p && a.indexOf(p) === i);
      at = pts.indexOf(s.location);
    }
    return { pts, at, between: false };
  }
  const moving = (legs || []).filter((l) => l.departed_at && !l.arrived_at).sort((a, b) => b.seq - a.seq)[0];
  if (moving) {
    const i = pts.indexOf(moving.from_site);
    if (i >= 0 && pts[i + 1] === moving.to_site) return { pts, at: i, between: true };
  }
  return { pts, at: null, between: false };
}

// ---- Drawing. -----------------------------------------------------------------------

/*
 * The map as a figure: the SVG (width 100 %, redrawn for its box's width),
 * a legend, the sites that lie outside it, and tables with the same facts
 * for screen readers.
 * opts: sites [{code, name, kind, lat, lon}], shipments [{id, status, origin,
 * destination, location, route}], legs {shipmentId: [legs]}, highlight (a site
 * code drawn larger: the user's own), shipmentLink(id) (a hash or null).
 */
export async function europeMap({ sites = [], shipments = [], legs = {}, highlight = null, shipmentLink = null }) {
  const base = await loadAtlas();
  const located = sites.filter((s) => typeof s.lat === 'number' && typeof s.lon === 'number');
  const onMap = located.filter((s) => inExtent(s.lon, s.lat));
  const offMap = located.filter((s) => !inExtent(s.lon, s.lat));
  const byCode = new Map(located.map((s) => [s.code, s]));
  const trips = shipments.map((s) => ({ s, ...shipmentProgress(s, legs[s.id]) }));
  const drawn = trips.filter((tr) => tr.pts.filter((p) => byCode.has(p)).length >= 2);

  const title = t('Map of Europe and Ukraine: {sites} sites, {moving} shipments on the move',
    { sites: onMap.length, moving: drawn.length });

  const draw = (width) => {
    const k = width / base.W;
    const height = Math.round(base.H * k);
    const xy = (code) => {
      const s = byCode.get(code);
      const p = s ? base.proj([s.lon, s.lat]) : null;
      return p ? [p[0] * k, p[1] * k] : null;
    };
    const tid = newId('map-title');
    const line = (pts, dashed) => (pts.length >= 2
      ? h(`${NS}path`, {
        d: `M${pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L')}`,
        fill: 'none', stroke: SHIPMENT, 'stroke-width': dashed ? 2 : 3,
        'stroke-dasharray': dashed ? '6 4' : null, 'stroke-linejoin': 'round', 'stroke-linecap': 'round',
      }) : null);

    const routes = [];
    const positions = [];
    for (const tr of drawn) {
      const { s } = tr;
      const pts = tr.pts.map((p) => xy(p));
      const tip = shipmentTip(s, tr, byCode);
      let done = [];
      let todo = [];
      let here = null;
      if (tr.at === null) {
        todo = pts.filter(Boolean);
      } else {
        done = pts.slice(0, tr.at + 1).filter(Boolean);
        here = pts[tr.at];
        if (tr.between && pts[tr.at] && pts[tr.at + 1]) {
          here = [(pts[tr.at][0] + pts[tr.at + 1][0]) / 2, (pts[tr.at][1] + pts[tr.at + 1][1]) / 2];
          done.push(here);
        }
        todo = [here, ...pts.slice(tr.at + 1)].filter(Boolean);
      }
      routes.push(h(`${NS}g`, { class: 'map-route' }, h(`${NS}title`, null, tip),
        // A wide transparent stroke, so that the title shows on hover.
        h(`${NS}path`, {
          d: `M${pts.filter(Boolean).map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L')}`,
          fill: 'none', stroke: 'transparent', 'stroke-width': 10,
        }),
        line(done, false), line(todo, true)));
      if (here) {
        // At a site: a ring around its symbol; between sites: a dot on the line.
        const atSite = !tr.between;
        positions.push(h(`${NS}g`, { class: 'map-position' }, h(`${NS}title`, null, tip),
          h(`${NS}circle`, {
            cx: here[0].toFixed(1), cy: here[1].toFixed(1), r: atSite ? 10 : 5.5,
            fill: atSite ? 'none' : '#ffffff', stroke: SHIPMENT, 'stroke-width': 3,
          })));
      }
    }

    const symbols = onMap
      .slice().sort((a, b) => (a.code === highlight) - (b.code === highlight))
      .map((s) => {
        const p = xy(s.code);
        if (!p) return null;
        const own = s.code === highlight;
        return h(`${NS}g`, { class: own ? 'map-site map-own' : 'map-site' },
          h(`${NS}title`, null, `${s.name} (${s.code}) – ${tv(s.kind)}${own ? ` – ${t('your site')}` : ''}`),
          own ? h(`${NS}circle`, { cx: p[0].toFixed(1), cy: p[1].toFixed(1), r: 13, fill: 'none', stroke: COLORS.ink, 'stroke-width': 2 }) : null,
          symbol(s.kind, +p[0].toFixed(1), +p[1].toFixed(1), own ? 18 : 14));
      });

    return h(`${NS}svg`, {
      class: 'chart map-svg', viewBox: `0 0 ${Math.round(width)} ${height}`, width: '100%',
      role: 'img', 'aria-labelledby': tid, focusable: 'false', 'font-size': 12,
    },
    h(`${NS}title`, { id: tid }, title),
    h(`${NS}rect`, { x: 0, y: 0, width: Math.round(width), height, class: 'map-sea' }),
    h(`${NS}g`, { transform: `scale(${k.toFixed(5)})` },
      base.countries.map((d) => h(`${NS}path`, { d, class: 'map-land', 'vector-effect': 'non-scaling-stroke' })),
      base.ukraine ? h(`${NS}path`, { d: base.ukraine, class: 'map-ukraine', 'vector-effect': 'non-scaling-stroke' },
        h(`${NS}title`, null, t('Ukraine'))) : null),
    base.uaLabel ? h(`${NS}text`, {
      x: (base.uaLabel[0] * k).toFixed(1), y: (base.uaLabel[1] * k).toFixed(1),
      class: 'map-label', 'text-anchor': 'middle', 'aria-hidden': 'true',
    }, t('Ukraine')) : null,
    routes, positions, symbols);
  };

  const kinds = [...new Set(onMap.map((s) => s.kind))]
    .sort((a, b) => Object.keys(SITE_KINDS).indexOf(a) - Object.keys(SITE_KINDS).indexOf(b));
  const entries = kinds.map((kind) => ({
    label: tv(kind), color: kindOf(kind).color,
    draw: (cx, cy, s) => symbol(kind, cx, cy, s + 2),
  }));
  if (drawn.length) {
    entries.push({ label: t('Shipment: route travelled'), color: SHIPMENT, shape: 'line' });
    entries.push({ label: t('Shipment: still to go'), color: SHIPMENT, shape: 'dash' });
    if (drawn.some((tr) => tr.at !== null)) entries.push({ label: t('Shipment: where it is now'), color: SHIPMENT, shape: 'ring' });
  }

  const siteRows = located.slice().sort((a, b) => String(a.kind).localeCompare(String(b.kind)) || String(a.name).localeCompare(String(b.name)))
    .map((s) => [s.name, s.code, tv(s.kind), inExtent(s.lon, s.lat) ? t('yes') : t('no')]);
  const place = (code) => (byCode.get(code)?.name || code || '–');

  return h('figure', { class: 'map dash-map' },
    responsive(draw, { initial: 800, className: 'chart-box map-box' }),
    h('figcaption', null,
      legend(entries, t('Legend of the map')),
      offMap.length
        ? h('p', { class: 'dash-note' }, t('Outside the map: {sites}.', { sites: offMap.map((s) => `${s.name} (${tv(s.kind)})`).join('; ') }))
        : null,
      located.length < sites.length
        ? h('p', { class: 'dash-note' }, t('Sites without coordinates are not shown: {n}.', { n: sites.length - located.length }))
        : null),
    miniTable({
      caption: t('Sites'), srOnly: true,
      columns: [{ label: t('Name') }, { label: t('Code') }, { label: t('Kind') }, { label: t('On the map') }],
      rows: siteRows,
    }),
    trips.length ? miniTable({
      caption: t('Shipments on the move'),
      columns: [{ label: t('Shipment') }, { label: t('Status') }, { label: t('From') }, { label: t('Now') }, { label: t('To') }],
      rows: trips.slice(0, MAX_ROWS).map((tr) => [
        shipmentLink ? h('a', { href: shipmentLink(tr.s.id) }, tr.s.id) : tr.s.id,
        tv(tr.s.status),
        place(tr.s.origin),
        tr.s.location ? place(tr.s.location)
          : (tr.at !== null && tr.between ? t('between {a} and {b}', { a: place(tr.pts[tr.at]), b: place(tr.pts[tr.at + 1]) }) : t('on the move')),
        place(tr.s.destination),
      ]),
    }) : null,
    trips.length > MAX_ROWS
      ? h('p', { class: 'dash-note' }, t('{n} more shipments on the move are drawn on the map.', { n: trips.length - MAX_ROWS }))
      : null);
}

function shipmentTip(s, tr, byCode) {
  const name = (code) => byCode.get(code)?.name || code;
  let where;
  if (s.location) where = t('at {site}', { site: name(s.location) });
  else if (tr.at !== null && tr.between) where = t('between {a} and {b}', { a: name(tr.pts[tr.at]), b: name(tr.pts[tr.at + 1]) });
  else where = t('on the move');
  return `${s.id} (${tv(s.status)}): ${tr.pts.join(' → ')}; ${where}`;
}
