/**
 * The one way the viewer talks to the server: every request goes through here, so errors become one kind of
 * message a radiologist can read (and, once login exists, the token is added in one place).
 */

/** An error to show as it is: what went wrong, in words, and the HTTP status when the server answered. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An error in words for the screen: what could not be done, and why. */
export function describe(e: unknown, what: string): string {
  if (e instanceof ApiError) {
    return e.status === null ? e.message : `${what}: ${e.message}`;
  }
  return `${what}: ${e instanceof Error ? e.message : String(e)}`;
}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError('The Glassbox server cannot be reached. Check that it is running, then try again.', null);
  }
  if (!response.ok) {
    throw new ApiError(await problemText(response), response.status);
  }
  return response;
}

/** The problem body's detail (RFC 9457) when there is one, else the status line. */
async function problemText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const problem = JSON.parse(text) as { title?: string; detail?: string };
    if (problem.detail || problem.title) {
      return [problem.title, problem.detail].filter(Boolean).join(': ');
    }
  } catch {
    // not JSON: fall through to the status line
  }
  return `The server answered ${response.status} ${response.statusText}`.trim();
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await request(url, { headers: { Accept: 'application/json' } });
  return (await response.json()) as T;
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await request(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

/**
 * Binary data from a WADO-RS bulk data or frame URL: asks for octet-stream parts and takes the first part's body
 * when the answer is multipart/related, the body itself otherwise.
 */
export async function getOctets(url: string): Promise<ArrayBuffer> {
  const response = await request(url, {
    headers: { Accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*, application/octet-stream' },
  });
  const body = new Uint8Array(await response.arrayBuffer());
  const type = response.headers.get('Content-Type') ?? '';
  return type.toLowerCase().startsWith('multipart/related') ? firstPart(body, type) : body.buffer;
}

/** The body of the first part of a multipart/related message (RFC 2387): between its blank line and the next boundary. */
export function firstPart(body: Uint8Array, contentType: string): ArrayBuffer {
  const match = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!match) {
    throw new ApiError('The server sent a multipart answer without a boundary', null);
  }
  const delimiter = new TextEncoder().encode(`--${match[1]}`);
  const start = indexOf(body, delimiter, 0);
  const headersEnd = start < 0 ? -1 : indexOf(body, new TextEncoder().encode('\r\n\r\n'), start);
  const end = headersEnd < 0 ? -1 : indexOf(body, new TextEncoder().encode(`\r\n--${match[1]}`), headersEnd + 4);
  if (end < 0) {
    throw new ApiError('The server sent an incomplete multipart answer', null);
  }
  return body.slice(headersEnd + 4, end).buffer;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let k = 0; k < needle.length; k++) {
      if (haystack[i + k] !== needle[k]) {
        continue outer;
      }
    }
    return i;
  }
  return -1;
}

// ---- the server's JSON, as the viewer reads it -----------------------------------------------------------------

export interface Progress {
  done: number;
  total: number;
  message: string | null;
}

export interface Finding {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  frame: number;
  classId: string;
  label: string;
  score: number;
  threshold: number;
  present: boolean;
  source: string;
  secondaryCapture: { url: string; rendered: string };
  parametricMap: { seriesInstanceUid: string; sopInstanceUid: string; url: string; frame?: number; heatmap: string };
  structuredReport: { url: string };
}

export interface PluginRef {
  id: string;
  version: string;
  name?: string;
  [key: string]: unknown;
}

export interface Analysis {
  jobId: number;
  state: string;
  seriesInstanceUid: string | null;
  progress: Progress;
  lastError?: string;
  plugin: PluginRef;
  method?: string;
  methodName?: string;
  targetLayer?: string;
  findings?: Finding[];
}

export interface StudyResults {
  studyInstanceUid: string;
  analyses: Analysis[];
}

/** What /api/plugins says of one plugin; the manifest is shown as far as it goes (fields are optional). */
export interface PluginView {
  id: string;
  version: string;
  status?: string;
  manifest?: Record<string, unknown>;
  [key: string]: unknown;
}

export type AiStatus = 'none' | 'queued' | 'running' | 'done' | 'failed';

export interface TopFinding {
  label: string;
  score: number;
  threshold: number;
  present: boolean;
  pluginId: string;
  pluginVersion: string;
}

export interface AiSummary {
  status: AiStatus;
  progress: Progress | null;
  reason: string | null;
  jobs: number;
  topFinding: TopFinding | null;
}

export interface WorklistItem {
  studyInstanceUid: string;
  patientName: string | null;
  patientId: string | null;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  modalities: string[];
  description: string | null;
  imageCount: number;
  ai: AiSummary;
}

export interface WorklistPage {
  total: number;
  offset: number;
  limit: number;
  items: WorklistItem[];
}

export type Verdict = 'agree' | 'disagree' | 'uncertain';

export interface FeedbackRecord {
  id: number;
  jobId: number;
  sopInstanceUid: string;
  frame: number;
  classId: string;
  verdict: Verdict;
  comment: string | null;
  user: string;
  createdAt: string;
  pluginId: string;
  pluginVersion: string;
}

export interface FeedbackSummary {
  pluginId: string;
  pluginVersion: string;
  agree: number;
  disagree: number;
  uncertain: number;
  agreementRate: number | null;
}
