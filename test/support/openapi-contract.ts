/**
 * Real answers checked against the OpenAPI document: is the status documented for the route, with
 * this media type, and does the body fit the documented schema (JSON Schema 2020-12)? The schema
 * validator is the ajv that @seriousme/openapi-schema-validator brings with it, resolved from that
 * package, so the project gains no dependency of its own.
 */
import { createRequire } from 'node:module';

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
}
interface AjvValidate {
  (data: unknown): boolean;
  errors?: readonly AjvError[] | null;
}
interface Ajv {
  addSchema(schema: object, key: string): void;
  compile(schema: object): AjvValidate;
}

const fromValidator = createRequire(import.meta.resolve('@seriousme/openapi-schema-validator'));
const { default: Ajv2020 } = fromValidator('ajv/dist/2020.js') as { default: new (options: object) => Ajv };
const { default: addFormats } = fromValidator('ajv-formats') as { default: (ajv: Ajv) => void };

type Json = Record<string, unknown>;

export interface DocumentedResponse {
  readonly description: string;
  readonly content?: Record<string, { readonly schema?: Json }>;
  readonly headers?: Record<string, unknown>;
}

export interface OpenApiContract {
  /** The documented response of an operation for a status (the exact status, else its `NXX` range), with `$ref`s followed. */
  response(method: string, path: string, status: number): DocumentedResponse | undefined;
  /** What is wrong with a real answer, as the document sees it; empty when it fits. */
  check(method: string, path: string, answer: { readonly status: number; readonly contentType: string | null; readonly body: unknown }): string[];
  /** What is wrong with a value for a named schema (`#/components/schemas/<name>`). */
  checkSchema(name: string, value: unknown): string[];
}

const DOCUMENT = 'hub:openapi';

export function openApiContract(document: Json): OpenApiContract {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The whole document under one id, so that its `#/components/...` references resolve inside it.
  ajv.addSchema(document, DOCUMENT);
  const compiled = new Map<string, AjvValidate>();
  const validate = (pointer: string, value: unknown) => {
    let validator = compiled.get(pointer);
    if (!validator) {
      validator = ajv.compile({ $ref: `${DOCUMENT}${pointer}` });
      compiled.set(pointer, validator);
    }
    return validator(value) ? [] : (validator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is not valid'}`);
  };
  const at = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split('/')
      .reduce<unknown>((node, part) => (node as Json | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')], document);
  const escape = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

  /** The pointer of the documented response, following one `$ref` into components.responses. */
  const responsePointer = (method: string, path: string, status: number): string | undefined => {
    const base = `#/paths/${escape(path)}/${method.toLowerCase()}/responses`;
    const responses = at(base) as Json | undefined;
    const key = [String(status), `${String(status)[0] ?? ''}XX`].find((candidate) => responses?.[candidate] !== undefined);
    if (!key) return undefined;
    const ref = (responses?.[key] as { $ref?: string }).$ref;
    return ref ?? `${base}/${escape(key)}`;
  };

  const response = (method: string, path: string, status: number) => {
    const pointer = responsePointer(method, path, status);
    return pointer ? (at(pointer) as DocumentedResponse) : undefined;
  };

  return {
    response,
    check(method, path, answer) {
      const pointer = responsePointer(method, path, answer.status);
      if (!pointer) return [`${answer.status} is not documented for ${method} ${path}`];
      const documented = at(pointer) as DocumentedResponse;
      const mediaType = answer.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!documented.content) return mediaType ? [`${answer.status} is documented without a body, answered ${mediaType}`] : [];
      if (!(mediaType in documented.content)) return [`${answer.status} is documented as ${Object.keys(documented.content).join(', ')}, answered ${mediaType || 'without a type'}`];
      if (!documented.content[mediaType]?.schema) return [];
      return validate(`${pointer}/content/${escape(mediaType)}/schema`, answer.body);
    },
    checkSchema: (name, value) => validate(`#/components/schemas/${escape(name)}`, value),
  };
}
