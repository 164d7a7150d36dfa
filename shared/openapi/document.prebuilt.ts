/**
 * The hub's OpenAPI document, built from the route table and the schemas that validate requests.
 * Its value is fixed by the code alone, so a bundle carries it already built (`.prebuilt.ts`:
 * `infra/constructs/function-bundle.ts` evaluates the module while bundling and puts its exports in
 * as JSON): the OpenAPI function then neither bundles every schema of the API and the document
 * builder nor runs them at each cold start. From source (tests, local mode) it is built on import.
 */
import { routes } from '../routes.ts';
import { buildOpenApiDocument } from './document.ts';
import { operations } from './operations.ts';

export const openApiDocument = buildOpenApiDocument({
  title: 'NY transfer hub',
  version: '1',
  routes,
  operations,
  isPublic: (route) => route.auth === 'public',
});
