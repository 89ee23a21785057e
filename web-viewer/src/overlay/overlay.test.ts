import { describe, expect, it } from 'vitest';
import { cssColour, lookupTable } from './colormaps';
import { legendGradient, legendText } from './legend';
import { CONTOUR_RGB, contour, type HeatmapFrame, type OverlayOptions, renderOverlay, scaled, statistics } from './overlay';

/** A 5×4 map, zero except a 2×2 block (0.2, 0.4 / 0.6, 0.8) at columns 1-2, rows 1-2. */
function block(): HeatmapFrame {
  const values = new Float32Array(20);
  values[1 * 5 + 1] = 0.2;
  values[1 * 5 + 2] = 0.4;
  values[2 * 5 + 1] = 0.6;
  values[2 * 5 + 2] = 0.8;
  return { columns: 5, rows: 4, values };
}

const plain: OverlayOptions = { colormap: 'viridis', opacity: 0.5, threshold: 0, scaling: 'absolute', contourLevel: null };

const alphaAt = (rgba: Uint8ClampedArray, column: number, row: number, columns = 5) => rgba[(row * columns + column) * 4 + 3];

describe('colour maps', () => {
  it('run from the first control point to the last', () => {
    const viridis = lookupTable('viridis');
    expect(Array.from(viridis.slice(0, 3))).toEqual([68, 1, 84]);
    expect(Array.from(viridis.slice(255 * 3))).toEqual([253, 231, 37]);
    expect(cssColour('jet', 1)).toBe('rgb(128, 0, 0)');
  });

  it('viridis gets brighter all the way (readable without telling red from green)', () => {
    const lut = lookupTable('viridis');
    const luminance = (i: number) => 0.2126 * lut[i * 3] + 0.7152 * lut[i * 3 + 1] + 0.0722 * lut[i * 3 + 2];
    for (let i = 8; i < 256; i += 8) {
      expect(luminance(i)).toBeGreaterThan(luminance(i - 8));
    }
  });
});

describe('statistics and scaling', () => {
  it('finds the maximum and where it is', () => {
    const stats = statistics(block());
    expect(stats.max).toBeCloseTo(0.8);
    expect(stats.peak).toEqual({ column: 2, row: 2 });
  });

  it('relative scaling divides by the maximum; absolute keeps the map and clamps it to 0..1', () => {
    const relative = scaled(block(), 'relative');
    expect(relative[2 * 5 + 2]).toBeCloseTo(1);
    expect(relative[1 * 5 + 1]).toBeCloseTo(0.25);
    const hot = { columns: 2, rows: 1, values: new Float32Array([1.5, -1]) };
    expect(Array.from(scaled(hot, 'absolute'))).toEqual([1, 0]);
  });

  it('a map of zeros stays zero when scaled to its maximum', () => {
    const zero = { columns: 2, rows: 2, values: new Float32Array(4) };
    expect(Array.from(scaled(zero, 'relative'))).toEqual([0, 0, 0, 0]);
  });
});

describe('overlay pixels', () => {
  it('colours only where the map is above zero, with the chosen opacity', () => {
    const rgba = renderOverlay(block(), plain);
    expect(alphaAt(rgba, 0, 0)).toBe(0);
    expect(alphaAt(rgba, 3, 2)).toBe(0);
    expect(alphaAt(rgba, 1, 1)).toBe(128);
    const lut = lookupTable('viridis');
    const k = Math.round(0.8 * 255) * 3;
    expect(Array.from(rgba.slice((2 * 5 + 2) * 4, (2 * 5 + 2) * 4 + 3))).toEqual([lut[k], lut[k + 1], lut[k + 2]]);
  });

  it('opacity changes the alpha of the shown pixels and nothing else', () => {
    const half = renderOverlay(block(), plain);
    const full = renderOverlay(block(), { ...plain, opacity: 1 });
    for (let i = 0; i < 20; i++) {
      const shown = block().values[i] > 0;
      expect(full[i * 4 + 3]).toBe(shown ? 255 : 0);
      expect(full.slice(i * 4, i * 4 + 3)).toEqual(half.slice(i * 4, i * 4 + 3));
    }
  });

  it('the threshold hides values below it', () => {
    const rgba = renderOverlay(block(), { ...plain, threshold: 0.5 });
    expect(alphaAt(rgba, 1, 1)).toBe(0);
    expect(alphaAt(rgba, 2, 1)).toBe(0);
    expect(alphaAt(rgba, 1, 2)).toBe(128);
    expect(alphaAt(rgba, 2, 2)).toBe(128);
  });

  it('the threshold applies to the scaled map: half of the maximum under relative scaling', () => {
    const rgba = renderOverlay(block(), { ...plain, scaling: 'relative', threshold: 0.5 });
    expect(alphaAt(rgba, 2, 1)).toBe(128); // 0.4 / 0.8 = 0.5
    expect(alphaAt(rgba, 1, 1)).toBe(0); // 0.25
  });

  it('the colour map follows the scaling: the maximum takes the top colour under relative scaling', () => {
    const rgba = renderOverlay(block(), { ...plain, scaling: 'relative' });
    expect(Array.from(rgba.slice((2 * 5 + 2) * 4, (2 * 5 + 2) * 4 + 3))).toEqual([253, 231, 37]);
  });
});

describe('contour', () => {
  it('outlines the region at or above the level, inside the region only', () => {
    const values = new Float32Array(25);
    for (let r = 1; r <= 3; r++) {
      for (let c = 1; c <= 3; c++) {
        values[r * 5 + c] = 1;
      }
    }
    const edge = contour(values, 5, 5, 0.5);
    const marked = Array.from(edge).flatMap((e, i) => (e ? [i] : []));
    expect(marked).toEqual([6, 7, 8, 11, 13, 16, 17, 18]); // the ring; 12 (the centre) is inside, not edge
  });

  it('a region touching the border is closed by the border', () => {
    const edge = contour(new Float32Array([1, 1, 1, 1]), 2, 2, 0.5);
    expect(Array.from(edge)).toEqual([1, 1, 1, 1]);
  });

  it('is drawn opaque in the contour colour over the colour map', () => {
    const rgba = renderOverlay(block(), { ...plain, contourLevel: 0.7 });
    expect(Array.from(rgba.slice((2 * 5 + 2) * 4, (2 * 5 + 2) * 4 + 4))).toEqual([...CONTOUR_RGB, 255]);
    expect(alphaAt(rgba, 1, 2)).toBe(128);
  });
});

describe('legend', () => {
  it('says what the colours mean, the hidden range and the outline', () => {
    expect(legendText({ ...plain, scaling: 'relative', threshold: 0.2, contourLevel: 0.5 }, 'Grad-CAM', 0.83, 0.5)).toEqual([
      "Grad-CAM attention, scaled to this image's maximum (0.83 = top colour)",
      'Hidden below 0.20',
      'White outline: map at 0.50 (the decision threshold)',
    ]);
    expect(legendText(plain, 'Grad-CAM', 0.83, null)).toEqual(['Grad-CAM attention, absolute: the map\'s own values 0 to 1']);
    expect(legendGradient('viridis')).toMatch(/^linear-gradient\(to right, rgb\(68, 1, 84\) 0%,.*rgb\(253, 231, 37\) 100%\)$/);
  });
});
