/**
 * The OpenAPI 3.1 document and the human-readable docs page, both generated from the route
 * declarations of {@link RouteTable}.
 */
import { z } from 'zod';
import type { RouteDef } from './http.js';
import { ProblemSchema } from './schemas.js';

/** OpenAPI path from an Express path: `/plans/:id` → `/plans/{id}`. */
export function openapiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Components collected while the document is built: named schemas (zod `.meta({ id })`). */
type Components = Record<string, unknown>;

/**
 * JSON Schema of a zod schema for the document. Schemas named with `.meta({ id })` land in
 * `components.schemas` once, and every reference to them points there (zod emits local
 * `#/$defs/…` references, which mean nothing inside an OpenAPI document).
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Components): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema;
  const defs = s.$defs as Record<string, Record<string, unknown>> | undefined;
  delete s.$defs;
  const fix = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fix);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        o[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/') ? `#/components/schemas/${x.slice(8)}` : fix(x);
      }
      return o;
    }
    return v;
  };
  for (const [name, def] of Object.entries(defs ?? {})) {
    const fixed = fix(def);
    components[name] ??= fixed;
  }
  return fix(s) as Record<string, unknown>;
}

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** The tags of the document, in the order the docs show them. */
export const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'meta', description: 'Health, this document and the human-readable docs (no token needed).' },
  { name: 'tokens', description: 'Bearer tokens and their roles (admin).' },
  {
    name: 'datasets',
    description:
      'Uploads (boundary, incidents, layers, existing beats, barriers, rosters, venues), validated by the engine when they arrive.',
  },
  {
    name: 'jobs',
    description: 'Long work (planning, scoring, staffing, re-balancing, what-if runs): status, progress events (SSE), cancel.',
  },
  { name: 'scores', description: 'Cell scores (workload, engagement need) of a set of datasets.' },
  {
    name: 'plans',
    description:
      'Plans and their versions: metrics, beats, cells, incidents heat bins, comparison, export, response figures, meeting places.',
  },
  {
    name: 'edits',
    description:
      'Edits of a plan with optimistic concurrency (If-Match → 412 on a stale version): moves, locks, undo/redo, re-balance. Every write that changes a plan writes a new version that becomes current, so its ETag changes: a move, lock, unlock, re-balance, and a rename (`PATCH /plans/{id}`: the same beats under a new name). Undo and redo write nothing but move the current version (the ETag changes too). Meeting places and schedules are settings of the plan, not versions.',
  },
  { name: 'staffing', description: 'Officers per beat and shift, named assignments and what-if runs (commander: officer names).' },
];

/** Statuses every operation may answer with, and when. */
const STATUS_TEXT: Record<number, string> = {
  304: 'Not modified: `If-None-Match` named the current ETag (the version has not changed)',
  400: 'The request is malformed: a parameter, query or body field fails its schema, or an unknown field was sent; `errors[].path` names each (`query.limit`, `body.beats`)',
  401: 'Missing or unknown bearer token',
  404: 'No such resource',
  413: 'The request body is larger than the limit',
  415: 'The request body has a media type the operation does not take',
  422: 'The request is well-formed but its content cannot be used (an unreadable file, an unknown column, a dataset that does not fit); `errors[].path` names the file, row and field when known',
  429: 'Rate limit exceeded',
  500: 'Unexpected error (no details leave the server; the X-Request-Id names it in the log)',
};

/**
 * Builds the OpenAPI 3.1 document.
 * @param routes the declarations, in registration order
 * @param version the API's package version
 */
