/** `beatplan plan`: wired when its engine stage lands. */
import { BeatplanError } from '../../errors.js';
import type { CliIo } from '../run.js';

export async function planCommand(_argv: string[], _io: CliIo): Promise<number> {
  throw new BeatplanError('INTERNAL', 'plan is not available in this build');
}
