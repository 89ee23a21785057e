import type { AiSummary } from '../core/api';

/** The worklist's filters, sort and page, as the URL (#/?…) and GET /api/worklist both spell them. */
export interface WorklistQuery {
  patient: string;
  from: string;
  to: string;
  modality: string;
  finding: '' | 'true' | 'false';
  status: '' | 'none' | 'queued' | 'running' | 'done' | 'failed';
  sort: 'date' | '-date' | 'patient' | '-patient';
  offset: number;
  limit: number;
}

export const DEFAULT_QUERY: WorklistQuery = {
  patient: '', from: '', to: '', modality: '', finding: '', status: '', sort: '-date', offset: 0, limit: 50,
};

/** The query string for the API: empty filters left out; dates as YYYYMMDD (the date inputs give YYYY-MM-DD). */
export function toSearch(q: WorklistQuery): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string) => value && params.set(name, value);
  put('patient', q.patient.trim());
  put('from', q.from.replace(/-/g, ''));
  put('to', q.to.replace(/-/g, ''));
  put('modality', q.modality.trim().toUpperCase());
  put('finding', q.finding);
  put('status', q.status);
  params.set('sort', q.sort);
  params.set('offset', String(q.offset));
  params.set('limit', String(q.limit));
  return params.toString();
}

export function fromSearch(search: string): WorklistQuery {
  const p = new URLSearchParams(search);
  const date = (v: string | null) => (v && /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}` : '');
  const oneOf = <T extends string>(v: string | null, allowed: readonly T[], fallback: T): T =>
    allowed.includes(v as T) ? (v as T) : fallback;
  const count = (v: string | null, fallback: number) => (v && /^\d+$/.test(v) ? Number(v) : fallback);
  return {
    patient: p.get('patient') ?? '',
    from: date(p.get('from')),
    to: date(p.get('to')),
    modality: p.get('modality') ?? '',
    finding: oneOf(p.get('finding'), ['', 'true', 'false'] as const, ''),
    status: oneOf(p.get('status'), ['', 'none', 'queued', 'running', 'done', 'failed'] as const, ''),
    sort: oneOf(p.get('sort'), ['date', '-date', 'patient', '-patient'] as const, '-date'),
    offset: count(p.get('offset'), 0),
    limit: Math.min(200, Math.max(1, count(p.get('limit'), 50))),
  };
}

/** Clicking a column: sort by it, or reverse it when it is already the sort. */
export function toggleSort(current: WorklistQuery['sort'], column: 'date' | 'patient'): WorklistQuery['sort'] {
  return current === column ? `-${column}` : column;
}

/** The AI status cell's words. */
export function aiStatusText(ai: AiSummary): string {
  switch (ai.status) {
    case 'none':
      return 'No AI';
    case 'queued':
      return ai.reason ? `Queued again after a failure: ${ai.reason}` : 'Queued';
    case 'running': {
      const p = ai.progress;
      return p && p.total > 0 ? `Running ${p.done}/${p.total}` : 'Running';
    }
    case 'done':
      return 'Done';
    case 'failed':
      return `Failed: ${ai.reason ?? 'no reason recorded'}`;
    default:
      return String(ai.status);
  }
}

/** The top finding cell: label and score, or that nothing was found. */
export function topFindingText(ai: AiSummary): string {
  const f = ai.topFinding;
  if (!f) {
    return ai.status === 'done' ? 'No result' : '';
  }
  return `${f.present ? '' : 'No '}${f.present ? f.label : f.label.charAt(0).toLowerCase() + f.label.slice(1)} — ${f.score.toFixed(2)}`;
}

/** "Showing 51–100 of 1234" */
export function pageText(total: number, offset: number, shown: number): string {
  return total === 0 ? 'No studies match' : `Showing ${offset + 1}–${offset + shown} of ${total}`;
}
