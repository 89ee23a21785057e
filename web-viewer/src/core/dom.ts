/** Small DOM helpers: elements built with text (never HTML strings), so nothing from the server is markup. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, attributes: Record<string, string> = {}, ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child);
    }
  }
  return node;
}

/** A message a radiologist can act on, in place of what could not be shown. */
export function errorBox(message: string): HTMLElement {
  return el('div', { class: 'error', role: 'alert' }, message);
}

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD; anything else as it is. */
export function formatDate(da: string | null | undefined): string {
  return da && /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : (da ?? '');
}

/** DICOM PN (Family^Given^…) as "Family, Given". */
export function formatName(pn: string | null | undefined): string {
  if (!pn) {
    return '';
  }
  const [family, given] = pn.split('^');
  return given ? `${family}, ${given}` : family;
}
