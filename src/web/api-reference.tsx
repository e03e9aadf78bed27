import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Assets } from './assets.js';
import { SiteHead } from './layout.js';

// The API reference, rendered on the server from the same OpenAPI document the API serves:
// nothing from a CDN, no script (the CSP holds as on every page), readable in any browser and
// with a screen reader. Operations are grouped by tag; schemas are linked by name.

export type ApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;
type SchemaLike = { $ref?: string; type?: string | string[]; [key: string]: unknown };
type ResponseLike = { $ref?: string; description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: SchemaLike }> };
type ParameterLike = { name: string; in: string; required?: boolean; description?: string; schema?: SchemaLike };
type OperationLike = {
  operationId?: string; summary?: string; tags?: string[]; security?: Record<string, string[]>[];
  parameters?: ParameterLike[]; requestBody?: { content?: Record<string, { schema?: SchemaLike }> }; responses?: Record<string, ResponseLike>;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

/** A schema in a few words: its component name (linked), or its type with the constraints a client needs. */
function SchemaRef({ schema }: { schema: SchemaLike | undefined }) {
  if (!schema) return <>—</>;
  if (schema.$ref) return <a href={`#schema-${refName(schema.$ref)}`}><code>{refName(schema.$ref)}</code></a>;
  if (schema.type === 'array') return <>array of <SchemaRef schema={schema.items as SchemaLike | undefined} /></>;
  if (Array.isArray(schema.enum)) return <code>{schema.enum.map(String).join(' | ')}</code>;
  const limits = [
    schema.minLength !== undefined && schema.minLength === schema.maxLength ? `length ${String(schema.minLength)}` : null,
    schema.minLength !== undefined && schema.minLength !== schema.maxLength ? `min length ${String(schema.minLength)}` : null,
    schema.maxLength !== undefined && schema.minLength !== schema.maxLength ? `max length ${String(schema.maxLength)}` : null,
    schema.minimum !== undefined ? `≥ ${String(schema.minimum)}` : null,
    schema.maximum !== undefined ? `≤ ${String(schema.maximum)}` : null,
    schema.minItems !== undefined ? `min ${String(schema.minItems)} items` : null,
    schema.maxItems !== undefined ? `max ${String(schema.maxItems)} items` : null,
    schema.uniqueItems ? 'unique items' : null,
    typeof schema.pattern === 'string' ? `pattern ${schema.pattern}` : null,
  ].filter((x): x is string => x !== null);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type ?? (schema.anyOf ? 'one of several' : 'object');
  return <><code>{type}</code>{limits.length > 0 ? <span class="small"> ({limits.join(', ')})</span> : null}</>;
}

/** Text with `code` spans, as the document's descriptions write them. */
function Prose({ text }: { text: string | undefined }) {
  return <>{(text ?? '').split('`').map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>;
}

function Response({ response }: { response: ResponseLike }) {
  const [type, media] = Object.entries(response.content ?? {})[0] ?? [];
  const headers = Object.keys(response.headers ?? {});
  return (
    <>
      <Prose text={response.description} />
      {type ? <> — <code>{type}</code>: <SchemaRef schema={media?.schema} /></> : null}
      {headers.length > 0 ? <span class="small"> (header {headers.join(', ')})</span> : null}
    </>
  );
}

function Operation({ method, path, op }: { method: string; path: string; op: OperationLike }) {
  const secured = (op.security ?? []).some((r) => Object.keys(r).length > 0);
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {});
  const shared = responses.filter(([, r]) => r.$ref);
  return (
    <section class="card" id={op.operationId} aria-labelledby={`op-${op.operationId ?? ''}`}>
      <h3 id={`op-${op.operationId ?? ''}`}><code>{method.toUpperCase()} /api{path}</code></h3>
      <p><Prose text={op.summary} /></p>
      <dl>
        <dt>Operation id</dt><dd><code>{op.operationId}</code></dd>
        <dt>Security</dt><dd>{secured ? 'Session token: Authorization: Bearer <token>' : 'None (public)'}</dd>
        {op.parameters && op.parameters.length > 0 ? (
          <><dt>Parameters</dt><dd><ul>{op.parameters.map((p) => (
            <li><code>{p.name}</code> in {p.in}{p.required ? ', required' : ''}: <SchemaRef schema={p.schema} /></li>
          ))}</ul></dd></>
        ) : null}
        {body ? <><dt>Request body</dt><dd><code>application/json</code>: <SchemaRef schema={body} /></dd></> : null}
        <dt>Responses</dt>
        <dd><ul>
          {responses.filter(([, r]) => !r.$ref).map(([status, r]) => <li><strong>{status}</strong> <Response response={r} /></li>)}
          <li>Shared: {shared.map(([status, r], i) => (
            <>{i > 0 ? ', ' : ''}<a href={`#response-${refName(r.$ref ?? '')}`}><strong>{status}</strong> {refName(r.$ref ?? '')}</a></>
          ))}</li>
        </ul></dd>
      </dl>
    </section>
  );
}

function Schema({ name, schema }: { name: string; schema: SchemaLike }) {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, SchemaLike>);
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return (
    <section class="card" id={`schema-${name}`}>
      <h3><code>{name}</code></h3>
      {typeof schema.description === 'string' ? <p><Prose text={schema.description} /></p> : null}
      {properties.length > 0 ? (
        <ul>{properties.map(([prop, s]) => (
          <li><code>{prop}</code>{required.has(prop) ? '' : ' (optional)'}: <SchemaRef schema={s} /></li>
        ))}</ul>
      ) : <p><SchemaRef schema={{ ...schema, $ref: undefined }} /></p>}
    </section>
  );
}

