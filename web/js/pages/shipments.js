// pages/shipments.js - on a shipment's page: its transfer document, and the
// receipt confirmation of the unit it was sent to.

import { h } from '../dom.js';
import { t, tv } from '../i18n.js';
import * as api from '../api.js';
import { session, mayRecord, confirmAction, notify, problemText } from '../ui.js';
import { recordEvent } from './scan.js';

const enc = encodeURIComponent;
const OPEN = ['planned', 'in_transit', 'at_node'];

export async function shipmentExtra(body, rec, _etag, reload) {
  const actions = h('div', { class: 'actions' });
  actions.append(h('button', { type: 'button', class: 'btn', onclick: async () => {
    try {
      await api.download(`/shipments/${enc(rec.id)}/document`, {}, `${rec.id}.pdf`);
    } catch (e) { notify(problemText(e), 'error'); }
  } }, t('Transfer document (PDF)')));
  if (mayRecord('received') && rec.status !== 'received' && rec.status !== 'planned') {
    actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: async () => {
      const q = t('Confirm receipt of {id} at {site}? Anything still in transit is booked short and the lines close.', { id: rec.id, site: rec.destination });
      if (!(await confirmAction(q, { yes: t('Confirm receipt') }))) return;
      try {
        await recordEvent('received', rec.destination, rec.id, { complete: true });
        notify(t('Receipt of {id} confirmed.', { id: rec.id }));
        reload();
      } catch (e) { notify(problemText(e), 'error'); }
    } }, t('Confirm receipt')));
  }
  const site = session.user.site;
  if (site && OPEN.includes(rec.status)) {
    for (const ty of ['arrived', 'departed']) {
      if (!mayRecord(ty)) continue;
      actions.append(h('button', { type: 'button', class: 'btn', onclick: async () => {
        try {
          await recordEvent(ty, site, rec.id);
          notify(t('{shipment}: {type} recorded at {site}.', { shipment: rec.id, type: tv(ty), site }));
          reload();
        } catch (e) { notify(problemText(e), 'error'); }
      } }, t('Record: {type}', { type: tv(ty) })));
    }
  }
  body.prepend(actions);
}
