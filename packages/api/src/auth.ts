/**
 * Bearer-token authentication and role checks. Tokens are random 32-byte values shown once;
 * only their sha256 is stored. Roles are ordered: viewer < analyst < commander < admin.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';
import { ROLES, type Role, type Store, type TokenRecord } from './store/store.js';

/** Prefix of every Beatplan token, so a leaked one is recognisable by secret scanners. */
export const TOKEN_PREFIX = 'bp_';

/** sha256 of a token, hex: what the store keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `role` is at least `min` (viewer < analyst < commander < admin). */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

/**
 * Creates a token with a role and a label, stores its hash, and returns the token itself —
 * the only time it is ever visible. Wire this into `beatplan token create --role …`.
 *
 * @param store Where the hash is kept.
 * @param role viewer | analyst | commander | admin
 * @param label Free text naming the holder ("Analyst laptop", "find-my-beat page").
 * @returns `{ token, record }`; `token` is `bp_` + 64 hex characters.
 * @throws Error when `role` is not a known role.
 * @example const { token } = await createToken(store, 'analyst', 'crime analysis unit');
 */
export async function createToken(store: Store, role: Role, label: string): Promise<{ token: string; record: TokenRecord }> {
  if (!ROLES.includes(role)) throw new Error(`unknown role ${JSON.stringify(role)}; use one of ${ROLES.join(', ')}`);
  const token = TOKEN_PREFIX + randomBytes(32).toString('hex');
  const record: TokenRecord = {
    id: randomUUID(),
    role,
    label,
    hash: hashToken(token),
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  await store.insertToken(record);
  return { token, record };
}

/** Who made a request (set by {@link authenticate}). */
export interface Principal {
  tokenId: string;
  role: Role;
  label: string;
}

/** The principal of a request, as {@link authenticate} stored it in `res.locals`. */
export function principalOf(res: { locals: Record<string, unknown> }): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/**
 * Reads `Authorization: Bearer <token>`, looks its hash up and sets `res.locals.principal`.
 * Fails with 401 `UNAUTHENTICATED` when the header is missing, malformed or the token unknown
 * or revoked.
 */
export function authenticate(store: Store): RequestHandler {
  return async (req, res, next) => {
    const h = req.get('authorization');
    const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (!m) {
      next(
        new ApiError('UNAUTHENTICATED', 'an Authorization: Bearer <token> header is required', {
          headers: { 'WWW-Authenticate': 'Bearer realm="beatplan"' },
        }),
      );
      return;
    }
    const rec = await store.findTokenByHash(hashToken(m[1]!));
    if (!rec) {
      next(
        new ApiError('UNAUTHENTICATED', 'the bearer token is unknown or revoked', {
          headers: { 'WWW-Authenticate': 'Bearer realm="beatplan", error="invalid_token"' },
        }),
      );
      return;
    }
    res.locals.principal = { tokenId: rec.id, role: rec.role, label: rec.label };
    next();
  };
}

/** Throws 403 `FORBIDDEN` unless the request's principal has at least role `min`. */
export function assertRole(principal: Principal | undefined, min: Role): void {
  if (!principal) throw new ApiError('UNAUTHENTICATED', 'an Authorization: Bearer <token> header is required');
  if (!roleAtLeast(principal.role, min)) {
    throw new ApiError('FORBIDDEN', `this action needs the ${min} role or higher; the token has ${principal.role}`);
  }
}