/** The whole reference page as HTML, from the served document. */
export function apiReferencePage(doc: ApiDocument, assets: Assets): string {
  const tags = (doc.tags ?? []).map((t) => t.name);
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = (item as Record<string, OperationLike | undefined>)[method];
      return op ? [{ method, path, op }] : [];
    }));
  for (const { op } of operations) for (const t of op.tags ?? []) if (!tags.includes(t)) tags.push(t);
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Record<string, SchemaLike>);
  const license = doc.info.license;
  const page = (
    <html lang="en">
      <SiteHead assets={assets} />
      <body>
        <main id="main">
          <h1>{doc.info.title} reference</h1>
          <p><Prose text={doc.info.description} /></p>
          <p class="small">
            Version {doc.info.version}{license ? `, licence ${license.name}` : ''}. Paths are relative to <code>/api</code>.
            The machine-readable contract: <a href="/api/openapi.json"><code>/api/openapi.json</code></a> (OpenAPI {doc.openapi}).
          </p>
          <nav aria-label="Contents">
            <ul>
              {tags.map((t) => <li><a href={`#tag-${t}`}>{t}</a></li>)}
              <li><a href="#responses">Shared error answers</a></li>
              <li><a href="#schemas">Schemas</a></li>
            </ul>
          </nav>
          {tags.map((tag) => (
            <section aria-labelledby={`tag-${tag}`}>
              <h2 id={`tag-${tag}`}>{tag}</h2>
              {(doc.tags ?? []).find((t) => t.name === tag)?.description ? <p>{doc.tags?.find((t) => t.name === tag)?.description}</p> : null}
              {operations.filter(({ op }) => (op.tags ?? []).includes(tag)).map(({ method, path, op }) => <Operation method={method} path={path} op={op} />)}
            </section>
          ))}
          <section aria-labelledby="responses">
            <h2 id="responses">Shared error answers</h2>
            <p>Every error has the <a href="#schema-Error"><code>Error</code></a> shape; its <code>code</code> tells what happened.</p>
            <ul>{Object.entries((doc.components?.responses ?? {}) as Record<string, ResponseLike>).map(([name, response]) => (
              <li id={`response-${name}`}><strong>{name}</strong>: <Response response={response} /></li>
            ))}</ul>
          </section>
          <section aria-labelledby="schemas">
            <h2 id="schemas">Schemas</h2>
            {schemas.map(([name, schema]) => <Schema name={name} schema={schema} />)}
          </section>
        </main>
      </body>
    </html>
  );
  return `<!doctype html>${page.toString()}`;
}
