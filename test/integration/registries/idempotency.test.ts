import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { handler } from '#functions/registries/handler.ts';
import type { Caller } from '#shared/http/caller.ts';
import { call, httpEvent } from '../../support/http-events.ts';

const driver = { name: 'Łukasz Nowak', employeeId: 'E-7', driversLicenseNumber: '987654321', phone: '518-555-0142' };
const tenant = (): Caller => ({ licenseeId: `test-${ulid()}`, apiKeyId: 'k' });

const post = (caller: Caller, body: unknown, key?: string) =>
  call(handler, httpEvent('POST /v1/drivers', '/v1/drivers', { caller, body, headers: key ? { 'idempotency-key': key } : {} }));
const count = async (caller: Caller) =>
  ((await call(handler, httpEvent('GET /v1/drivers', '/v1/drivers', { caller }))).body['items'] as unknown[]).length;

describe('Idempotency-Key on POST', () => {
  it('replays the first answer for a retry with the same key and body, acting once', async () => {
    const caller = tenant();
    const key = ulid();

    const first = await post(caller, driver, key);
    const retry = await post(caller, driver, key);

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await count(caller)).toBe(1);
  });

  it('refuses the same key with another body (422) and acts on nothing', async () => {
    const caller = tenant();
    const key = ulid();
    await post(caller, driver, key);

    const reused = await post(caller, { ...driver, name: 'Someone Else' }, key);

    expect(reused.status).toBe(422);
    expect(reused.body['code']).toBe('idempotency-key-reused');
    expect(await count(caller)).toBe(1);
  });

  it('scopes keys to the caller: two licensees using the same key each get their own record', async () => {
    const [a, b] = [tenant(), tenant()];
    const key = ulid();

    const fromA = await post(a, driver, key);
    const fromB = await post(b, driver, key);

    expect(fromB.status).toBe(201);
    expect(fromB.body['id']).not.toBe(fromA.body['id']);
  });

  it('acts every time when no key is sent, and refuses a malformed key', async () => {
    const caller = tenant();
    await post(caller, driver);
    await post(caller, driver);
    expect(await count(caller)).toBe(2);

    const bad = await post(caller, driver, 'spaces are not allowed');
    expect(bad.status).toBe(400);
    expect(bad.body['code']).toBe('invalid-idempotency-key');
  });

  it('replays a refusal too: a retried invalid request gets the same 422', async () => {
    const caller = tenant();
    const key = ulid();
    const invalid = { ...driver, phone: 'call me' };

    const first = await post(caller, invalid, key);
    const retry = await post(caller, invalid, key);

    expect(first.status).toBe(422);
    expect(retry.body).toEqual(first.body);
  });
});
