/**
 * Cornerstone3D set-up, once per page: the rendering engine's core, the tools, and the DICOM image loader reading
 * Glassbox's own WADO-RS (images as wadors: image IDs over /frames, their attributes from the series' /metadata).
 */
import { init as initCore, setUseCPURendering } from '@cornerstonejs/core';
import { init as initTools } from '@cornerstonejs/tools';
import { init as initLoader, wadors } from '@cornerstonejs/dicom-image-loader';
import { getJson } from './api';

let started: Promise<void> | null = null;

export function startCornerstone(): Promise<void> {
  if (!started) {
    started = (async () => {
      initCore();
      // Without a GPU, Chrome's WebGL is emulated on the CPU (SwiftShader), far slower for a stack of 2D images
      // than Cornerstone's own CPU rendering: use that instead.
      if (softwareWebGl()) {
        setUseCPURendering(true);
      }
      initLoader({ maxWebWorkers: Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1)) });
      initTools();
    })();
  }
  return started;
}

function softwareWebGl(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) {
    return true;
  }
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software/i.test(renderer);
}

/** One instance's DICOM JSON attributes (PS3.18 F.2), as WADO-RS metadata answers them. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export function attribute(instance: DicomJson, tag: string): unknown {
  return instance[tag]?.Value?.[0];
}

export interface StackImage {
  imageId: string;
  sopInstanceUid: string;
  frame: number;
  rows: number;
  columns: number;
}

/**
 * The series' images in viewing order (Instance Number, then position along the slice normal), each registered
 * with the loader under its wadors: image ID. Multi-frame instances give one image per frame.
 */
export async function loadSeries(studyUid: string, seriesUid: string): Promise<StackImage[]> {
  const base = `${location.origin}/dicomweb/studies/${studyUid}/series/${seriesUid}`;
  const instances = await getJson<DicomJson[]>(`${base}/metadata`);
  const ordered = [...instances].sort((a, b) => order(a) - order(b) || z(a) - z(b));
  const images: StackImage[] = [];
  for (const instance of ordered) {
    const sop = String(attribute(instance, '00080018'));
    const frames = Number(attribute(instance, '00280008') ?? 1) || 1;
    for (let frame = 1; frame <= frames; frame++) {
      const imageId = `wadors:${base}/instances/${sop}/frames/${frame}`;
      wadors.metaDataManager.add(imageId, instance as never);
      images.push({
        imageId,
        sopInstanceUid: sop,
        frame,
        rows: Number(attribute(instance, '00280010')),
        columns: Number(attribute(instance, '00280011')),
      });
    }
  }
  return images;
}

function order(instance: DicomJson): number {
  return Number(attribute(instance, '00200013') ?? 0);
}

function z(instance: DicomJson): number {
  const position = instance['00200032']?.Value as number[] | undefined;
  return position ? Number(position[2]) : 0;
}

