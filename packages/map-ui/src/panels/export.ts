/**
 * The Export panel's file downloads: beats (GeoJSON), cells (CSV) and metrics (JSON) of the
 * version on show from `GET /plans/{id}/export?format=&version=`, saved under the name the
 * API gives. The assignments CSV is the Staffing panel's; the PNG briefing is drawn by the map.
 */
import type { ApiClient, PlanDto } from '../api-client.js';
import { el } from '../panels.js';
import { plainError } from '../words.js';

/** The formats of `GET /plans/{id}/export`, by the id of their button in index.html. */
export const EXPORT_BUTTONS = { 'export-geojson': 'geojson', 'export-csv': 'csv', 'export-metrics': 'metrics' } as const;

/** One of the API's export formats. */
export type ExportFormat = (typeof EXPORT_BUTTONS)[keyof typeof EXPORT_BUTTONS];

/** What the panel needs from the map. */
export interface ExportHost {
  api: ApiClient;
  plan(): PlanDto | null;
  say(message: string, kind?: 'info' | 'refused'): void;
  save(blob: Blob, fileName: string): void;
}

/**
 * Saves a blob as a file through the browser's download (a temporary link).
 * @example saveBlob(new Blob(['a,b\n']), 'cells.csv')
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The Export panel's downloads: `mount` wires the buttons. */
export class ExportPanel {
  constructor(private readonly host: ExportHost) {}

  /** Wires the format buttons inside `root` (the page by default). */
  mount(root: Document | HTMLElement = document): this {
    for (const [id, format] of Object.entries(EXPORT_BUTTONS))
      root.querySelector(`#${id}`)!.addEventListener('click', () => void this.download(format));
    return this;
  }

  /** Downloads the version on show in `format`; says what was saved or why not. */
  async download(format: ExportFormat): Promise<void> {
    const plan = this.host.plan();
    if (!plan) return;
    try {
      const { blob, fileName } = await this.host.api.download(
        `/plans/${plan.id}/export?format=${format}&version=${plan.version}`,
        `plan.${format}`,
      );
      this.host.save(blob, fileName);
      this.host.say(`Downloaded ${fileName}.`);
    } catch (e) {
      this.host.say(`Export failed: ${plainError(e)}`, 'refused');
    }
  }
}
