import { z } from 'zod';
import { apiErrorSchema, okReply } from '../protocol/api-schemas';
import { API_BASES, type ApiRoute } from './routes';

type JsonObject = Record<string, unknown>;

/**
 * The API as an OpenAPI 3.1 document, made from the route table and its zod schemas, so the
 * document cannot list a route the server lacks or a shape it does not send. Named schemas
 * (`.meta({id})`) become components; every error is the one `Error` shape.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[], version: string): JsonObject {
  const components: Record<string, unknown> = {};
  const schema = (zod: z.ZodType): unknown => {
    const { $defs, $schema: _dialect, ...rest } = z.toJSONSchema(zod, { target: 'draft-2020-12', unrepresentable: 'any' }) as JsonObject & { $defs?: Record<string, unknown> };
    for (const [name, def] of Object.entries($defs ?? {})) components[name] = relink(def);
    return relink(rest);
  };
  const errorRef = { $ref: '#/components/responses/Error' };
  schema(apiErrorSchema);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [base, deprecated] of [[API_BASES.v1, false], [API_BASES.legacy, true]] as const) {
    for (const route of routes) {
      if (deprecated && route.v1Only === true) continue;
      const path = `${base}${route.path}`;
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const queryParams = Object.entries(route.query?.shape ?? {}).map(([name, field]) => ({
        name,
        in: 'query',
        required: !(field as z.ZodType).safeParse(undefined).success,
        schema: schema(field as z.ZodType),
      }));
      const status = String(route.status ?? 200);
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = {
        operationId: `${deprecated ? 'legacy' : 'v1'}${route.method[0]}${route.method.slice(1).toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
        summary: route.summary,
        ...(deprecated ? { deprecated: true, description: `The unversioned route kept for the dashboard; use ${API_BASES.v1}${route.path}.` } : {}),
        'x-orch-scope': route.scope,
        ...(route.action === undefined ? {} : { 'x-orch-audit-action': route.action }),
        security: route.scope === 'public' ? [] : [{ bearer: [] }],
        ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
        ...(route.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: schema(route.body) } } } }),
        responses: {
          [status]: { description: route.summary, content: route.media === undefined ? { 'application/json': { schema: schema(route.bare === true ? route.response : okReply(route.response)) } } : mediaContent(route.media) },
          ...(route.scope === 'public' ? {} : { '401': errorRef }),
          ...(route.scope === 'control' ? { '403': errorRef } : {}),
          default: errorRef,
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Orch dashboard API',
      version,
      description:
        'Every reply is {ok: true, value} or, for any error status, {ok: false, error}. Send Authorization: Bearer <token>: the ' +
        "server's own token (.orch/dashboard.json) or one from 'orch token create' (read: every GET; control: also every POST, " +
        'each recorded in .orch/audit.jsonl). A read token on a control route gets 403, and that refusal is recorded too.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: components,
      responses: { Error: { description: 'any error: the one error shape', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

/** A file's bytes: OpenAPI 3.1 describes binary content by its media type, with no schema. */
function mediaContent(types: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(types.map((type) => [type, {}]));
}

/** zod names its references `#/$defs/X`; in the document they live under components. */
function relink(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as unknown;
}
