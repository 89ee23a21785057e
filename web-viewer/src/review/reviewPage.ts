/**
 * The review of one study: the composition root of the original and heatmap viewports, the overlay controls and
 * legend, the finding panel and the feedback controls.
 */
import { Enums, utilities } from '@cornerstonejs/core';
import { ApiError, type Analysis, describe, type Finding, getJson, getOctets, type PluginView } from '../core/api';
import { loadSeries, startCornerstone, type StackImage } from '../core/cornerstone';
import { el, errorBox, formatDate, formatName } from '../core/dom';
import { findPlugin, listPlugins } from '../core/plugins';
import { failsSanityCheck, methodFigures, SANITY_WARNING } from '../core/validation';
import { explanationsPanel } from '../explanations/explanationsPanel';
import { FeedbackPanel } from '../feedback/feedbackPanel';
import { COLORMAPS, type ColormapName } from '../overlay/colormaps';
import { HeatmapLayer } from '../overlay/heatmapLayer';
import { legendGradient, legendText } from '../overlay/legend';
import { type HeatmapFrame, type MapStatistics, type OverlayOptions, statistics } from '../overlay/overlay';
import { findingPanel, regulatoryBanner } from './findingPanel';
import { analysisStatusText, analysisToShow, defaultClass, FindingIndex, WINDOW_PRESETS } from './state';
import { createViewports, type ReviewViewports } from './viewports';

interface StudyResults {
  studyInstanceUid: string;
  analyses: Analysis[];
}

interface LoadedMap {
  map: HeatmapFrame;
  stats: MapStatistics;
}

/** What the end-to-end test reads off the page (never used by the page itself). */
export interface ReviewProbe {
  imageCount: number;
  index(): number;
  originalIndex(): number;
  /** Shows image i and resolves once it is on screen in both viewports with its heatmap (or the lack of one). */
  show(i: number): Promise<void>;
  /** The shown map's brightest pixel in image coordinates, and its image's SOP Instance UID. */
  peak(): { column: number; row: number; sopInstanceUid: string } | null;
  /** Where an image pixel is on the heatmap viewport's canvas, in CSS pixels relative to the viewport element. */
  toCanvas(column: number, row: number): [number, number] | null;
  firstHeatmapAt: number | null;
}

declare global {
  interface Window {
    glassboxReview?: ReviewProbe;
  }
}

