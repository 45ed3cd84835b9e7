/** A `CliIo` that captures what a command writes, for in-process CLI tests. */
export function captureIo(): {
  io: { stdout: { write(s: string): number }; stderr: { write(s: string): number } };
  readonly out: string;
  readonly err: string;
} {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s).length }, stderr: { write: (s: string) => (err += s).length } },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}
