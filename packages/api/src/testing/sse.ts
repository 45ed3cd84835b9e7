/**
 * Test support: reads a Server-Sent Events stream from the API (not part of the build).
 */

/** One event of a job's stream, its data parsed from JSON. */
export interface JobEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * Reads `url` as an SSE stream until the server closes it (a job's `done`), or until
 * `stopAfter` events; `onEvent` may act on each event as it arrives.
 */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  options: { stopAfter?: number; signal?: AbortSignal; onEvent?: (e: JobEvent) => Promise<void> | void } = {},
): Promise<{ contentType: string | null; events: JobEvent[] }> {
  const res = await fetch(url, { headers, signal: options.signal });
  const events: JobEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let k: number;
    while ((k = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, k);
      buf = buf.slice(k + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const line = /^data: (.*)$/m.exec(block)?.[1];
      if (event && line) {
        const e = { event, data: JSON.parse(line) as Record<string, unknown> };
        events.push(e);
        await options.onEvent?.(e);
      }
      if (options.stopAfter && events.length >= options.stopAfter) {
        await reader.cancel();
        return { contentType: res.headers.get('content-type'), events };
      }
    }
  }
  return { contentType: res.headers.get('content-type'), events };
}
