// pages/plans.js - running the allocation optimiser, reviewing what a plan
// would change against today's allocations, and approving or discarding it.

import { h, fill } from '../dom.js';
import { t, tf, tv, num, eur, when } from '../i18n.js';
import * as api from '../api.js';
import { can, pageHead, loading, errorBox, notify, problemText, statusBadge } from '../ui.js';
import { transitionButtons } from './records.js';

const enc = encodeURIComponent;

// "Run a plan" on the list of plans: a title and the day it starts from.
export function planActions(main) {
  if (!can('plans', 'c')) return;
  const actions = main.querySelector('.page-head .actions');
  const open = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => {
    form.hidden = !form.hidden;
    if (!form.hidden) form.elements.title.focus();
  } }, t('Run a plan'));
  const err = h('div', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'record-form', hidden: true, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const body = {};
    if (form.elements.title.value.trim()) body.title = form.elements.title.value.trim();
    if (form.elements.as_of.value) body.as_of = form.elements.as_of.value;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    button.textContent = t('Solving…');
    try {
      const plan = await api.post('/plans', body);
      notify(t('Plan {id} is ready for review.', { id: plan.id }));
      location.hash = `#/plans/${enc(plan.id)}`;
    } catch (e) {
      const fe = e.fieldErrors[0];
      err.textContent = fe ? `${tf(fe.field)}: ${fe.reason}` : problemText(e);
    } finally {
      button.disabled = false;
      button.textContent = t('Run');
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'plan-title' }, tf('title')),
    h('input', { id: 'plan-title', name: 'title', maxlength: 200 })),
  h('div', { class: 'field' }, h('label', { for: 'plan-asof' }, tf('as_of')),
    h('input', { id: 'plan-asof', name: 'as_of', type: 'date' })),
  err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('Run'))));
  actions.append(open);
  main.querySelector('.page-head').after(form);
}

function summary(p) {
  return h('dl', { class: 'fields' },
    [['status', statusBadge(p.status)], ['as_of', p.as_of], ['requirements', num(p.requirements)],
      ['pledges', num(p.pledges)], ['allocations', num(p.allocations)],
      ['on_time_units', num(p.on_time_units)], ['late_units', num(p.late_units)],
      ['unmet_units', num(p.unmet_units)], ['cost_eur', eur(p.cost_eur)],
      ['created_by', `${p.created_by} · ${when(p.created_at)}`],
      ['approved_by', p.approved_by || '—']]
      .map(([k, v]) => [h('dt', null, tf(k)), h('dd', null, v)]));
}

function diffTable(d) {
  const rows = d.requirements || [];
  return h('div', { class: 'table-wrap' }, h('table', null,
    h('caption', { class: 'sr-only' }, t('What the plan changes')),
    h('thead', null, h('tr', null,
      [['requirement'], ['priority'], ['needed_by'], ['requested', true], ['current_units', true], ['proposed_units', true], ['remaining_units', true], ['proposed']]
        .map(([k, n]) => h('th', { scope: 'col', class: n ? 'num' : null }, tf(k))))),
    h('tbody', null, rows.length ? rows.map((r) => h('tr', null,
      h('th', { scope: 'row' }, h('a', { href: `#/requirements/${enc(r.requirement)}` }, r.requirement)),
      h('td', null, r.priority), h('td', null, r.needed_by),
      h('td', { class: 'num' }, num(r.requested)), h('td', { class: 'num' }, num(r.current_units)),
      h('td', { class: 'num' }, r.proposed_units ? `+${num(r.proposed_units)}` : '0'),
      h('td', { class: 'num' }, num(r.remaining_units)),
      h('td', null, (r.proposed || []).map((a) => h('div', null,
        t('{n} × {item} from {pledge}, {route}, arrives {date}', { n: num(a.quantity), item: a.item, pledge: a.pledge, route: a.route, date: a.expected_on }),
        a.days_late > 0 ? h('span', { class: 'badge badge-late' }, ` ${t('{n} days late', { n: a.days_late })}`) : '')))))
      : h('tr', null, h('td', { colspan: 8, class: 'empty' }, t('The plan changes nothing.'))))));
}

function shortfalls(p) {
  const list = p.plan?.shortfalls || [];
  if (!list.length) return null;
  return h('section', null, h('h2', null, t('Why requirements fall short')),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['requirement', 'quantity', 'on_time', 'late', 'unmet', 'why'].map((k) =>
        h('th', { scope: 'col' }, tf(k))))),
      h('tbody', null, list.map((s) => h('tr', null,
        h('th', { scope: 'row' }, h('a', { href: `#/requirements/${enc(s.demand)}` }, s.demand)),
        h('td', { class: 'num' }, num(s.quantity)), h('td', { class: 'num' }, num(s.on_time)),
        h('td', { class: 'num' }, num(s.late)), h('td', { class: 'num' }, num(s.unmet)),
        h('td', null, (s.why || []).map((w) => h('div', null,
          h('strong', null, `${tv(w.reason)} (${num(w.units)})`), ': ', h('span', { lang: 'en' }, w.text))))))))));
}

export async function planDetail(main, id) {
  fill(main, loading());
  let plan, etag, diff;
  try {
    ({ data: plan, etag } = await api.getWithEtag(`/plans/${enc(id)}`));
    diff = await api.get(`/plans/${enc(id)}/diff`);
  } catch (e) {
    fill(main, pageHead(`${t('Plan')} ${id}`), errorBox(e));
    return;
  }
  const reload = () => planDetail(main, id);
  fill(main,
    pageHead(plan.title ? `${t('Plan')}: ${plan.title}` : `${t('Plan')} ${id}`, transitionButtons('plans', plan, etag, reload)),
    diff.stale ? h('div', { class: 'problem', role: 'alert' },
      h('p', null, t('The inputs changed since this plan was made; approving it will be refused. Run a new plan.')),
      diff.stale_reason ? h('p', { lang: 'en' }, diff.stale_reason) : null) : null,
    summary(plan),
    plan.status === 'draft' ? [
      h('h2', null, t('What the plan changes')),
      h('p', null, t('Current allocations beside what approving this plan would add, per requirement.')),
      diffTable(diff),
    ] : h('p', null, plan.status === 'approved'
      ? h('a', { href: `#/allocations?plan=${enc(plan.id)}` }, t('The allocations this plan made'))
      : t('This plan was discarded; it changed nothing.')),
    shortfalls(plan),
    (plan.plan?.left_out || []).length ? h('section', null, h('h2', null, t('Pledges left out')),
      h('ul', null, plan.plan.left_out.map((l) => h('li', null,
        `${l.pledge}: ${num(l.units)} × ${l.item} — `, h('span', { lang: 'en' }, l.reason))))) : null);
}
