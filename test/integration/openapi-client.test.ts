/**
 * The OpenAPI document is usable by standard tools, not only by our own validator: a second,
 * resolving parser (swagger-parser) validates and dereferences it, and a client generated from it
 * (@hey-api/openapi-ts: types, SDK and fetch client) type-checks against real calls in strict mode
 * and talks to the hub.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createClient as generate } from '@hey-api/openapi-ts';
import ts from 'typescript';
import { describe, expect, inject, it } from 'vitest';
import { demoTenant } from '../support/hub-api.ts';

const api = inject('hub').urls.api;

async function servedDocument(): Promise<Record<string, unknown>> {
  const response = await fetch(`${api}/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** What an integrator writes against the generated SDK: it must compile under strict settings. */
const integratorSource = `
import { client } from './client.gen.ts';
import { getV1Me, getV1Transfers, getV1TransfersById } from './sdk.gen.ts';

export async function firstOutgoing(baseUrl: string, apiKey: string): Promise<{ name: string; stateSystem?: string }> {
  client.setConfig({ baseUrl, headers: { authorization: 'Bearer ' + apiKey } });
  const me = await getV1Me();
  const page = await getV1Transfers({ query: { direction: 'outgoing', limit: 5 } });
  const first = page.data?.items[0];
  if (!first) return { name: me.data?.legalName ?? '' };
  const transfer = await getV1TransfersById({ path: { id: first.id } });
  return { name: me.data?.legalName ?? '', stateSystem: transfer.data?.stateSystem.status };
}
`;

describe('the OpenAPI document with standard tools', { timeout: 90_000 }, () => {
  it('validates and dereferences with a second, resolving parser', async () => {
    const document = await servedDocument();
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    const dereferenced = (await SwaggerParser.dereference(structuredClone(document) as never)) as unknown as { paths: Record<string, unknown> };
    expect(Object.keys(dereferenced.paths)).toContain('/v1/transfers/{id}');
  });

  it('generates a client that compiles against real calls and talks to the hub', async () => {
    const document = await servedDocument();
    // Inside the project, so the generated files resolve the project's own TypeScript libraries.
    await mkdir(join(process.cwd(), 'test-results'), { recursive: true });
    const folder = await mkdtemp(join(process.cwd(), 'test-results', 'generated-client-'));
    await generate({ input: document, output: { path: folder, importFileExtension: '.ts' }, logs: { level: 'silent' } } as never);
    await writeFile(join(folder, 'integrator.ts'), integratorSource);

    const program = ts.createProgram([join(folder, 'integrator.ts')], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: [],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);

    // The same code, run for real against the hub.
    const { firstOutgoing } = (await import(join(folder, 'integrator.ts'))) as { firstOutgoing: (baseUrl: string, apiKey: string) => Promise<{ name: string; stateSystem?: string }> };
    const seen = await firstOutgoing(api, demoTenant('distributor').apiKey);
    expect(seen.name).toBe(demoTenant('distributor').name);
  });
});
