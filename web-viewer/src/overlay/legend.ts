import { cssColour, type ColormapName } from './colormaps';
import type { OverlayOptions } from './overlay';

/** The legend's words: what the colours mean, for the options and map shown. Kept apart from the DOM to test. */
export function legendText(options: OverlayOptions, method: string, imageMax: number | null, decisionThreshold: number | null): string[] {
  const lines = [
    options.scaling === 'relative'
      ? `${method} attention, scaled to this image's maximum${imageMax === null ? '' : ` (${imageMax.toFixed(2)} = top colour)`}`
      : `${method} attention, absolute: the map's own values 0 to 1`,
  ];
  if (options.threshold > 0) {
    lines.push(`Hidden below ${options.threshold.toFixed(2)}`);
  }
  if (options.contourLevel !== null) {
    lines.push(`White outline: map at ${options.contourLevel.toFixed(2)}${decisionThreshold !== null ? ' (the decision threshold)' : ''}`);
  }
  return lines;
}

/** A CSS gradient of the colour map, bottom to top of the scale. */
export function legendGradient(colormap: ColormapName): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((v) => `${cssColour(colormap, v)} ${v * 100}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