export async function showReview(root: HTMLElement, studyUid: string): Promise<() => void> {
  const status = el('div', { class: 'status', role: 'status' }, 'Loading the study…');
  root.replaceChildren(el('div', { class: 'review' }, status));
  let results: StudyResults;
  let plugins: PluginView[] = [];
  let header: HTMLElement;
  const facts = Promise.all([
    getJson<StudyResults>(`/api/studies/${encodeURIComponent(studyUid)}/results`),
    listPlugins().catch(() => [] as PluginView[]),
    getJson<Record<string, { Value?: unknown[] }>[]>(`/dicomweb/studies?StudyInstanceUID=${encodeURIComponent(studyUid)}`),
  ]);
  const cornerstone = startCornerstone(); // while the requests above are under way
  try {
    const [r, p, study] = await facts;
    results = r;
    plugins = p;
    header = studyHeader(study[0]);
  } catch (e) {
    root.replaceChildren(errorBox(describe(e, 'The study could not be opened')), backLink());
    return () => {};
  }

  const analysis = analysisToShow(results.analyses);
  const findings = analysis?.state === 'succeeded' ? analysis.findings ?? [] : [];
  const plugin = analysis ? findPlugin(plugins, analysis.plugin) : undefined;
  let seriesUid: string;
  try {
    seriesUid = findings[0]?.seriesInstanceUid ?? analysis?.seriesInstanceUid ?? (await imageSeries(studyUid, results));
  } catch (e) {
    root.replaceChildren(header, errorBox(describe(e, 'The study\'s images could not be listed')), backLink());
    return () => {};
  }

  // ---- layout ----
  const originalElement = el('div', { class: 'viewport', id: 'viewport-original', 'data-label': 'Original' });
  const heatmapElement = el('div', { class: 'viewport', id: 'viewport-heatmap', 'data-label': 'With AI heatmap' });
  for (const element of [originalElement, heatmapElement]) {
    element.addEventListener('contextmenu', (event) => event.preventDefault());
  }
  const sliceLabel = el('span', { class: 'slice', id: 'slice-label' });
  const windowLabel = el('span', { class: 'slice', id: 'window-label' });
  const statusText = analysisStatusText(analysis);
  const viewportArea = el('div', { class: 'viewports side-by-side', id: 'viewports' }, originalElement, heatmapElement);
  const controls = el('div', { class: 'controls' });
  const legend = el('div', { class: 'legend', id: 'legend' });
  const panel = el('aside', { class: 'panel' });
  root.replaceChildren(el('div', { class: 'review' },
    el('div', { class: 'review-top' }, backLink(), header, regulatoryBanner(plugin, analysis)),
    statusText ? el('div', { class: statusText.includes('failed') ? 'error' : 'notice', id: 'analysis-status' }, statusText) : null,
    el('div', { class: 'review-body' },
      el('div', { class: 'review-main' }, controls, viewportArea, el('div', { class: 'under' }, el('div', {}, sliceLabel, el('br'), windowLabel), legend)),
      panel)));

  // ---- images ----
  let images: StackImage[];
  let viewports: ReviewViewports;
  try {
    await cornerstone;
    images = await loadSeries(studyUid, seriesUid);
    if (images.length === 0) {
      throw new ApiError('This series has no images to show.', null);
    }
  } catch (e) {
    viewportArea.replaceChildren(errorBox(describe(e, 'The images could not be loaded')));
    return () => {};
  }
  const findingIndex = new FindingIndex(images, findings);
  const classes = FindingIndex.classes(findings);
  let classId = defaultClass(findings) ?? '';
  const first = classId ? findingIndex.next(-1, classId, 1) ?? 0 : 0;
  const maps = new Map<string, Promise<LoadedMap>>();
  const mapOf = (finding: Finding): Promise<LoadedMap> => {
    const key = finding.parametricMap.heatmap;
    let loading = maps.get(key);
    if (!loading) {
      loading = getOctets(key).then((buffer) => {
        const image = images.find((i) => i.sopInstanceUid === finding.sopInstanceUid && i.frame === (finding.frame || 1));
        // Float32Array reads the platform's byte order, little endian on every platform browsers run on.
        const values = new Float32Array(buffer);
        if (!image || values.length !== image.rows * image.columns) {
          throw new ApiError(image
            ? `The heatmap has ${values.length} values where the image has ${image.rows} × ${image.columns} pixels.`
            : 'The heatmap belongs to an image that is not in the series shown.', null);
        }
        const map = { columns: image.columns, rows: image.rows, values };
        return { map, stats: statistics(map) };
      });
      loading.catch(() => maps.delete(key));
      maps.set(key, loading);
    }
    return loading;
  };

  // The first map loads while the viewer starts and loads the first image.
  const firstFinding = classId ? findingIndex.at(first, classId) : undefined;
  if (firstFinding) {
    mapOf(firstFinding).catch(() => {});
  }
  try {
    viewports = await createViewports(originalElement, heatmapElement, images.map((i) => i.imageId), first);
  } catch (e) {
    viewportArea.replaceChildren(errorBox(describe(e, 'The image viewer could not start in this browser')));
    return () => {};
  }
  for (const element of [originalElement, heatmapElement]) {
    element.addEventListener(Enums.Events.IMAGE_LOAD_FAILED, ((event: CustomEvent) => {
      const reason = event.detail?.error?.message ?? event.detail?.error ?? 'unknown reason';
      showImageError(element, `This image could not be decoded (${reason}).`);
    }) as EventListener);
  }

  // ---- heatmap ----
  let options: OverlayOptions = {
    colormap: 'viridis', opacity: 0.45, threshold: 0.2, scaling: 'relative',
    contourLevel: null,
  };
  let showContour = true;
  const layer = new HeatmapLayer(heatmapElement, options);
  let shown: { finding: Finding; loaded: LoadedMap } | null = null;
  const probe: ReviewProbe = {
    imageCount: images.length,
    index: () => viewports.currentIndex(),
    originalIndex: () => viewports.original.getCurrentImageIdIndex(),
    show: async (i) => {
      await viewports.setIndex(i);
      while (drawnFor !== images[i].imageId || viewports.original.getCurrentImageIdIndex() !== i) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    },
    peak: () => shown && { ...shown.loaded.stats.peak, sopInstanceUid: shown.finding.sopInstanceUid },
    toCanvas: (column, row) => {
      const imageId = viewports.heatmap.getCurrentImageId();
      const world = imageId ? utilities.imageToWorldCoords(imageId, [column, row]) : undefined;
      return world ? (viewports.heatmap.worldToCanvas(world) as [number, number]) : null;
    },
    firstHeatmapAt: null,
  };
  window.glassboxReview = probe;

  const shownFigures = methodFigures(plugin, analysis?.method);
  const mapNotice = el('div', { class: 'map-notice' });
  heatmapElement.appendChild(mapNotice);
  const overlayOptions = (): OverlayOptions => ({
    ...options,
    contourLevel: showContour && shown ? shown.finding.threshold : null,
  });
  const paintLegend = () => {
    const lines = legendText(overlayOptions(), analysis?.methodName || 'AI', shown ? shown.loaded.stats.max : null,
      shown ? shown.finding.threshold : null);
    legend.replaceChildren(
      el('div', { class: 'legend-bar', style: `background: ${legendGradient(options.colormap)}` }),
      el('div', { class: 'legend-scale' }, el('span', {}, 'low'), el('span', {}, 'high')),
      ...lines.map((line) => el('div', {}, line)));
    // beside the map, whenever one is drawn: the plugin's own report says this method's maps fail the sanity check
    if (shown && failsSanityCheck(shownFigures)) {
      legend.appendChild(el('div', { class: 'warning sanity-warning', id: 'sanity-warning' },
        `${analysis?.methodName || 'This method'}: ${SANITY_WARNING}`));
    }
  };

  // The image whose heatmap (or its absence) the layer holds, the image the viewport last rendered, and the last
  // image painted with both: what "on screen" means.
  let layerFor: string | null = null;
  let renderedFor: string | null = null;
  let drawnFor: string | null = null;
  // The layer is drawn after each render of the viewport, and whenever its map or colours change: the image
  // beneath needs no new render for that.
  const paint = () => {
    layer.draw(viewports.heatmap);
    const current = viewports.heatmap.getCurrentImageId();
    if (layerFor === current && renderedFor === current) {
      drawnFor = current;
      if (shown && probe.firstHeatmapAt === null) {
        probe.firstHeatmapAt = Date.now();
      }
    }
  };
  let request = 0;
  const showSlice = async () => {
    const i = viewports.currentIndex();
    const imageId = images[i].imageId;
    sliceLabel.textContent = `Image ${i + 1} of ${images.length}`;
    const finding = classId ? findingIndex.at(i, classId) : undefined;
    panel.replaceChildren(...findingPanel(finding, analysis, plugin), feedback.element, explanationsPanel());
    feedback.show(finding, analysis);
    const mine = ++request;
    if (!finding) {
      shown = null;
      layer.setMap(imageId, null, null);
      layerFor = imageId;
      mapNotice.textContent = findings.length ? 'No AI map for this image' : '';
      paint();
      paintLegend();
      return;
    }
    try {
      const loaded = await mapOf(finding);
      if (mine !== request) {
        return;
      }
      shown = { finding, loaded };
      mapNotice.textContent = '';
      layer.setMap(imageId, loaded.map, loaded.stats);
      layer.setOptions(overlayOptions(), loaded.stats);
      layerFor = imageId;
      paint();
      paintLegend();
    } catch (e) {
      if (mine === request) {
        shown = null;
        layer.setMap(imageId, null, null);
        layerFor = imageId;
        mapNotice.textContent = describe(e, 'The heatmap could not be loaded');
        paint();
      }
    }
  };

  const feedback = new FeedbackPanel(studyUid);
  void feedback.load();

  heatmapElement.addEventListener(Enums.Events.IMAGE_RENDERED, () => {
    renderedFor = viewports.heatmap.getCurrentImageId();
    paint();
  });
  heatmapElement.addEventListener(Enums.Events.STACK_NEW_IMAGE, () => void showSlice());
  const showWindow = () => {
    const range = viewports.heatmap.getProperties().voiRange;
    const level = range && utilities.windowLevel.toWindowLevel(range.lower, range.upper);
    windowLabel.textContent = level ? `W ${Math.round(level.windowWidth)} / L ${Math.round(level.windowCenter)}` : '';
  };
  heatmapElement.addEventListener(Enums.Events.VOI_MODIFIED, showWindow);
  showWindow();
  await showSlice();

  // Once the first slice is up, fetch the other maps so that scrolling does not wait on the network.
  setTimeout(() => findings.filter((f) => f.classId === classId).forEach((f) => void mapOf(f).catch(() => {})), 0);

  // ---- controls ----
  const recolour = () => {
    layer.setOptions(overlayOptions(), shown?.loaded.stats ?? null);
    paint();
    paintLegend();
  };
  const opacity = range('opacity', 'Opacity', 0, 1, 0.05, options.opacity, (v) => { options = { ...options, opacity: v }; recolour(); });
  const threshold = range('threshold', 'Hide below', 0, 0.95, 0.05, options.threshold, (v) => { options = { ...options, threshold: v }; recolour(); });
  const colormap = select('colormap', 'Colours', COLORMAPS.map((c) => [c.name, c.label]), options.colormap,
    (v) => { options = { ...options, colormap: v as ColormapName }; recolour(); });
  const scaling = select('scaling', 'Scale', [['relative', 'to this image\'s maximum'], ['absolute', 'absolute (0–1)']],
    options.scaling, (v) => { options = { ...options, scaling: v as OverlayOptions['scaling'] }; recolour(); });
  const contour = checkbox('contour', 'Outline at decision threshold', showContour, (v) => { showContour = v; recolour(); });
  const classSelect = classes.length > 1
    ? select('class', 'Map', classes.map((c) => [c.classId, c.label]), classId, (v) => { classId = v; void showSlice(); })
    : null;

  let overlayMode = false;
  const layoutButton = button('layout', 'Single overlay view (O)', () => {
    overlayMode = !overlayMode;
    viewportArea.classList.toggle('side-by-side', !overlayMode);
    viewportArea.classList.toggle('overlay-only', overlayMode);
    layoutButton.textContent = overlayMode ? 'Side by side (O)' : 'Single overlay view (O)';
  });
  const jump = async (direction: 1 | -1) => {
    const target = classId ? findingIndex.next(viewports.currentIndex(), classId, direction) : null;
    if (target === null) {
      sliceLabel.textContent = `${sliceLabel.textContent?.split(' — ')[0]} — no ${direction > 0 ? 'further' : 'earlier'} image with a finding`;
      return;
    }
    await viewports.setIndex(target);
  };
  let playing = false;
  const cineButton = button('cine', 'Cine ▶ (Space)', () => {
    playing = !playing;
    if (playing) {
      viewports.playCine(15);
    } else {
      viewports.stopCine();
    }
    cineButton.textContent = playing ? 'Stop cine ■ (Space)' : 'Cine ▶ (Space)';
  });
  controls.append(
    el('div', { class: 'group' }, layoutButton,
      button('prev-finding', '◀ Previous finding (P)', () => void jump(-1)),
      button('next-finding', 'Next finding (N) ▶', () => void jump(1)),
      cineButton, button('reset', 'Reset (R)', () => viewports.reset())),
    el('div', { class: 'group' }, el('span', { class: 'caption' }, 'Window:'),
      ...WINDOW_PRESETS.map((p) => button(`preset-${p.name.toLowerCase()}`, `${p.name} (${p.key})`,
        () => viewports.setWindow(utilities.windowLevel.toLowHighRange(p.width, p.centre))))),
    el('div', { class: 'group' }, opacity, threshold, colormap, scaling, contour, classSelect),
  );

  const onKey = (event: KeyboardEvent) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement) {
      return;
    }
    const preset = WINDOW_PRESETS.find((p) => p.key === event.key);
    const keys: Record<string, () => void> = {
      ArrowUp: () => viewports.heatmap.scroll(-1), ArrowDown: () => viewports.heatmap.scroll(1),
      PageUp: () => viewports.heatmap.scroll(-10), PageDown: () => viewports.heatmap.scroll(10),
      Home: () => void viewports.setIndex(0), End: () => void viewports.setIndex(images.length - 1),
      r: () => viewports.reset(), n: () => void jump(1), p: () => void jump(-1), o: () => layoutButton.click(),
      ' ': () => cineButton.click(),
    };
    const action = preset ? () => viewports.setWindow(utilities.windowLevel.toLowHighRange(preset.width, preset.centre)) : keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
  document.addEventListener('keydown', onKey);
  // Cornerstone sizes its canvas when told to: on every change of the viewports' box (window, layout, panel). The
  // first call comes with the page laid out in full: the images are fitted to it; later ones keep pan and zoom.
  let fitted = false;
  const resized = new ResizeObserver(() => {
    viewports.resize(fitted);
    fitted = true;
  });
  resized.observe(originalElement);
  resized.observe(heatmapElement);
  paintLegend();

  return () => {
    document.removeEventListener('keydown', onKey);
    resized.disconnect();
    delete window.glassboxReview;
    viewports.destroy();
  };
}

