import { describe, expect, it } from 'vitest';
import { failsSanityCheck, figureLines, methodFigures, sanityText } from './validation';

/** The shape GET /api/plugins gives the built-in plugin's report, with two of its methods. */
function plugin(validation: unknown) {
  return { id: 'glassbox.ct-hyperdense-lesion', version: '0.1.0', validation };
}

const report = {
  measured: '2026-12-03',
  explanations: {
    sanityRule: { failsAtOrAbove: 0.5, rule: 'fails when …' },
    methods: [
      {
        method: 'grad-cam', pointingGame: 0.9867, deletionRatioToRandom: 0.0312, insertionRatioToRandom: 2.0084,
        sanity: { spearmanClassifierReinitialised: 0.2834, verdict: 'passes' },
      },
      {
        method: 'score-cam', pointingGame: 0.9867, deletionRatioToRandom: 0.0314, insertionRatioToRandom: 2.0083,
        sanity: { spearmanClassifierReinitialised: 0.9291, verdict: 'fails' },
      },
    ],
  },
};

describe('validation figures', () => {
  it('reads the figures of the shown method and follows the plugin\'s verdict', () => {
    const passing = methodFigures(plugin(report), 'grad-cam');
    const failing = methodFigures(plugin(report), 'score-cam');
    expect(passing?.verdict).toBe('passes');
    expect(failsSanityCheck(passing)).toBe(false);
    expect(failing?.verdict).toBe('fails');
    expect(failsSanityCheck(failing)).toBe(true);
    expect(failing?.measured).toBe('2026-12-03');
  });

  it('formats each figure with the direction that is better and the limit of the verdict', () => {
    const lines = Object.fromEntries(figureLines(methodFigures(plugin(report), 'score-cam')!));
    expect(lines['Pointing game']).toBe('98.7 % of maps peak inside the finding');
    expect(lines['Deletion vs random']).toBe('0.03× the random map\'s area (lower is better)');
    expect(lines['Insertion vs random']).toBe('2.01× the random map\'s area (higher is better)');
    expect(lines['Sanity check']).toBe('FAILS (rank correlation 0.93 with its own maps after the classifier is '
      + 're-initialised; fails at ≥ 0.50)');
    expect(sanityText(methodFigures(plugin(report), 'grad-cam')!)).toMatch(/^passes \(rank correlation 0\.28 /);
  });

  it('has no figures, and no verdict, for what the plugin did not publish or publishes malformed', () => {
    expect(methodFigures(plugin(report), 'layercam')).toBeNull();
    expect(methodFigures(plugin(undefined), 'grad-cam')).toBeNull();
    expect(methodFigures(plugin({ explanations: { methods: 'none' } }), 'grad-cam')).toBeNull();
    expect(methodFigures(plugin(report), undefined)).toBeNull();
    const odd = methodFigures(plugin({ explanations: { methods: [{ method: 'cam', sanity: { verdict: 'maybe' } }] } }), 'cam');
    expect(odd?.verdict).toBeNull();
    expect(failsSanityCheck(odd)).toBe(false);
    expect(Object.fromEntries(figureLines(odd!))).toEqual({ 'Sanity check': 'not measured by the plugin' });
  });
});
