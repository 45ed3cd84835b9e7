/**
 * Streams a request body into the store's staging folder with a size limit and a running
 * sha256, so a large upload never sits in memory and never reaches a client-chosen path.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import { ApiError } from './errors.js';
import type { Store } from './store/store.js';

/** A staged upload: where it is, how big, its hash. */
export interface StagedUpload {
  stagingName: string;
  path: string;
  bytes: number;
  sha256: string;
  /** First non-blank byte (after a UTF-8 BOM), for format sniffing; undefined when blank. */
  firstByte: number | undefined;
}

/**
 * Streams `req` into a staging file. Fails with 413 `PAYLOAD_TOO_LARGE` past `limitBytes`
 * (checked on Content-Length first, then while streaming), 400 when the body is empty.
 */
export async function stageUpload(req: Request, store: Store, limitBytes: number): Promise<StagedUpload> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw new ApiError('PAYLOAD_TOO_LARGE', `upload is ${declared} bytes; the limit is ${limitBytes}`);
  }
  const { name, path } = store.stagingPath();
  const hash = createHash('sha256');
  let bytes = 0;
  let firstByte: number | undefined;
  let tooLarge = false;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > limitBytes) {
        tooLarge = true;
        cb(new Error('too large'));
        return;
      }
      if (firstByte === undefined) {
        for (let i = 0; i < chunk.length; i++) {
          const c = chunk[i]!;
          if (c > 32 && c !== 0xef && c !== 0xbb && c !== 0xbf) {
            firstByte = c;
            break;
          }
        }
      }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(req, counter, createWriteStream(path));
  } catch (err) {
    await store.discardStaged(name);
    if (tooLarge) {
      req.unpipe();
      req.resume();
      throw new ApiError('PAYLOAD_TOO_LARGE', `upload exceeds the limit of ${limitBytes} bytes`);
    }
    throw err;
  }
  if (bytes === 0) {
    await fsp.rm(path, { force: true });
    throw new ApiError('VALIDATION_FAILED', 'the request body is empty; send the file as the body', {
      errors: [{ path: 'body', message: 'empty' }],
    });
  }
  return { stagingName: name, path, bytes, sha256: hash.digest('hex'), firstByte };
}