function showImageError(element: HTMLElement, message: string): void {
  element.querySelector('.image-error')?.remove();
  element.appendChild(el('div', { class: 'image-error error', role: 'alert' }, message));
}

/** The study's image series when no analysis names one: the largest series that is not one of the AI's own. */
async function imageSeries(studyUid: string, results: StudyResults): Promise<string> {
  const own = new Set<string>();
  for (const a of results.analyses) {
    for (const f of a.findings ?? []) {
      own.add(f.secondaryCapture.url.split('/series/')[1]?.split('/')[0] ?? '');
      own.add(f.parametricMap.seriesInstanceUid);
    }
  }
  const series = await getJson<Record<string, { Value?: unknown[] }>[]>(`/dicomweb/studies/${encodeURIComponent(studyUid)}/series`);
  const candidates = series
    .map((s) => ({
      uid: String(s['0020000E']?.Value?.[0] ?? ''),
      modality: String(s['00080060']?.Value?.[0] ?? ''),
      count: Number(s['00201209']?.Value?.[0] ?? 0),
    }))
    .filter((s) => s.uid && !own.has(s.uid) && !['SR', 'KO', 'PR'].includes(s.modality))
    .sort((a, b) => b.count - a.count);
  if (!candidates.length) {
    throw new ApiError('This study has no image series to show.', null);
  }
  return candidates[0].uid;
}

