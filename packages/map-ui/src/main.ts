/**
 * Entry point of the planning map: asks for a token (kept in sessionStorage), checks it with
 * `GET /api/v1/me`, then starts the {@link PlanningApp}. URL parameters: `?plan=<id>` opens a
 * plan, `?style=<url>` sets a basemap style (also remembered in localStorage); else the
 * server's basemap (`beatplan serve --basemap`, `GET /map-config.json`); without one the map is
 * a plain offline background with the city boundary drawn from the grid.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { ApiClient, ApiProblem, TOKEN_KEY } from './api-client.js';
import { PlanningApp } from './app.js';
import { serverBasemap } from './layers/basemap.js';
import { type BeatplanTestHook, testHook } from './test-hook.js';

declare global {
  interface Window {
    /** A small typed view of the running app, for tests and the console ({@link BeatplanTestHook}). */
    __beatplan?: BeatplanTestHook;
    /** Set when start-up failed. */
    __beatplanError?: string;
  }
}

const params = new URLSearchParams(location.search);
/** A style named in the URL (or remembered) wins over the server's basemap. */
const styleUrl = params.get('style') ?? (localStorage.getItem('beatplan.style') || null);

async function tryToken(token: string): Promise<{ api: ApiClient; me: { role: string; label: string } }> {
  const api = new ApiClient(token);
  const me = await api.get<{ role: string; label: string }>('/me');
  return { api, me };
}

function askToken(message = ''): Promise<{ api: ApiClient; me: { role: string; label: string } }> {
  const overlay = document.getElementById('token-overlay')!;
  const form = document.getElementById('token-form') as HTMLFormElement;
  const input = document.getElementById('token-input') as HTMLInputElement;
  const error = document.getElementById('token-error')!;
  overlay.hidden = false;
  error.textContent = message;
  input.focus();
  return new Promise((ok) => {
    form.addEventListener('submit', async function onSubmit(e) {
      e.preventDefault();
      try {
        const r = await tryToken(input.value.trim());
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        overlay.hidden = true;
        form.removeEventListener('submit', onSubmit);
        ok(r);
      } catch (err) {
        error.textContent =
          err instanceof ApiProblem && err.status === 401
            ? 'That token is unknown or revoked.'
            : `Could not reach the API: ${(err as Error).message}`;
      }
    });
  });
}

async function boot(): Promise<void> {
  let session: { api: ApiClient; me: { role: string; label: string } } | null = null;
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) {
    try {
      session = await tryToken(saved);
    } catch {
      sessionStorage.removeItem(TOKEN_KEY);
    }
  }
  session ??= await askToken(saved ? 'The saved token no longer works; paste a new one.' : '');
  const basemap = styleUrl ? { kind: 'style' as const, url: styleUrl } : await serverBasemap();
  const app = new PlanningApp({ ...session, basemap, planId: params.get('plan') });
  window.__beatplan = testHook(app);
  await app.start();
}

boot().catch((e: unknown) => {
  window.__beatplanError = e instanceof Error ? e.message : String(e);
  const s = document.getElementById('status');
  if (s) s.textContent = `The map could not start: ${window.__beatplanError}`;
});
