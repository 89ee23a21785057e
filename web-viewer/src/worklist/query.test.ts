import { describe, expect, it } from 'vitest';
import type { AiSummary } from '../core/api';
import { aiStatusText, DEFAULT_QUERY, fromSearch, pageText, toggleSort, topFindingText, toSearch } from './query';

describe('worklist query', () => {
  it('leaves empty filters out and writes dates as DICOM dates', () => {
    expect(toSearch(DEFAULT_QUERY)).toBe('sort=-date&offset=0&limit=50');
    expect(toSearch({ ...DEFAULT_QUERY, patient: ' doe* ', from: '2026-01-02', to: '2026-12-31', modality: 'ct', finding: 'true', status: 'failed', offset: 50 }))
      .toBe('patient=doe*&from=20260102&to=20261231&modality=CT&finding=true&status=failed&sort=-date&offset=50&limit=50');
  });

  it('reads back what it wrote, and ignores what it cannot read', () => {
    const q = { ...DEFAULT_QUERY, patient: 'X', from: '2026-01-02', sort: 'patient' as const, status: 'running' as const, offset: 100 };
    expect(fromSearch(toSearch(q))).toEqual(q);
    expect(fromSearch('sort=size&status=lost&offset=-1&limit=99999&from=yesterday')).toEqual({ ...DEFAULT_QUERY, limit: 200 });
  });

  it('a second click on a column reverses its sort', () => {
    expect(toggleSort('-date', 'date')).toBe('date');
    expect(toggleSort('date', 'date')).toBe('-date');
    expect(toggleSort('-date', 'patient')).toBe('patient');
  });
});

describe('worklist cells', () => {
  const ai = (over: Partial<AiSummary>): AiSummary => ({ status: 'none', progress: null, reason: null, jobs: 0, topFinding: null, ...over });

  it('says the AI status in words, with progress and the reason of a failure', () => {
    expect(aiStatusText(ai({}))).toBe('No AI');
    expect(aiStatusText(ai({ status: 'queued' }))).toBe('Queued');
    expect(aiStatusText(ai({ status: 'queued', reason: 'worker lost' }))).toBe('Queued again after a failure: worker lost');
    expect(aiStatusText(ai({ status: 'running', progress: { done: 3, total: 13, message: null } }))).toBe('Running 3/13');
    expect(aiStatusText(ai({ status: 'failed', reason: 'JPEG-LS is not decodable' }))).toBe('Failed: JPEG-LS is not decodable');
  });

  it('shows the top finding with its score', () => {
    const topFinding = { label: 'Hyperdense lesion', score: 0.987, threshold: 0.5, present: true, pluginId: 'p', pluginVersion: '1' };
    expect(topFindingText(ai({ status: 'done', topFinding }))).toBe('Hyperdense lesion — 0.99');
    expect(topFindingText(ai({ status: 'done', topFinding: { ...topFinding, present: false, score: 0.01 } }))).toBe('No hyperdense lesion — 0.01');
    expect(topFindingText(ai({ status: 'done' }))).toBe('No result');
  });

  it('tells which page is shown', () => {
    expect(pageText(1234, 50, 50)).toBe('Showing 51–100 of 1234');
    expect(pageText(0, 0, 0)).toBe('No studies match');
  });
});
