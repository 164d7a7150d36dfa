/**
 * GET /openapi.json: the OpenAPI 3.1 document of this API, generated from the route table and the
 * zod schemas that validate requests (when the function is bundled, see `document.prebuilt.ts`).
 */
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { openApiDocument } from '#shared/openapi/document.prebuilt.ts';

const body = jsonResponse(200, openApiDocument, { 'cache-control': 'public, max-age=300' });

export const handler = httpHandler(async () => body);
