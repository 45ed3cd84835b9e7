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

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/**
 * Builds the OpenAPI 3.1 document.
 * @param routes the declarations, in registration order
 * @param version the API's package version
 */
export function buildOpenApi(routes: readonly RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
      for (const [name, prop] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          ...(prop.description ? { description: prop.description } : {}),
          schema: prop,
        });
      }
    }
    for (const h of r.headers ?? []) parameters.push({ name: h.name, in: 'header', required: h.required, description: h.description, schema: { type: 'string' } });
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      const mediaType = res.mediaType ?? 'application/json';
      responses[status] = {
        description: res.description,
        ...(res.headers ? { headers: Object.fromEntries(Object.entries(res.headers).map(([k, d]) => [k, { description: d, schema: { type: 'string' } }])) } : {}),
        ...(res.schema || mediaType !== 'application/json'
          ? { content: { [mediaType]: res.schema ? { schema: jsonSchema(res.schema, 'output') } : {} } }
          : {}),
      };
    }
    const errors: Array<[number, string]> = [];
    if (r.params || r.query || r.body) errors.push([400, 'Validation failed; `errors` names each field']);
    if (r.role) errors.push([401, 'Missing or unknown bearer token'], [403, `Needs the ${r.role} role or higher`]);
    if (r.params) errors.push([404, 'No such resource']);
    errors.push([429, 'Rate limit exceeded'], [500, 'Unexpected error (no details leave the server)']);
    for (const [s, d] of errors) if (!responses[s]) responses[s] = { description: d, content: PROBLEM };
    for (const [s, v] of Object.entries(responses)) {
      if (Number(s) >= 400 && !(v as { content?: unknown }).content) (v as { content?: unknown }).content = PROBLEM;
    }
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      ...(r.role ? { security: [{ bearer: [] }], 'x-min-role': r.role } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      responses,
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
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
        'Roles: viewer (read) < analyst (upload data, run plans) < commander (edit plans, officer names) < admin.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `beatplan token create --role …`' } },
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A self-contained HTML page (no scripts, no CDN) listing every operation of the document:
 * method, path, role, parameters, request body and responses.
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
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params
        .map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${esc(p.description)}</td></tr>`)
        .join('')}</table>` : ''}
${body ? `<h4>Request body</h4>${Object.entries(body.content).map(([m, c]) => `<p><code>${esc(m)}</code></p><pre>${esc(JSON.stringify(c.schema, null, 2))}</pre>`).join('')}` : ''}
<h4>Responses</h4><ul>${Object.entries(responses)
        .map(([s, r]) => `<li><b>${esc(s)}</b> ${esc(r.description)}${r.content ? ` <code>${esc(Object.keys(r.content).join(', '))}</code>` : ''}</li>`)
        .join('')}</ul>
</section>`;
      const tag = ((op.tags as string[]) ?? ['other'])[0]!;
      (byTag.get(tag) ?? byTag.set(tag, []).get(tag)!).push(html);
    }
  }
  for (const [tag, ops] of byTag) sections.push(`<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join('\n')}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} ${esc(info.version)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.5em;overflow:auto}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4em;font-weight:bold}.get{color:#0a6}.post{color:#06c}.put,.patch{color:#a60}.delete{color:#c00}
section{border-top:1px solid #eee;margin-top:1em}</style></head>
<body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<nav>${[...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ')}</nav>
${sections.join('\n')}
</body></html>`;
}