export function buildOpenApi(routes: readonly RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input', components) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
      for (const [name, prop] of Object.entries(js.properties ?? {})) {
        const { description, ...propSchema } = prop;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: propSchema,
        });
      }
    }
    for (const h of r.headers ?? [])
      parameters.push({ name: h.name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } });
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      const content: Record<string, unknown> = {};
      const media = res.content ?? { [res.mediaType ?? 'application/json']: res.schema ?? null };
      for (const [m, schema] of Object.entries(media)) {
        content[m] = schema
          ? { schema: jsonSchema(schema, 'output', components) }
          : m.startsWith('text/')
            ? { schema: { type: 'string' } }
            : {};
      }
      const hasBody = Object.values(media).some(Boolean) || Object.keys(media).some((m) => m !== 'application/json');
      responses[status] = {
        description: res.description,
        ...(res.headers
          ? {
              headers: Object.fromEntries(Object.entries(res.headers).map(([k, d]) => [k, { description: d, schema: { type: 'string' } }])),
            }
          : {}),
        ...(hasBody ? { content } : {}),
      };
    }
    const sendsEtag = r.method === 'get' && Object.values(r.responses).some((x) => x.headers?.ETag !== undefined);
    const statuses: number[] = [];
    if (sendsEtag) statuses.push(304);
    if (r.params || r.query || r.body || r.upload) statuses.push(400);
    if (r.role) statuses.push(401);
    if (r.params) statuses.push(404);
    if (r.body || r.upload) statuses.push(413, 415);
    if (r.upload) statuses.push(422);
    statuses.push(429, 500);
    for (const s of statuses) {
      if (responses[s]) continue;
      responses[s] =
        s === 304
          ? { description: STATUS_TEXT[s], headers: { ETag: { description: 'The current version', schema: { type: 'string' } } } }
          : { description: STATUS_TEXT[s], content: PROBLEM };
    }
    if (r.role && !responses[403]) responses[403] = { description: `Needs the ${r.role} role or higher`, content: PROBLEM };
    for (const [s, v] of Object.entries(responses)) {
      if (Number(s) >= 400 && !(v as { content?: unknown }).content) (v as { content?: unknown }).content = PROBLEM;
    }
    const sorted = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
    const who = r.role ? `Needs a bearer token with the \`${r.role}\` role or higher.` : 'Public: no token needed.';
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      description: `${r.description ?? `${r.summary}.`}\n\n${who}`,
      tags: [r.tag],
      ...(r.role ? { security: [{ bearer: [] }], 'x-min-role': r.role } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      responses: sorted,
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input', components) } } };
    if (r.upload) {
      op.requestBody = {
        required: true,
        description: r.upload.description,
        content: Object.fromEntries(r.upload.mediaTypes.map((m) => [m, { schema: { type: 'string', format: 'binary' } }])),
      };
    }
    (paths[`/api/v1${openapiPath(r.path)}`] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Beatplan API',
      version,
      description:
        'Plans police patrol beats and the officers who work them. Every error is application/problem+json (RFC 9457) with a stable `code`. ' +
        'Roles: viewer (read) < analyst (upload data, run plans) < commander (edit plans, officer names) < admin. ' +
        'Status rule: 400 `VALIDATION_FAILED` when the request itself is malformed (a parameter, query or body field fails its schema, an unknown field or query parameter, a body id or beat/shift name that matches nothing); ' +
        '422 (`BAD_INPUT`, `PARSE_ERROR`, `MISSING_FIELD`, `INVALID_GEOMETRY`…) when it is well-formed but its content cannot be used (an unreadable file, a dataset that does not fit). ' +
        'Either way `errors[].path` names the place as a dotted path: `query.limit`, `body.beats`, `body.units.0.shift`, or for a file `<file>.row <n>.<field>`. ' +
        'Lists are paged with `?limit=&cursor=`: the body\'s `next` is the cursor of the next page (null on the last), also sent as a `Link: <…>; rel="next"` header.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      contact: { name: 'Beatplan maintainers', url: 'https://beatplan.dev' },
    },
    servers: [{ url: '/' }],
    // every tag an operation uses is declared (a route with a new tag gets a plain description until TAGS has one)
    tags: [
      ...TAGS,
      ...[...new Set(routes.map((r) => r.tag))]
        .filter((t) => !TAGS.some((x) => x.name === t))
        .map((name) => ({ name, description: `Operations on ${name}.` })),
    ],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `beatplan token create --role …`' } },
      schemas: { Problem: jsonSchema(ProblemSchema, 'output', components), ...components },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Where the docs page's Swagger UI files are served (from the `swagger-ui-dist` package). */
export const DOCS_ASSETS = '/api/v1/docs/assets';

/** The docs page's script: Swagger UI on this server's document (a file, so the CSP needs no inline script). */
export const DOCS_INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, defaultModelsExpandDepth: 0, tryItOutEnabled: false });
});
`;

/**
 * The human-readable docs page: Swagger UI (bundled, served from node_modules — no CDN, works
 * offline) on the served document, with a static listing of every operation (method, path,
 * role, parameters, request body and responses) for readers without JavaScript.
 */
export function renderDocsHtml(doc: Record<string, unknown>): string {
  const info = doc.info as { title: string; version: string; description: string };
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  const sections: string[] = [];
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters as Array<Record<string, unknown>> | undefined) ?? [];
      const body = op.requestBody as { content: Record<string, { schema?: unknown }> } | undefined;
      const responses = op.responses as Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
      const html = `<section id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)} <em>${op['x-min-role'] ? `role: ${esc(op['x-min-role'])}+` : 'public'}</em></p>
${op.description ? `<p>${esc(op.description)}</p>` : ''}
${
  params.length
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${esc(p.description)}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${
  body
    ? `<h4>Request body</h4>${Object.entries(body.content)
        .map(([m, c]) => `<p><code>${esc(m)}</code></p><pre>${esc(JSON.stringify(c.schema, null, 2))}</pre>`)
        .join('')}`
    : ''
}
<h4>Responses</h4><ul>${Object.entries(responses)
        .map(
          ([s, r]) =>
            `<li><b>${esc(s)}</b> ${esc(r.description)}${r.content ? ` <code>${esc(Object.keys(r.content).join(', '))}</code>` : ''}</li>`,
        )
        .join('')}</ul>
</section>`;
      const tag = ((op.tags as string[]) ?? ['other'])[0]!;
      (byTag.get(tag) ?? byTag.set(tag, []).get(tag)!).push(html);
    }
  }
  for (const [tag, ops] of byTag) sections.push(`<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join('\n')}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} ${esc(info.version)}</title>
<link rel="stylesheet" href="${DOCS_ASSETS}/swagger-ui.css">
<script src="${DOCS_ASSETS}/swagger-ui-bundle.js" defer></script><script src="${DOCS_ASSETS}/init.js" defer></script>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.5em;overflow:auto}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4em;font-weight:bold}.get{color:#0a6}.post{color:#06c}.put,.patch{color:#a60}.delete{color:#c00}
section{border-top:1px solid #eee;margin-top:1em}</style></head>
<body><div id="swagger-ui"></div>
<noscript><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1). A curl walk-through is in docs/api.md.</p>
<nav>${[...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ')}</nav>
${sections.join('\n')}</noscript>
</body></html>`;
}
