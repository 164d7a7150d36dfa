/**
 * The OpenAPI function as it deploys (bundled by `bundleFunction`, as `HubFunction` does) serves
 * the document built from source, and its bundle carries the built document, not the builder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '#infra/constructs/function-bundle.ts';
import { openApiDocument } from '#shared/openapi/document.prebuilt.ts';
import { routes } from '#shared/routes.ts';
import { call, httpEvent } from '../../support/http-events.ts';

const outdir = mkdtempSync(join(tmpdir(), 'hub-openapi-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the bundled OpenAPI function', () => {
  // Bundles the function with esbuild: seconds on a loaded machine.
  it('answers the document built from source, without bundling the schemas or the builder', { timeout: 120_000 }, async () => {
    const metafile = await bundleFunction('functions/openapi/handler.ts', outdir);
    const inputs = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(inputs).toContain('functions/openapi/handler.ts');
    expect(inputs).not.toContain('shared/openapi/document.ts');
    expect(inputs).not.toContain('shared/openapi/operations.ts');
    expect(inputs).not.toContain('shared/routes.ts');

    const bundled = (await import(pathToFileURL(join(outdir, 'index.mjs')).href)) as {
      handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
    };
    const reply = await call(bundled.handler, httpEvent('GET /openapi.json', '/openapi.json'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect(Object.keys(reply.body['paths'] as object).length).toBe(new Set(routes.map((route) => route.path)).size);
  });
});
