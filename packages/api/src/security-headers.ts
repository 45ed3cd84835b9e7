/**
 * The API's security headers (Helmet), its Content-Security-Policy above all: what the planning
 * map's page may load. Besides the page's own origin, the policy admits the basemap's origins
 * (`--basemap`): a tile template's or archive's origin, and for a MapLibre style, the style's
 * origin and every origin the style itself names (its sprite, glyphs, sources' TileJSON and tile
 * URLs), read once at start-up in the background (see {@link styleOrigins}).
 *
 * `upgrade-insecure-requests` (Helmet's default) makes the browser ask every http URL of the page
 * over https. It is sent only on a request that came over https (as Express sees it: directly, or
 * through a trusted proxy's `X-Forwarded-Proto`, `BEATPLAN_TRUST_PROXY`) while no admitted basemap origin
 * is plain http: a map served over http on a LAN, or one drawing an http LAN tile server
 * (`--basemap http://10.0.0.5/{z}/{x}/{y}.png`), would otherwise have every such request upgraded
 * to an https that is not there.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { basemapOf, basemapOrigins } from './basemap.js';

/** What {@link securityHeaders} returns. */
export interface SecurityHeaders {
  /** The middleware setting the headers on every answer. */
  middleware: RequestHandler;
  /**
   * Resolves with the origins admitted for the basemap once they are known: at once, or for a
   * style once it has been read (or could not be: its own origin alone, and a warning logged).
   */
  ready: Promise<string[]>;
}

/** How long reading a basemap style at start-up may take, ms. */
export const STYLE_READ_TIMEOUT_MS = 5000;

/**
 * The origins a MapLibre style document names: its `sprite` (a URL or a list of `{ url }`),
 * `glyphs`, and per source its `url` (TileJSON), `tiles` and `data` (a GeoJSON URL); relative URLs
 * are read against `base` (the style's URL), a `pmtiles://` prefix is dropped, and anything that
 * is not http(s) (`mapbox://`, inline data) names no origin. Sorted, without duplicates.
 * @example styleOrigins({ glyphs: 'https://fonts.example/{fontstack}/{range}.pbf' }, 'https://s.example/style.json') // ['https://fonts.example']
 */
export function styleOrigins(style: unknown, base: string): string[] {
  const urls: unknown[] = [];
  if (style && typeof style === 'object') {
    const s = style as { sprite?: unknown; glyphs?: unknown; sources?: unknown };
    if (Array.isArray(s.sprite)) for (const e of s.sprite) urls.push((e as { url?: unknown } | null)?.url);
    else urls.push(s.sprite);
    urls.push(s.glyphs);
    if (s.sources && typeof s.sources === 'object')
      for (const src of Object.values(s.sources as Record<string, unknown>)) {
        if (!src || typeof src !== 'object') continue;
        const { url, tiles, data } = src as { url?: unknown; tiles?: unknown; data?: unknown };
        urls.push(url, data, ...(Array.isArray(tiles) ? tiles : []));
      }
  }
  const origins = new Set<string>();
  for (const u of urls) {
    if (typeof u !== 'string') continue;
    try {
      const url = new URL(u.replace(/^pmtiles:\/\//i, ''), base);
      if (url.protocol === 'http:' || url.protocol === 'https:') origins.add(url.origin);
    } catch {
      // not a URL (a template MapLibre reads otherwise): names no origin
    }
  }
  return [...origins].sort();
}

/** Reads the style at `url` (JSON) and returns the origins it names. @throws when it cannot be read in time */
async function readStyleOrigins(url: string): Promise<string[]> {
  const r = await fetch(url, { signal: AbortSignal.timeout(STYLE_READ_TIMEOUT_MS), headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return styleOrigins(await r.json(), url);
}

/** Helmet with the map's Content-Security-Policy for the basemap `origins`, with or without `upgrade-insecure-requests`. */
function helmetFor(origins: readonly string[], upgrade: boolean): RequestHandler {
  return helmet({
    // MapLibre runs its tile workers from blob: URLs and draws sprites from data:/blob: images.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        // a remote basemap is read from its origins, tiles as images
        imgSrc: ["'self'", 'data:', 'blob:', ...origins],
        connectSrc: ["'self'", ...origins],
        upgradeInsecureRequests: upgrade ? [] : null,
      },
    },
  });
}

/**
 * The security headers for the basemap `basemap` (the `--basemap` value): Helmet's, with the
 * map's Content-Security-Policy as the module comment describes. For a style, the style is read
 * in the background (never delaying start-up; up to {@link STYLE_READ_TIMEOUT_MS}); until then,
 * and if it cannot be read (a warning on `log`), only the style's own origin is admitted.
 * @throws BeatplanError BAD_INPUT (field `basemap`) as {@link basemapOrigins}
 * @example app.use(securityHeaders(config.basemap, log).middleware);
 */
export function securityHeaders(basemap: string | undefined, log: Logger): SecurityHeaders {
  let plain: RequestHandler;
  let upgrading: RequestHandler;
  let anyHttp = false;
  const admit = (origins: string[]): string[] => {
    plain = helmetFor(origins, false);
    upgrading = helmetFor(origins, true);
    anyHttp = origins.some((o) => o.startsWith('http:'));
    return origins;
  };
  const own = admit(basemapOrigins(basemap));
  const map = basemapOf(basemap)?.map;
  const ready =
    map?.kind === 'style'
      ? readStyleOrigins(map.url).then(
          (named) => admit([...new Set([...own, ...named])].sort()),
          (err: unknown) => {
            log.warn(
              { basemap: map.url, err: String(err) },
              'the basemap style could not be read at start-up: the page admits only its own origin, so its sprite, glyphs and tiles must be there',
            );
            return own;
          },
        )
      : Promise.resolve(own);
  return {
    middleware: (req, res, next) => (req.secure && !anyHttp ? upgrading : plain)(req, res, next),
    ready,
  };
}
