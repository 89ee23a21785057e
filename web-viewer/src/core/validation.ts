import type { PluginView } from './api';

/**
 * One explanation method's figures from the validation report the plugin publishes (GET /api/plugins, field
 * "validation"; the fields are described in docs/explainability.md). Nothing here is known to the viewer in
 * advance: a method the plugin did not measure has no figures, and the verdict is the plugin's.
 */
export interface MethodFigures {
  method: string;
  /** Share of the images whose map's maximum lies inside the finding. */
  pointingGame: number | null;
  /** Deletion AUC ÷ the random map's (lower is better: removing what the map points at drops the score sooner). */
  deletionRatio: number | null;
  /** Insertion AUC ÷ the random map's (higher is better). */
  insertionRatio: number | null;
  /** Rank correlation with the trained model's maps once the classifier is re-initialised. */
  sanityCorrelation: number | null;
  verdict: 'passes' | 'fails' | null;
  /** The rule the verdict follows, in the plugin's words. */
  sanityRule: string | null;
  failsAtOrAbove: number | null;
  measured: string | null;
}

/** What the viewer says beside a map whose method fails the sanity check. */
export const SANITY_WARNING = 'This method\'s maps barely change when the model\'s learned weights are replaced: '
  + 'they show image structure more than the model\'s reasoning.';

type Json = Record<string, unknown>;

function object(value: unknown): Json | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? value as Json : null;
}

function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The figures the plugin published for `method` (an explanation method id such as "grad-cam"), or null. */
export function methodFigures(plugin: PluginView | undefined, method: string | undefined): MethodFigures | null {
  const report = object(plugin?.validation);
  const explanations = object(report?.explanations);
  const methods = explanations?.methods;
  if (!method || !Array.isArray(methods)) {
    return null;
  }
  const entry = methods.map(object).find((m) => m?.method === method);
  if (!entry) {
    return null;
  }
  const sanity = object(entry.sanity);
  const rule = object(explanations?.sanityRule);
  const verdict = sanity?.verdict === 'passes' || sanity?.verdict === 'fails' ? sanity.verdict : null;
  return {
    method,
    pointingGame: number(entry.pointingGame),
    deletionRatio: number(entry.deletionRatioToRandom),
    insertionRatio: number(entry.insertionRatioToRandom),
    sanityCorrelation: number(sanity?.spearmanClassifierReinitialised),
    verdict,
    sanityRule: text(rule?.rule),
    failsAtOrAbove: number(rule?.failsAtOrAbove),
    measured: text(report?.measured),
  };
}

/** Whether the map must carry the warning: only a published "fails" verdict, never a guess. */
export function failsSanityCheck(figures: MethodFigures | null): boolean {
  return figures?.verdict === 'fails';
}

/** The figures as label → text lines for the finding panel, each saying which way is better. */
export function figureLines(figures: MethodFigures): [string, string][] {
  const lines: [string, string][] = [];
  if (figures.pointingGame !== null) {
    lines.push(['Pointing game', `${(100 * figures.pointingGame).toFixed(1)} % of maps peak inside the finding`]);
  }
  if (figures.deletionRatio !== null) {
    lines.push(['Deletion vs random', `${figures.deletionRatio.toFixed(2)}× the random map's area (lower is better)`]);
  }
  if (figures.insertionRatio !== null) {
    lines.push(['Insertion vs random', `${figures.insertionRatio.toFixed(2)}× the random map's area (higher is better)`]);
  }
  lines.push(['Sanity check', sanityText(figures)]);
  return lines;
}

/** The verdict with the figure behind it and the limit it is judged against. */
export function sanityText(figures: MethodFigures): string {
  if (figures.verdict === null) {
    return 'not measured by the plugin';
  }
  const correlation = figures.sanityCorrelation === null ? '' : `rank correlation ${figures.sanityCorrelation.toFixed(2)}`;
  const limit = figures.failsAtOrAbove === null ? '' : `fails at ≥ ${figures.failsAtOrAbove.toFixed(2)}`;
  const detail = [correlation ? `${correlation} with its own maps after the classifier is re-initialised` : '', limit]
    .filter((s) => s).join('; ');
  return `${figures.verdict === 'passes' ? 'passes' : 'FAILS'}${detail ? ` (${detail})` : ''}`;
}
