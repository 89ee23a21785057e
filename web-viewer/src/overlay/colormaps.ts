/**
 * Colour maps for the heatmap overlay, as 256-entry lookup tables built from a few control points.
 * "viridis" and "cividis" are perceptually uniform and readable with the common colour-vision deficiencies;
 * "jet" is what the Grad-CAM literature (and the burned-in Secondary Capture) shows, kept for comparison.
 */
export type ColormapName = 'viridis' | 'cividis' | 'jet' | 'hot';

export const COLORMAPS: { name: ColormapName; label: string }[] = [
  { name: 'viridis', label: 'Viridis (colour-blind safe)' },
  { name: 'cividis', label: 'Cividis (colour-blind safe)' },
  { name: 'jet', label: 'Jet' },
  { name: 'hot', label: 'Hot' },
];

type Stop = [position: number, r: number, g: number, b: number];

const STOPS: Record<ColormapName, Stop[]> = {
  viridis: [
    [0.0, 68, 1, 84], [0.13, 71, 44, 122], [0.25, 59, 81, 139], [0.38, 44, 113, 142], [0.5, 33, 144, 141],
    [0.63, 39, 173, 129], [0.75, 92, 200, 99], [0.88, 170, 220, 50], [1.0, 253, 231, 37],
  ],
  cividis: [
    [0.0, 0, 32, 77], [0.25, 64, 77, 108], [0.5, 124, 123, 120], [0.75, 188, 175, 111], [1.0, 255, 234, 70],
  ],
  jet: [
    [0.0, 0, 0, 131], [0.125, 0, 60, 170], [0.375, 5, 255, 255], [0.625, 255, 255, 0], [0.875, 250, 0, 0],
    [1.0, 128, 0, 0],
  ],
  hot: [[0.0, 10, 0, 0], [0.375, 255, 0, 0], [0.75, 255, 255, 0], [1.0, 255, 255, 255]],
};

const cache = new Map<ColormapName, Uint8Array>();

/** The colour map as 256 RGB triples (index i is the colour of the value i / 255). */
export function lookupTable(name: ColormapName): Uint8Array {
  let lut = cache.get(name);
  if (lut) {
    return lut;
  }
  const stops = STOPS[name];
  if (!stops) {
    throw new Error(`unknown colour map ${name}`);
  }
  lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < stops.length - 2 && t > stops[k + 1][0]) {
      k++;
    }
    const [p0, r0, g0, b0] = stops[k];
    const [p1, r1, g1, b1] = stops[k + 1];
    const f = Math.min(1, Math.max(0, (t - p0) / (p1 - p0)));
    lut[i * 3] = Math.round(r0 + f * (r1 - r0));
    lut[i * 3 + 1] = Math.round(g0 + f * (g1 - g0));
    lut[i * 3 + 2] = Math.round(b0 + f * (b1 - b0));
  }
  cache.set(name, lut);
  return lut;
}

/** The CSS colour of a value in [0, 1]: for the legend. */
export function cssColour(name: ColormapName, value: number): string {
  const lut = lookupTable(name);
  const i = Math.round(Math.min(1, Math.max(0, value)) * 255) * 3;
  return `rgb(${lut[i]}, ${lut[i + 1]}, ${lut[i + 2]})`;
}
