/** `beatplan evaluate`: wired when its engine stage lands. */
import { BeatplanError } from '../../errors.js';
import type { CliIo } from '../run.js';

export async function evaluateCommand(_argv: string[], _io: CliIo): Promise<number> {
  throw new BeatplanError('INTERNAL', 'evaluate is not available in this build');
}
