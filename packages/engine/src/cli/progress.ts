/** A terminal progress bar on stderr (only when stderr is a TTY). */
import type { ProgressFn } from '../errors.js';

export function terminalProgress(stream: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): unknown }): ProgressFn {
  if (!stream.isTTY) return () => {};
  let last = '';
  let lastAt = 0;
  return (fraction, stage) => {
    const now = Date.now();
    const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    const line = `${stage.padEnd(9)} [${'#'.repeat(Math.round(pct / 4)).padEnd(25)}] ${String(pct).padStart(3)}%`;
    if (line === last || (now - lastAt < 100 && pct < 100)) return;
    last = line;
    lastAt = now;
    stream.write(`\r${line}${pct === 100 ? '\n' : ''}`);
  };
}
