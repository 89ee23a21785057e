import type { Analysis, Finding, PluginView } from '../core/api';
import { el } from '../core/dom';
import { regulatoryText } from '../core/plugins';
import { failsSanityCheck, figureLines, methodFigures, SANITY_WARNING } from '../core/validation';

/** Always on screen above the images: what the AI's output may be used for. */
export function regulatoryBanner(plugin: PluginView | undefined, analysis: Analysis | undefined): HTMLElement | null {
  if (!analysis) {
    return null;
  }
  const status = plugin?.manifest?.regulatoryStatus ?? analysis.plugin.regulatoryStatus;
  return el('div', { class: 'regulatory', id: 'regulatory-status' }, regulatoryText(status));
}

/** The finding on the shown image and the model behind it. */
export function findingPanel(finding: Finding | undefined, analysis: Analysis | undefined, plugin: PluginView | undefined): HTMLElement[] {
  if (!analysis) {
    return [el('section', { class: 'finding' }, el('h2', {}, 'AI result'), el('p', {}, 'No AI analysis for this study.'))];
  }
  const manifest = (plugin?.manifest ?? {}) as Record<string, unknown>;
  const name = String(manifest.name ?? analysis.plugin.name ?? analysis.plugin.id);
  const figures = methodFigures(plugin, analysis.method);
  const result = finding
    ? el('section', { class: `finding ${finding.present ? 'present' : 'absent'}`, id: 'finding' },
      el('h2', {}, finding.label),
      el('p', { class: 'verdict' }, finding.present ? 'Finding present' : 'No finding'),
      el('dl', {},
        el('dt', {}, 'Score'), el('dd', { id: 'finding-score' }, finding.score.toFixed(3)),
        el('dt', {}, 'Decision threshold'), el('dd', {}, finding.threshold.toFixed(3))))
    : el('section', { class: 'finding', id: 'finding' }, el('h2', {}, 'AI result'),
      el('p', {}, 'The AI gave no result for this image.'));
  const model = el('section', { class: 'model' },
    el('h3', {}, 'Model'),
    el('dl', {},
      el('dt', {}, 'Name'), el('dd', { id: 'model-name' }, name),
      el('dt', {}, 'Version'), el('dd', {}, analysis.plugin.version),
      el('dt', {}, 'Explanation'), el('dd', {}, `${analysis.methodName ?? analysis.method ?? '—'}, layer ${analysis.targetLayer ?? '—'}`)),
    manifest.intendedUse ? el('p', { class: 'intended-use' }, el('strong', {}, 'Intended use: '), String(manifest.intendedUse)) : null,
    el('h3', {}, 'Faithfulness of its maps'),
    figures
      ? el('div', { id: 'faithfulness' },
        el('dl', {}, ...figureLines(figures).flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, value)])),
        failsSanityCheck(figures) ? el('p', { class: 'warning sanity-warning' }, SANITY_WARNING) : null,
        el('p', { class: 'muted' }, `From the plugin's validation report${figures.measured ? ` (measured ${figures.measured})` : ''}, `
          + 'on its own held-out test data, not on this study.'))
      : el('p', { id: 'faithfulness', class: 'muted' },
        'Not published by this plugin for this method (no pointing game, deletion or sanity-check figures available).'));
  return [result, model];
}
