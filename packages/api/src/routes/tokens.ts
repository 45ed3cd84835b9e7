/**
 * Token administration (admin only): create, list, revoke. The token itself is returned once,
 * on creation; only its sha256 is stored.
 */
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { createToken } from '../auth.js';
import { ApiError } from '../errors.js';
import { pageOf, type RouteTable } from '../http.js';
import { IdParams, PageQuery, pageSchema, TokenRequestSchema, TokenSchema } from '../schemas.js';
import type { TokenRecord } from '../store/store.js';

const dto = (t: TokenRecord) => ({ id: t.id, role: t.role, label: t.label, createdAt: t.createdAt, revokedAt: t.revokedAt });

/** Registers the token routes and `GET /me`. */
export function tokenRoutes(t: RouteTable, ctx: AppContext): void {
  t.add({
    method: 'get',
    path: '/me',
    operationId: 'whoAmI',
    summary: 'The role and label of the calling token',
    tag: 'tokens',
    role: 'viewer',
    responses: { 200: { description: 'The caller', schema: z.object({ tokenId: z.string(), role: z.string(), label: z.string() }) } },
    handler: ({ res, principal }) => {
      res.json(principal);
    },
  });
  t.add({
    method: 'post',
    path: '/tokens',
    operationId: 'createToken',
    summary: 'Create a token (shown once)',
    tag: 'tokens',
    role: 'admin',
    body: TokenRequestSchema,
    responses: { 201: { description: 'The token and its record', schema: TokenSchema.extend({ token: z.string() }) } },
    handler: async ({ res, body }) => {
      const { token, record } = await createToken(ctx.store, body.role, body.label);
      res.status(201).json({ ...dto(record), token });
    },
  });
  t.add({
    method: 'get',
    path: '/tokens',
    operationId: 'listTokens',
    summary: 'List tokens (never the tokens themselves)',
    tag: 'tokens',
    role: 'admin',
    query: PageQuery,
    responses: { 200: { description: 'Tokens, oldest first, one page', schema: pageSchema(TokenSchema) } },
    handler: async ({ req, res, query }) => {
      const page = pageOf(await ctx.store.listTokens(), (x) => x.id, query, req, res);
      res.json({ items: page.items.map(dto), next: page.next });
    },
  });
  t.add({
    method: 'delete',
    path: '/tokens/:id',
    operationId: 'revokeToken',
    summary: 'Revoke a token',
    tag: 'tokens',
    role: 'admin',
    params: IdParams,
    responses: { 204: { description: 'Revoked' } },
    handler: async ({ res, params }) => {
      if (!(await ctx.store.revokeToken(params.id, new Date().toISOString())))
        throw new ApiError('NOT_FOUND', `no live token ${params.id}`);
      res.status(204).end();
    },
  });
}
