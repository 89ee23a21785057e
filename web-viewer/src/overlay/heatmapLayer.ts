import { utilities, type Types } from '@cornerstonejs/core';
import { type HeatmapFrame, type MapStatistics, type OverlayOptions, renderOverlay } from './overlay';

/**
 * The heatmap drawn over one Cornerstone viewport: a 2D canvas laid on the viewport's element, showing the map's
 * pixels (coloured by renderOverlay at the image's own resolution) under the same image-to-canvas transform as the
 * image beneath, so pan, zoom and resize carry it along. Drawn from the raw map: options change the colours, never
 * a fetch.
 */
export class HeatmapLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly pixels = document.createElement('canvas');
  private map: HeatmapFrame | null = null;
  private imageId: string | null = null;

  constructor(element: HTMLElement, private options: OverlayOptions) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'heatmap-layer';
    element.appendChild(this.canvas);
  }

  /** The map for the image now shown (null: nothing to draw on it), with its statistics for relative scaling. */
  setMap(imageId: string, map: HeatmapFrame | null, stats: MapStatistics | null): void {
    this.imageId = imageId;
    this.map = map;
    if (map) {
      this.pixels.width = map.columns;
      this.pixels.height = map.rows;
      this.colour(stats);
    }
  }

  setOptions(options: OverlayOptions, stats: MapStatistics | null): void {
    this.options = options;
    if (this.map) {
      this.colour(stats);
    }
  }

  private colour(stats: MapStatistics | null): void {
    const map = this.map!;
    const rgba = renderOverlay(map, this.options, stats?.max);
    this.pixels.getContext('2d')!.putImageData(new ImageData(rgba, map.columns, map.rows), 0, 0);
  }

  /** Paints the map where the viewport now shows the image (after every render of the viewport). */
  draw(viewport: Types.IStackViewport): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(this.canvas.clientWidth * ratio);
    const height = Math.round(this.canvas.clientHeight * ratio);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    const context = this.canvas.getContext('2d')!;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, width, height);
    if (!this.map || !this.imageId || viewport.getCurrentImageId() !== this.imageId) {
      return;
    }
    // Where the image's corners land on the canvas: origin, one column along, one row down.
    const toCanvas = (column: number, row: number) => {
      const world = utilities.imageToWorldCoords(this.imageId!, [column, row]);
      return world ? viewport.worldToCanvas(world) : null;
    };
    const origin = toCanvas(0, 0);
    const right = toCanvas(this.map.columns, 0);
    const down = toCanvas(0, this.map.rows);
    if (!origin || !right || !down) {
      return;
    }
    context.setTransform(
      ((right[0] - origin[0]) / this.map.columns) * ratio, ((right[1] - origin[1]) / this.map.columns) * ratio,
      ((down[0] - origin[0]) / this.map.rows) * ratio, ((down[1] - origin[1]) / this.map.rows) * ratio,
      origin[0] * ratio, origin[1] * ratio,
    );
    context.imageSmoothingEnabled = false;
    context.drawImage(this.pixels, 0, 0);
  }
}
