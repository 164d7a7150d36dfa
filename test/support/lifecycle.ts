/**
 * A transfer's life between the demo tenants over HTTP, step by step, for the state-system tests.
 */
import { expect } from 'vitest';
import type { DemoRole } from '#infra/local/seed.ts';
import { demoTenant, request } from './hub-api.ts';

export const call = (role: DemoRole, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(method, path, { apiKey: demoTenant(role).apiKey, ...(body === undefined ? {} : { body }), headers });

const items = (reply: { body: Record<string, unknown> }) => reply.body['items'] as Record<string, unknown>[];

/** A manifest-ready draft from the distributor to `receiver`, with these packages. */
export async function draftTo(receiver: DemoRole, tags: readonly string[], shipper: DemoRole = 'distributor', quantity = 10): Promise<string> {
  const partners = items(await call(shipper, 'GET', '/v1/partners?limit=100'));
  const partner = partners.find((p) => p['licenseNumber'] === demoTenant(receiver).licenseNumber);
  const driver = items(await call(shipper, 'GET', '/v1/drivers'))[0];
  const vehicle = items(await call(shipper, 'GET', '/v1/vehicles')).find((v) => v['conveyance'] === 'van');
  if (!partner || !driver || !vehicle) throw new Error(`The ${shipper} has no partner, driver or van for the ${receiver}`);
  const departure = new Date(Date.now() + 3_600_000);
  const created = await call(shipper, 'POST', '/v1/transfers', {
    type: 'wholesale',
    receiverPartnerId: partner['id'],
    invoiceNumbers: ['INV-7'],
    taxPayer: { taxPaid: true },
    driverIds: [driver['id']],
    vehicleId: vehicle['id'],
    estimatedDeparture: departure.toISOString(),
    estimatedArrival: new Date(departure.getTime() + 3_600_000).toISOString(),
    plannedRoute: 'I-90 W to exit 42',
    lines: tags.map((tag, i) => ({
      tag,
      productName: `Pre-roll pack ${i + 1}`,
      category: 'pre-roll',
      productionBatch: 'B-77',
      quantity,
      unit: 'each',
      unitPrice: 4.5,
      labTestStatus: 'passed',
      finishedGoods: true,
      sample: false,
    })),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body['id'] as string;
}

export async function step(role: DemoRole, id: string, action: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await call(role, 'POST', `/v1/transfers/${id}/${action}`, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

export interface SubmissionView {
  readonly id: string;
  readonly step: string;
  readonly sequence: number;
  readonly status: string;
  readonly attempts: number;
  readonly reportedBy: string;
  readonly blockedBy?: string;
  readonly lastError?: { readonly code: string; readonly message: string };
}

export async function submissions(role: DemoRole, id: string): Promise<SubmissionView[]> {
  const answer = await call(role, 'GET', `/v1/transfers/${id}/submissions`);
  expect(answer.status).toBe(200);
  return answer.body['items'] as SubmissionView[];
}
