/**
 * The optional basemap under the beats (`beatplan serve --basemap` / `BEATPLAN_BASEMAP`, read
 * from `GET /map-config.json`, or `?style=` in the page's URL): a MapLibre style, raster
 * tiles from a `{z}/{x}/{y}` template, or a PMTiles archive (raster, or vector drawn as thin
 * grey lines). Without one the map draws the plain offline background and fetches nothing
 * from outside.
 */
import type { MapBasemap } from '@beatplan/api';
import { addProtocol, Map as MapLibreMap, type StyleSpecification } from 'maplibre-gl';
import { PMTiles, Protocol, TileType } from 'pmtiles';
import { composeStyle, offlineBaseStyle, rasterBaseStyle, vectorOutlineBaseStyle } from '../map-style.js';
import { plainError } from '../words.js';

export type { MapBasemap };

/**
 * The basemap the server was started with (`GET /map-config.json`); null when none, or when
 * the server does not say (an older API, or the map served elsewhere).
 */
export async function serverBasemap(): Promise<MapBasemap | null> {
  try {
    const r = await fetch('/map-config.json', { headers: { Accept: 'application/json' } });
    if (!r.ok) return null;
    return ((await r.json()) as { basemap?: MapBasemap | null }).basemap ?? null;
  } catch {
    return null;
  }
}

let pmtilesProtocol: Protocol | null = null;

/** The base style of a PMTiles archive: raster tiles as they are, vector layers as outlines. */
async function pmtilesStyle(url: string): Promise<StyleSpecification> {
  if (!pmtilesProtocol) {
    pmtilesProtocol = new Protocol();
    addProtocol('pmtiles', pmtilesProtocol.tile);
  }
  const abs = new URL(url, location.href).href;
  const archive = new PMTiles(abs);
  pmtilesProtocol.add(archive);
  const header = await archive.getHeader();
  if (header.tileType !== TileType.Mvt) return rasterBaseStyle({ url: `pmtiles://${abs}` });
  const meta = (await archive.getMetadata()) as { vector_layers?: Array<{ id: string }> };
  return vectorOutlineBaseStyle(
    `pmtiles://${abs}`,
    (meta.vector_layers ?? []).map((l) => l.id),
  );
}

/**
 * The base style of `basemap` (the plain offline style when null). A style or archive that
 * cannot be read within 4 s falls back to the offline style, and `say` tells why.
 */
export async function loadBaseStyle(basemap: MapBasemap | null, say: (m: string) => void): Promise<StyleSpecification> {
  if (!basemap) return offlineBaseStyle();
  if (basemap.kind === 'raster') return rasterBaseStyle({ tiles: [basemap.tiles] });
  const what = basemap.url;
  try {
    if (basemap.kind === 'pmtiles') return await pmtilesStyle(basemap.url);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 4000);
    const res = await fetch(basemap.url, { signal: ctl.signal });
    clearTimeout(timer);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const style = (await res.json()) as StyleSpecification;
    if (style.version !== 8 || !Array.isArray(style.layers)) throw new Error('not a MapLibre style');
    return composeStyle(style, {}, []);
  } catch (e) {
    say(`Basemap ${what} unavailable (${plainError(e)}); showing the plain offline map.`);
    return offlineBaseStyle();
  }
}

/**
 * Wires the basemap style field (`style-url`, `style-apply`): applying it remembers the URL
 * (`localStorage` `beatplan.style`) and reloads the page with `?style=` (cleared when empty).
 * @param current the style URL in use ('' for none)
 */
export function wireStyleUrl(current: string): void {
  const field = document.getElementById('style-url') as HTMLInputElement;
  field.value = current;
  document.getElementById('style-apply')!.addEventListener('click', () => {
    const url = field.value.trim();
    const q = new URLSearchParams(location.search);
    if (url) q.set('style', url);
    else q.delete('style');
    localStorage.setItem('beatplan.style', url);
    location.search = q.toString();
  });
}

/**
 * Creates the planning map in the `map` element over `style` and resolves once it has loaded.
 * @param attribution show the (compact) attribution control: a basemap is drawn
 */
export async function openMap(style: StyleSpecification, attribution: boolean): Promise<MapLibreMap> {
  const map = new MapLibreMap({
    container: 'map',
    style,
    center: [0, 0],
    zoom: 1,
    attributionControl: attribution ? { compact: true } : false,
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
    // no symbol fade-in to animate, one copy of the world: fewer frames and tiles to draw
    fadeDuration: 0,
    renderWorldCopies: false,
    boxZoom: false,
    doubleClickZoom: false,
  });
  await new Promise<void>((ok) => (map.loaded() ? ok() : map.once('load', () => ok())));
  return map;
}
