/**
 * Calls to the test hub's API over HTTP, as a licensee's software would make them.
 */
import { inject } from 'vitest';
import type { DemoRole, DemoTenant } from '#infra/local/seed.ts';

export interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

export async function request(
  method: string,
  path: string,
  options: { apiKey?: string; authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const authorization = options.authorization ?? (options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await fetch(`${inject('hub').urls.api}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  };
}

export function demoTenant(role: DemoRole): DemoTenant {
  const tenant = inject('tenants').find((t) => t.role === role);
  if (!tenant) throw new Error(`The demo data has no ${role}`);
  return tenant;
}

/** A new key of a demo tenant, so that tests can revoke keys without touching the shared demo keys. */
export async function newKey(tenant: DemoTenant, label = 'test key'): Promise<{ id: string; apiKey: string }> {
  const created = await request('POST', '/v1/api-keys', { apiKey: tenant.apiKey, body: { label } });
  if (created.status !== 201) throw new Error(`Could not create a key: ${JSON.stringify(created.body)}`);
  return { id: created.body['id'] as string, apiKey: created.body['apiKey'] as string };
}
