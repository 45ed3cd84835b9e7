/**
 * The map's optional basemap (`beatplan serve --basemap` / `BEATPLAN_BASEMAP`): what the
 * planning map reads from `GET /map-config.json`, and the local PMTiles file served at
 * `GET /basemap.pmtiles` (byte ranges, as PMTiles readers ask). Without a basemap the answer
 * is `{ "basemap": null }` and the map fetches nothing from outside.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BeatplanError } from '@beatplan/engine';
import type { Express } from 'express';

/** The basemap as the map reads it. */
export type MapBasemap =
  /** A MapLibre style document (its layers drawn under the beats). */
  | { kind: 'style'; url: string }
  /** Raster tiles from a URL template with `{z}`, `{x}`, `{y}`. */
  | { kind: 'raster'; tiles: string }
  /** A PMTiles archive (raster or vector), at `url` (same origin when the API serves a local file). */
  | { kind: 'pmtiles'; url: string };

/** Where the API serves a local PMTiles basemap. */
export const BASEMAP_PMTILES_PATH = '/basemap.pmtiles';

/**
 * Reads the `--basemap` value: an http(s) URL with `{z}` is a raster template, one ending in
 * `.pmtiles` a remote archive, any other http(s) URL a style; a path ending in `.pmtiles` is a
 * local archive (which must exist), served by the API.
 * @throws BeatplanError BAD_INPUT (field `basemap`) for a local file that does not exist, or
 *   anything else
 * @example basemapOf('https://tiles.example/{z}/{x}/{y}.png') // { kind: 'raster', tiles: 'https://tiles.example/{z}/{x}/{y}.png' }
 */
export function basemapOf(value: string | undefined): { map: MapBasemap; file?: string } | null {
  if (!value) return null;
  if (/^https?:\/\//i.test(value)) {
    if (value.includes('{z}')) return { map: { kind: 'raster', tiles: value } };
    if (/\.pmtiles(\?.*)?$/i.test(value)) return { map: { kind: 'pmtiles', url: value } };
    return { map: { kind: 'style', url: value } };
  }
  if (/\.pmtiles$/i.test(value)) {
    const file = resolve(value);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new BeatplanError('BAD_INPUT', `basemap file ${value} does not exist`, { field: 'basemap', file: value });
    return { map: { kind: 'pmtiles', url: BASEMAP_PMTILES_PATH }, file };
  }
  throw new BeatplanError(
    'BAD_INPUT',
    `basemap ${value} is neither an http(s) URL (a style, a {z}/{x}/{y} template, a .pmtiles archive) nor a local .pmtiles file`,
    { field: 'basemap' },
  );
}

/**
 * The origins the page must be allowed to reach for the basemap `value` (the
 * Content-Security-Policy's `connect-src` and `img-src`, besides `'self'`): the origin of a
 * remote style, template or archive; none without a basemap or for a local archive (served by
 * the API itself). For a style, `security-headers.ts` adds the origins the style names (read at start-up).
 * @throws BeatplanError BAD_INPUT (field `basemap`) as {@link basemapOf}, or for an http(s) URL
 *   without a valid host
 * @example basemapOrigins('https://tiles.example/{z}/{x}/{y}.png') // ['https://tiles.example']
 */
export function basemapOrigins(value: string | undefined): string[] {
  const basemap = basemapOf(value);
  if (!basemap || basemap.file) return [];
  const url = basemap.map.kind === 'raster' ? basemap.map.tiles : basemap.map.url;
  try {
    return [new URL(url).origin];
  } catch {
    throw new BeatplanError('BAD_INPUT', `basemap ${url} is not a valid URL`, { field: 'basemap' });
  }
}

/** Registers `GET /map-config.json` (and `GET /basemap.pmtiles` for a local archive) on the app. */
export function basemapRoutes(app: Express, value: string | undefined): void {
  const basemap = basemapOf(value);
  app.get('/map-config.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ basemap: basemap?.map ?? null });
  });
  const file = basemap?.file;
  if (file) app.get(BASEMAP_PMTILES_PATH, (_req, res) => res.sendFile(file, { acceptRanges: true, cacheControl: true, maxAge: 3_600_000 }));
}
