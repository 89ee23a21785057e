import { describe, expect, it } from 'vitest';
import type { Analysis, Finding } from '../core/api';
import { analysisStatusText, analysisToShow, defaultClass, FindingIndex, WINDOW_PRESETS } from './state';

function finding(sop: string, classId: string, present: boolean): Finding {
  return {
    sopInstanceUid: sop, seriesInstanceUid: 's', frame: 1, classId, label: classId.toUpperCase(), score: present ? 0.9 : 0.1,
    threshold: 0.5, present, source: '', secondaryCapture: { url: '', rendered: '' },
    parametricMap: { seriesInstanceUid: '', sopInstanceUid: '', url: '', heatmap: '' }, structuredReport: { url: '' },
  };
}

const images = ['a', 'b', 'c', 'd', 'e'].map((sopInstanceUid) => ({ sopInstanceUid, frame: 1 }));
const findings = [
  finding('a', 'lesion', false), finding('b', 'lesion', true), finding('c', 'lesion', false),
  finding('d', 'lesion', true), finding('e', 'lesion', false), finding('c', 'other', true),
];

describe('finding index', () => {
  const index = new FindingIndex(images, findings);

  it('finds each slice\'s finding per class', () => {
    expect(index.at(1, 'lesion')?.present).toBe(true);
    expect(index.at(2, 'other')?.present).toBe(true);
    expect(index.at(0, 'other')).toBeUndefined();
    expect(index.at(9, 'lesion')).toBeUndefined();
  });

  it('jumps to the next and previous slice with a present finding, and says when there is none', () => {
    expect(index.next(0, 'lesion', 1)).toBe(1);
    expect(index.next(1, 'lesion', 1)).toBe(3);
    expect(index.next(3, 'lesion', 1)).toBeNull();
    expect(index.next(4, 'lesion', -1)).toBe(3);
    expect(index.next(1, 'lesion', -1)).toBeNull();
    expect(index.presentCount('lesion')).toBe(2);
  });

  it('lists the classes with maps in order, and starts on one that is a finding', () => {
    expect(FindingIndex.classes(findings)).toEqual([{ classId: 'lesion', label: 'LESION' }, { classId: 'other', label: 'OTHER' }]);
    expect(defaultClass(findings)).toBe('lesion');
    expect(defaultClass([finding('a', 'x', false)])).toBe('x');
  });
});

describe('analysis shown', () => {
  const base = { seriesInstanceUid: 's', progress: { done: 3, total: 13, message: null }, plugin: { id: 'p', version: '1' } };
  it('prefers the newest successful analysis, else says what the newest is doing', () => {
    const running: Analysis = { ...base, jobId: 2, state: 'running' };
    const done: Analysis = { ...base, jobId: 1, state: 'succeeded', findings };
    expect(analysisToShow([running, done])?.jobId).toBe(1);
    expect(analysisStatusText(analysisToShow([running]))).toBe('The AI analysis is running (3 of 13 images).');
    expect(analysisStatusText({ ...base, jobId: 3, state: 'dead', lastError: 'image not decodable' }))
      .toBe('The AI analysis failed: image not decodable');
    expect(analysisStatusText(undefined)).toBe('No AI analysis has run on this study.');
    expect(analysisStatusText(done)).toBeNull();
  });
});

describe('window presets', () => {
  it('are the four CT windows, each on its own key', () => {
    expect(WINDOW_PRESETS.map((p) => `${p.key} ${p.name}`)).toEqual(['1 Brain', '2 Subdural', '3 Stroke', '4 Bone']);
  });
});
