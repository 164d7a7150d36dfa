/**
 * GET /openapi.json: the OpenAPI 3.1 document of this API, generated at start from the route table
 * and the zod schemas that validate requests.
 */
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { buildOpenApiDocument } from '#shared/openapi/document.ts';
import { operations } from '#shared/openapi/operations.ts';
import { routes } from '#shared/routes.ts';

const document = buildOpenApiDocument({
  title: 'NY transfer hub',
  version: '1',
  routes,
  operations,
  isPublic: (route) => route.auth === 'public',
});
const body = jsonResponse(200, document, { 'cache-control': 'public, max-age=300' });

export const handler = httpHandler(async () => body);
