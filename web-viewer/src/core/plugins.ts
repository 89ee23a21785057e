import { getJson, type PluginRef, type PluginView } from './api';

let plugins: Promise<PluginView[]> | null = null;

/** /api/plugins, fetched once per page. */
export function listPlugins(): Promise<PluginView[]> {
  plugins ??= getJson<PluginView[]>('/api/plugins').catch((e) => {
    plugins = null;
    throw e;
  });
  return plugins;
}

export function findPlugin(all: PluginView[], ref: PluginRef): PluginView | undefined {
  return all.find((p) => p.id === ref.id && p.version === ref.version) ?? all.find((p) => p.id === ref.id);
}

/** The regulatory status in words, the way it must be shown next to every result. */
export function regulatoryText(status: unknown): string {
  const s = String(status ?? '').toLowerCase().replace(/_/g, '-');
  if (s === 'not-a-medical-device') {
    return 'Research use only — not a medical device, not for diagnosis';
  }
  if (s === 'medical-device') {
    return 'Medical device: use only as its intended use says';
  }
  return 'Regulatory status not stated by the plugin — treat as research use only';
}