function studyHeader(study: Record<string, { Value?: unknown[] }> | undefined): HTMLElement {
  const value = (tag: string) => {
    const v = study?.[tag]?.Value?.[0];
    return typeof v === 'object' && v !== null ? String((v as { Alphabetic?: string }).Alphabetic ?? '') : String(v ?? '');
  };
  return el('div', { class: 'study-header' },
    el('strong', { id: 'patient-name' }, formatName(value('00100010')) || 'Unnamed patient'),
    el('span', {}, `ID ${value('00100020') || '—'}`),
    el('span', {}, formatDate(value('00080020'))),
    el('span', {}, value('00081030')));
}

function backLink(): HTMLElement {
  return el('a', { href: '#/', class: 'back' }, '← Worklist');
}

function button(id: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { id, type: 'button' }, text);
  b.addEventListener('click', onClick);
  return b;
}

function range(id: string, label: string, min: number, max: number, step: number, value: number, onInput: (v: number) => void): HTMLElement {
  const input = el('input', { id, type: 'range', min: String(min), max: String(max), step: String(step), value: String(value) });
  const shownValue = el('span', { class: 'value' }, value.toFixed(2));
  input.addEventListener('input', () => {
    shownValue.textContent = Number(input.value).toFixed(2);
    onInput(Number(input.value));
  });
  return el('label', { class: 'control' }, label, input, shownValue);
}

function select(id: string, label: string, choices: string[][], value: string, onChange: (v: string) => void): HTMLElement {
  const s = el('select', { id }, ...choices.map(([v, text]) => el('option', { value: v }, text)));
  s.value = value;
  s.addEventListener('change', () => onChange(s.value));
  return el('label', { class: 'control' }, label, s);
}

function checkbox(id: string, label: string, checked: boolean, onChange: (v: boolean) => void): HTMLElement {
  const c = el('input', { id, type: 'checkbox' });
  c.checked = checked;
  c.addEventListener('change', () => onChange(c.checked));
  return el('label', { class: 'control' }, c, label);
}
