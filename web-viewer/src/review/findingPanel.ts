import type { Analysis, Finding, PluginView } from '../core/api';
import { el } from '../core/dom';
import { faithfulness, regulatoryText } from '../core/plugins';

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
  const figures = faithfulness(plugin);
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
      ? el('dl', { id: 'faithfulness' }, ...Object.entries(figures).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]))
      : el('p', { id: 'faithfulness', class: 'muted' },
        'Not published by this plugin through the server (no pointing game, deletion or sanity-check figures available).'));
  return [result, model];
}
