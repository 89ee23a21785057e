import type { Analysis, Finding } from '../core/api';

/** CT window presets as radiologists name them: centre and width in HU. */
export const WINDOW_PRESETS = [
  { key: '1', name: 'Brain', centre: 40, width: 80 },
  { key: '2', name: 'Subdural', centre: 75, width: 215 },
  { key: '3', name: 'Stroke', centre: 40, width: 40 },
  { key: '4', name: 'Bone', centre: 600, width: 2800 },
] as const;

export interface ImageRef {
  sopInstanceUid: string;
  frame: number;
}

const key = (sop: string, frame: number) => `${sop}#${frame}`;

/**
 * The findings of one analysis laid over the displayed stack: which slice has which class's finding, and where
 * the next slice with a present finding is.
 */
export class FindingIndex {
  private readonly bySlice: Map<string, Map<string, Finding>> = new Map();

  constructor(private readonly images: ImageRef[], findings: Finding[]) {
    for (const f of findings) {
      const k = key(f.sopInstanceUid, f.frame || 1);
      let classes = this.bySlice.get(k);
      if (!classes) {
        classes = new Map();
        this.bySlice.set(k, classes);
      }
      classes.set(f.classId, f);
    }
  }

  /** The classes that have maps, in the order the analysis lists them. */
  static classes(findings: Finding[]): { classId: string; label: string }[] {
    const seen = new Map<string, string>();
    for (const f of findings) {
      if (!seen.has(f.classId)) {
        seen.set(f.classId, f.label);
      }
    }
    return [...seen].map(([classId, label]) => ({ classId, label }));
  }

  at(index: number, classId: string): Finding | undefined {
    const image = this.images[index];
    return image ? this.bySlice.get(key(image.sopInstanceUid, image.frame))?.get(classId) : undefined;
  }

  /** The nearest slice after (direction 1) or before (-1) the given one whose finding is present; null if none. */
  next(from: number, classId: string, direction: 1 | -1): number | null {
    for (let i = from + direction; i >= 0 && i < this.images.length; i += direction) {
      if (this.at(i, classId)?.present) {
        return i;
      }
    }
    return null;
  }

  presentCount(classId: string): number {
    let n = 0;
    for (let i = 0; i < this.images.length; i++) {
      if (this.at(i, classId)?.present) {
        n++;
      }
    }
    return n;
  }
}

/** The analysis to review: the newest that succeeded, else the newest of all (to say why there is nothing). */
export function analysisToShow(analyses: Analysis[]): Analysis | undefined {
  return analyses.find((a) => a.state === 'succeeded' && (a.findings?.length ?? 0) > 0) ?? analyses[0];
}

/** The finding class to show first: the first that is a finding somewhere, else the first there is. */
export function defaultClass(findings: Finding[]): string | undefined {
  return (findings.find((f) => f.present) ?? findings[0])?.classId;
}

/** Words for the job's state when there are no findings to show. */
export function analysisStatusText(analysis: Analysis | undefined): string | null {
  if (!analysis) {
    return 'No AI analysis has run on this study.';
  }
  switch (analysis.state) {
    case 'succeeded':
      return (analysis.findings?.length ?? 0) > 0 ? null : 'The AI analysis finished without results for these images.';
    case 'failed':
      return `The AI analysis failed and will be tried again: ${analysis.lastError ?? 'no reason recorded'}`;
    case 'dead':
      return `The AI analysis failed: ${analysis.lastError ?? 'no reason recorded'}`;
    case 'running': {
      const p = analysis.progress;
      return `The AI analysis is running (${p.done} of ${p.total} images${p.message ? `: ${p.message}` : ''}).`;
    }
    default:
      return `The AI analysis is ${analysis.state}.`;
  }
}
