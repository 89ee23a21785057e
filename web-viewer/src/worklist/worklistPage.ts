import { type AiSummary, describe, getJson, type WorklistItem, type WorklistPage } from '../core/api';
import { el, errorBox, formatDate, formatName } from '../core/dom';
import { aiStatusText, fromSearch, pageText, toggleSort, topFindingText, toSearch, type WorklistQuery } from './query';

/**
 * The worklist: studies page by page as the server sorts and filters them (GET /api/worklist), with the AI
 * status kept current by the server's events (GET /api/worklist/events) without reloading.
 */
export function showWorklist(root: HTMLElement, search: string): () => void {
  const query = fromSearch(search);
  const go = (q: WorklistQuery) => {
    location.hash = `#/?${toSearch(q)}`;
  };

  const form = filterForm(query, go);
  const message = el('div', { id: 'worklist-message' });
  const live = el('div', { id: 'worklist-live' });
  const body = el('tbody');
  const pager = el('div', { class: 'pager' });
  const header = (label: string, column?: 'date' | 'patient') => {
    if (!column) {
      return el('th', {}, label);
    }
    const arrow = query.sort === column ? ' ▲' : query.sort === `-${column}` ? ' ▼' : '';
    const th = el('th', { class: 'sortable', id: `sort-${column}` }, label + arrow);
    th.addEventListener('click', () => go({ ...query, sort: toggleSort(query.sort, column), offset: 0 }));
    return th;
  };
  root.replaceChildren(el('div', { class: 'worklist' },
    el('h1', {}, 'Worklist'),
    form, message, live,
    el('table', { id: 'worklist-table' },
      el('thead', {}, el('tr', {}, header('Patient', 'patient'), header('Patient ID'), header('Date', 'date'),
        header('Modality'), header('Description'), header('Images'), header('AI'), header('Top finding'))),
      body),
    pager));

  const rows = new Map<string, HTMLTableRowElement>();
  const load = async () => {
    try {
      const page = await getJson<WorklistPage>(`/api/worklist?${toSearch(query)}`);
      body.replaceChildren(...page.items.map((item) => {
        const row = studyRow(item);
        rows.set(item.studyInstanceUid, row);
        return row;
      }));
      message.replaceChildren();
      pager.replaceChildren(
        pagerButton('page-previous', '◀ Previous', page.offset > 0, () => go({ ...query, offset: Math.max(0, page.offset - page.limit) })),
        el('span', { id: 'page-text' }, pageText(page.total, page.offset, page.items.length)),
        pagerButton('page-next', 'Next ▶', page.offset + page.items.length < page.total, () => go({ ...query, offset: page.offset + page.limit })));
    } catch (e) {
      message.replaceChildren(errorBox(describe(e, 'The worklist could not be loaded')));
    }
  };
  void load();

  // Job progress arrives as events; a study not on this page, or new instances, reload the page (it may now match).
  const events = new EventSource('/api/worklist/events');
  let reloadTimer: number | undefined;
  events.addEventListener('study', (event) => {
    const data = JSON.parse((event as MessageEvent).data) as { studyInstanceUid: string; ai: AiSummary; imageCount?: number };
    const row = rows.get(data.studyInstanceUid);
    if (row) {
      fillAi(row, data.ai);
      if (data.imageCount !== undefined) {
        row.querySelector<HTMLElement>('td.images')!.textContent = String(data.imageCount);
      }
    }
    if (!row || query.status || query.finding) {
      clearTimeout(reloadTimer);
      reloadTimer = window.setTimeout(() => void load(), 500);
    }
  });
  events.addEventListener('error', () => {
    live.replaceChildren(el('div', { class: 'notice' }, 'Live updates are interrupted; reconnecting…'));
  });
  events.addEventListener('open', () => live.replaceChildren());

  return () => {
    events.close();
    clearTimeout(reloadTimer);
  };
}

function studyRow(item: WorklistItem): HTMLTableRowElement {
  const row = el('tr', { class: 'study', 'data-study': item.studyInstanceUid, tabindex: '0' },
    el('td', { class: 'patient' }, formatName(item.patientName) || '—'),
    el('td', {}, item.patientId ?? ''),
    el('td', {}, formatDate(item.studyDate)),
    el('td', {}, item.modalities.join(', ')),
    el('td', {}, item.description ?? ''),
    el('td', { class: 'number images' }, String(item.imageCount)),
    el('td', { class: 'ai' }),
    el('td', { class: 'top-finding' }));
  fillAi(row, item.ai);
  const open = () => {
    location.hash = `#/study/${encodeURIComponent(item.studyInstanceUid)}`;
  };
  row.addEventListener('click', open);
  row.addEventListener('keydown', (event) => event.key === 'Enter' && open());
  return row;
}

function fillAi(row: HTMLTableRowElement, ai: AiSummary): void {
  const status = row.querySelector<HTMLElement>('td.ai')!;
  status.textContent = aiStatusText(ai);
  status.className = `ai ai-${ai.status}`;
  const top = row.querySelector<HTMLElement>('td.top-finding')!;
  top.textContent = topFindingText(ai);
  top.classList.toggle('positive', Boolean(ai.topFinding?.present));
}

function pagerButton(id: string, text: string, enabled: boolean, onClick: () => void): HTMLButtonElement {
  const b = el('button', { id, type: 'button' }, text);
  b.disabled = !enabled;
  b.addEventListener('click', onClick);
  return b;
}

function filterForm(query: WorklistQuery, go: (q: WorklistQuery) => void): HTMLFormElement {
  const input = (id: string, label: string, type: string, value: string, extra: Record<string, string> = {}) => {
    const i = el('input', { id, name: id, type, ...extra });
    i.value = value;
    return el('label', { class: 'control' }, label, i);
  };
  const choice = (id: string, label: string, value: string, options: [string, string][]) => {
    const s = el('select', { id, name: id }, ...options.map(([v, t]) => el('option', { value: v }, t)));
    s.value = value;
    return el('label', { class: 'control' }, label, s);
  };
  const form = el('form', { class: 'filters', id: 'filters' },
    input('patient', 'Patient', 'search', query.patient, { placeholder: 'name or ID, * wildcard' }),
    input('from', 'From', 'date', query.from),
    input('to', 'To', 'date', query.to),
    input('modality', 'Modality', 'text', query.modality, { size: '4', placeholder: 'CT' }),
    choice('finding', 'Finding', query.finding, [['', 'any'], ['true', 'present'], ['false', 'none']]),
    choice('status', 'AI status', query.status,
      [['', 'any'], ['none', 'no AI'], ['queued', 'queued'], ['running', 'running'], ['done', 'done'], ['failed', 'failed']]),
    el('button', { type: 'submit', id: 'search' }, 'Search'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '');
    go({
      ...query,
      patient: text('patient'), from: text('from'), to: text('to'), modality: text('modality'),
      finding: text('finding') as WorklistQuery['finding'], status: text('status') as WorklistQuery['status'], offset: 0,
    });
  });
  return form;
}
