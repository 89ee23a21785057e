import { describe, type FeedbackSummary, getJson } from '../core/api';
import { el, errorBox } from '../core/dom';

/** For admins: how often radiologists agreed with each model (GET /api/feedback/summary). */
export async function showFeedbackSummary(root: HTMLElement): Promise<() => void> {
  root.replaceChildren(el('h1', {}, 'Radiologists\' feedback per model'), el('p', {}, 'Loading…'));
  try {
    const rows = await getJson<FeedbackSummary[]>('/api/feedback/summary');
    root.replaceChildren(el('a', { href: '#/', class: 'back' }, '← Worklist'),
      el('h1', {}, 'Radiologists\' feedback per model'),
      el('table', { id: 'feedback-summary' },
        el('thead', {}, el('tr', {}, ...['Model', 'Version', 'Agree', 'Disagree', 'Uncertain', 'Agreement rate'].map((h) => el('th', {}, h)))),
        el('tbody', {}, ...rows.map((r) => el('tr', {},
          el('td', {}, r.pluginId), el('td', {}, r.pluginVersion), el('td', { class: 'number' }, String(r.agree)),
          el('td', { class: 'number' }, String(r.disagree)), el('td', { class: 'number' }, String(r.uncertain)),
          el('td', { class: 'number' }, r.agreementRate === null ? '—' : `${Math.round(r.agreementRate * 100)} %`))))));
  } catch (e) {
    root.replaceChildren(errorBox(describe(e, 'The feedback summary could not be loaded')));
  }
  return () => {};
}
