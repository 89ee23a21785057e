import { el } from '../core/dom';

/**
 * Where on-demand explanations go (other methods, deletion curves, four methods compared): the review shows this
 * section for the shown image. Not built yet; the stored map of the analysis is what the heatmap view shows.
 */
export function explanationsPanel(): HTMLElement {
  return el('section', { class: 'explanations', id: 'explanations' },
    el('h3', {}, 'Other explanations'),
    el('p', { class: 'muted' }, 'Other methods, deletion curves and side-by-side comparisons on demand: not available yet.'));
}
