// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BASEMAP_ID, LAYERS, OFFLINE_BACKGROUND } from '../map-style.js';
import { loadBaseStyle, serverBasemap } from './basemap.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Every URL a style would make MapLibre fetch (sources' tiles and url, glyphs, sprite). */
function urlsOf(style: Awaited<ReturnType<typeof loadBaseStyle>>): string[] {
  const out: string[] = [];
  for (const s of Object.values(style.sources)) {
    const src = s as { tiles?: string[]; url?: string };
    out.push(...(src.tiles ?? []), ...(src.url ? [src.url] : []));
  }
  if (style.glyphs) out.push(style.glyphs);
  if (typeof style.sprite === 'string') out.push(style.sprite);
  return out;
}

describe('basemap', () => {
  it('none: the offline background only, nothing to fetch, and nothing was fetched', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const style = await loadBaseStyle(null, () => undefined);
    expect(urlsOf(style)).toEqual([]);
    expect(style.layers).toEqual([{ id: LAYERS.background, type: 'background', paint: { 'background-color': OFFLINE_BACKGROUND } }]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a raster template: drawn over the background, under everything else', async () => {
    const style = await loadBaseStyle({ kind: 'raster', tiles: 'https://tiles.example/{z}/{x}/{y}.png' }, () => undefined);
    expect(urlsOf(style)).toEqual(['https://tiles.example/{z}/{x}/{y}.png']);
    expect(style.layers.map((l) => l.id)).toEqual([LAYERS.background, BASEMAP_ID]);
  });

  it('a style URL is fetched and used; one that fails falls back to the offline map and says why', async () => {
    const doc = {
      version: 8,
      sources: { streets: { type: 'vector', url: 'https://tiles.example/streets.json' } },
      layers: [{ id: 'land', type: 'background' }],
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify(doc), { status: 200 })),
    );
    const style = await loadBaseStyle({ kind: 'style', url: 'https://tiles.example/style.json' }, () => undefined);
    expect(urlsOf(style)).toEqual(['https://tiles.example/streets.json']);
    expect(style.layers.map((l) => l.id)).toEqual(['land']);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('nope', { status: 503 })),
    );
    const said: string[] = [];
    const fallback = await loadBaseStyle({ kind: 'style', url: 'https://tiles.example/style.json' }, (m) => said.push(m));
    expect(urlsOf(fallback)).toEqual([]);
    expect(said).toEqual(['Basemap https://tiles.example/style.json unavailable (HTTP 503); showing the plain offline map.']);
  });

  it('reads the server setting from /map-config.json; an older server (404) means none', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ basemap: { kind: 'raster', tiles: 'https://t.example/{z}/{x}/{y}.png' } }), { status: 200 }),
      ),
    );
    expect(await serverBasemap()).toEqual({ kind: 'raster', tiles: 'https://t.example/{z}/{x}/{y}.png' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('', { status: 404 })),
    );
    expect(await serverBasemap()).toBeNull();
  });
});
