import { type ColormapName, lookupTable } from './colormaps';

/** How map values become colours: divided by this image's maximum, or taken as they are (the map's own 0..1). */
export type Scaling = 'relative' | 'absolute';

export interface OverlayOptions {
  colormap: ColormapName;
  /** 0..1: how much of the colour covers the image where the map is shown. */
  opacity: number;
  /** 0..1 on the scaled map: values below are not drawn at all. */
  threshold: number;
  scaling: Scaling;
  /** 0..1 on the scaled map: draw the outline of the region at or above it; null for none. */
  contourLevel: number | null;
}

export interface HeatmapFrame {
  columns: number;
  rows: number;
  /** rows × columns values, row by row. */
  values: Float32Array;
}

export interface MapStatistics {
  max: number;
  /** The brightest pixel (first one in row order when there are ties). */
  peak: { column: number; row: number };
}

/** The outline's colour: white reads on every colour map and on the grey image beneath. */
export const CONTOUR_RGB = [255, 255, 255] as const;

export function statistics(map: HeatmapFrame): MapStatistics {
  let max = -Infinity;
  let at = 0;
  const v = map.values;
  for (let i = 0; i < v.length; i++) {
    if (v[i] > max) {
      max = v[i];
      at = i;
    }
  }
  return { max: Number.isFinite(max) ? max : 0, peak: { column: at % map.columns, row: Math.floor(at / map.columns) } };
}

/** The map scaled as the legend says: relative divides by the image's maximum (a zero map stays zero). */
export function scaled(map: HeatmapFrame, scaling: Scaling, max = statistics(map).max): Float32Array {
  const out = new Float32Array(map.values.length);
  const divisor = scaling === 'relative' ? (max > 0 ? max : 1) : 1;
  for (let i = 0; i < out.length; i++) {
    const x = map.values[i] / divisor;
    out[i] = x > 1 ? 1 : x > 0 ? x : 0;
  }
  return out;
}

/**
 * Pixels on the edge of the region at or above the level: inside the region with at least one of their four
 * neighbours outside it (or on the image border).
 */
export function contour(values: Float32Array, columns: number, rows: number, level: number): Uint8Array {
  const edge = new Uint8Array(values.length);
  const inside = (c: number, r: number) =>
    c >= 0 && r >= 0 && c < columns && r < rows && values[r * columns + c] >= level;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (inside(c, r) && (!inside(c - 1, r) || !inside(c + 1, r) || !inside(c, r - 1) || !inside(c, r + 1))) {
        edge[r * columns + c] = 1;
      }
    }
  }
  return edge;
}

/**
 * The overlay as RGBA pixels (columns × rows): each shown value takes its colour map colour with the chosen
 * opacity; values below the threshold are fully transparent, so the image shows through unchanged; the contour
 * is drawn opaque over everything.
 */
export function renderOverlay(map: HeatmapFrame, options: OverlayOptions, max?: number): Uint8ClampedArray<ArrayBuffer> {
  const values = scaled(map, options.scaling, max);
  const lut = lookupTable(options.colormap);
  const alpha = Math.round(Math.min(1, Math.max(0, options.opacity)) * 255);
  const rgba = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < options.threshold || v <= 0) {
      continue;
    }
    const k = Math.round(v * 255) * 3;
    rgba[i * 4] = lut[k];
    rgba[i * 4 + 1] = lut[k + 1];
    rgba[i * 4 + 2] = lut[k + 2];
    rgba[i * 4 + 3] = alpha;
  }
  if (options.contourLevel !== null) {
    const edge = contour(values, map.columns, map.rows, options.contourLevel);
    for (let i = 0; i < edge.length; i++) {
      if (edge[i]) {
        rgba[i * 4] = CONTOUR_RGB[0];
        rgba[i * 4 + 1] = CONTOUR_RGB[1];
        rgba[i * 4 + 2] = CONTOUR_RGB[2];
        rgba[i * 4 + 3] = 255;
      }
    }
  }
  return rgba;
}
