/**
 * The map's client of the Beatplan API (`/api/v1`): bearer token, problem+json errors as
 * {@link ApiProblem}, ETag / If-Match for edits, downloads, and jobs followed over
 * Server-Sent Events (read with `fetch`, because `EventSource` cannot send a bearer token).
 */

/** Where the token is kept: per tab, gone when the tab closes. */
export const TOKEN_KEY = 'beatplan.token';

/** An RFC 9457 problem from the API, with its stable `code`. */
export class ApiProblem extends Error {
  /**
   * @param status HTTP status
   * @param code stable code, e.g. `MOVE_REJECTED`, `PRECONDITION_FAILED`, `NOT_FOUND`
   * @param detail the API's explanation, for people
   */
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly url: string,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiProblem';
  }
}

/** API shapes, inferred from the server's own zod schemas (types only, no server code). */
export type { EditResultDto, JobDto, PlanDto } from '@beatplan/api';

import type { JobDto } from '@beatplan/api';

/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Splits a Server-Sent Events text buffer into complete events and the unfinished rest.
 * Comments (`: keep-alive`) are dropped; multi-line `data:` joined with `\n`.
 * @example parseSse('event: done\ndata: {}\n\n').events[0].event // 'done'
 */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length || event !== 'message') events.push({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
  }
  return { events, rest };
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const m = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition) : null;
  return m ? decodeURIComponent(m[1]!) : fallback;
}

/** A client bound to one API base (`/api/v1` on the page's origin by default) and one token. */
export class ApiClient {
  constructor(
    private token: string,
    readonly base = '/api/v1',
  ) {}

  /** Replaces the bearer token. */
  setToken(token: string): void {
    this.token = token;
  }

  private async request(
    method: string,
    path: string,
    init: { body?: unknown; file?: { data: Blob; type: string }; ifMatch?: string; accept?: string; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: init.accept ?? 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (init.file) headers['Content-Type'] = init.file.type;
    if (init.ifMatch) headers['If-Match'] = init.ifMatch;
    const url = `${this.base}${path}`;
    const res = await fetch(url, {
      method,
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : init.file ? { body: init.file.data } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    if (!res.ok) throw await problemOf(res, url);
    return res;
  }

  /** GET a JSON resource. @throws ApiProblem */
  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return (await (await this.request('GET', path, signal ? { signal } : {})).json()) as T;
  }

  /** GET a JSON resource with its ETag. @throws ApiProblem */
  async getWithEtag<T>(path: string): Promise<{ data: T; etag: string | null }> {
    const res = await this.request('GET', path);
    return { data: (await res.json()) as T, etag: res.headers.get('ETag') };
  }

  /** GET a text resource (CSV). @throws ApiProblem */
  async text(path: string, accept = 'text/csv'): Promise<string> {
    return (await this.request('GET', path, { accept })).text();
  }

  /** POST JSON and read the JSON answer. @throws ApiProblem */
  async post<T>(path: string, body?: unknown, ifMatch?: string): Promise<{ data: T; etag: string | null; status: number }> {
    const res = await this.request('POST', path, { ...(body !== undefined ? { body } : {}), ...(ifMatch ? { ifMatch } : {}) });
    const text = await res.text();
    return { data: (text ? JSON.parse(text) : null) as T, etag: res.headers.get('ETag'), status: res.status };
  }

  /** PATCH JSON (If-Match: the ETag of the version the change is based on) and read the JSON answer. @throws ApiProblem (412 when stale) */
  async patch<T>(path: string, body: unknown, ifMatch: string): Promise<{ data: T; etag: string | null }> {
    const res = await this.request('PATCH', path, { body, ifMatch });
    return { data: (await res.json()) as T, etag: res.headers.get('ETag') };
  }

  /** DELETE a resource (with If-Match when given). @throws ApiProblem (409 when refused, 412 when stale) */
  async delete(path: string, ifMatch?: string): Promise<void> {
    await this.request('DELETE', path, ifMatch ? { ifMatch } : {});
  }

  /** POST a file as the raw request body (dataset uploads) with its media type; reads the JSON answer. @throws ApiProblem */
  async upload<T>(path: string, data: Blob, type: string): Promise<T> {
    return (await (await this.request('POST', path, { file: { data, type } })).json()) as T;
  }

  /** Downloads an attachment: its bytes and the server's file name. @throws ApiProblem */
  async download(path: string, fallbackName: string): Promise<{ blob: Blob; fileName: string }> {
    const res = await this.request('GET', path, { accept: '*/*' });
    return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('Content-Disposition'), fallbackName) };
  }

  /**
   * Follows a job over its event stream until it ends; `onProgress` sees every update.
   * Falls back to polling when the stream breaks. Aborting `signal` stops following (it does
   * not cancel the job — call {@link cancelJob}).
   * @returns the final job (succeeded, failed or cancelled)
   */
  async followJob(job: JobDto, onProgress: (j: JobDto) => void, signal?: AbortSignal): Promise<JobDto> {
    try {
      const res = await this.request('GET', `/jobs/${job.id}/events`, { accept: 'text/event-stream', ...(signal ? { signal } : {}) });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const { events, rest } = parseSse(buffer + value);
        buffer = rest;
        for (const e of events) {
          const j = JSON.parse(e.data) as JobDto;
          onProgress(j);
          if (e.event === 'done') {
            void reader.cancel();
            return j;
          }
        }
      }
    } catch (err) {
      if (signal?.aborted) throw err;
    }
    // stream ended early: poll
    for (;;) {
      const j = await this.get<JobDto>(`/jobs/${job.id}`, signal);
      onProgress(j);
      if (j.status !== 'queued' && j.status !== 'running') return j;
      await new Promise((ok) => setTimeout(ok, 500));
    }
  }

  /** Cancels a job. @throws ApiProblem */
  async cancelJob(id: string): Promise<JobDto> {
    return (await this.post<JobDto>(`/jobs/${id}/cancel`)).data;
  }
}

async function problemOf(res: Response, url: string): Promise<ApiProblem> {
  let code = `HTTP_${res.status}`;
  let detail = res.statusText || 'request failed';
  try {
    const body = (await res.json()) as { code?: string; detail?: string; title?: string };
    code = body.code ?? code;
    detail = body.detail ?? body.title ?? detail;
  } catch {
    /* not JSON */
  }
  return new ApiProblem(res.status, code, detail, url);
}
