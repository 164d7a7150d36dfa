/**
 * /v1/drivers, /v1/vehicles, /v1/partners: POST, GET list, GET/PUT/DELETE one. DELETE deactivates.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readConfig } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import type { IdempotencyDeps } from '#shared/http/idempotency.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { etagOf, ifMatchVersion, pathParameter, readJsonBody, readQuery } from '#shared/http/request.ts';
import type { RegistryRecord } from '#shared/registries/repository.ts';
import { registryBodies, registryListQuery } from '#shared/registries/schemas.ts';
import { stateLinkView } from '#shared/registries/state-link.ts';
import type { RegistryKind } from '#shared/registries/schemas.ts';
import type { RegistryDeps } from '#shared/registries/use-cases.ts';
import { addEntry, deactivateEntry, getEntry, listEntries, replaceEntry } from '#shared/registries/use-cases.ts';
import { registryDeps } from '#shared/wiring/registries.ts';

const kinds: Readonly<Record<string, RegistryKind>> = { drivers: 'driver', vehicles: 'vehicle', partners: 'partner' };

/** The representation clients see: the record's own fields first, then what they entered. */
export function present(record: RegistryRecord) {
  const { data, kind: _kind, licenseeId: _licenseeId, stateSystem, ...meta } = record;
  const link = stateLinkView(stateSystem);
  return { ...meta, ...data, ...(link ? { stateSystem: link } : {}) };
}

const one = (status: number, record: RegistryRecord, extra: Record<string, string> = {}) =>
  jsonResponse(status, present(record), { etag: etagOf(record.version), ...extra });

export function createHandler(deps: RegistryDeps & { readonly idempotency?: IdempotencyDeps }) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const caller = callerOf(event);
    const [method, path = ''] = event.routeKey.split(' ');
    const collection = path.split('/')[2] ?? '';
    const kind = kinds[collection];
    if (!kind) throw new Error(`Route ${event.routeKey} is not a registry route`);
    const isItem = path.endsWith('{id}');

    if (!isItem && method === 'POST') {
      const record = await addEntry(deps, caller, kind, readJsonBody(event, registryBodies[kind]));
      return one(201, record, { location: `/v1/${collection}/${record.id}` });
    }
    if (!isItem) {
      const query = readQuery(event, registryListQuery);
      const page = await listEntries(deps, caller, kind, query);
      return jsonResponse(200, { items: page.items.map(present), ...(page.cursor ? { cursor: page.cursor } : {}) });
    }
    const id = pathParameter(event, 'id');
    switch (method) {
      case 'GET':
        return one(200, await getEntry(deps, caller, kind, id));
      case 'PUT':
        return one(200, await replaceEntry(deps, caller, kind, id, readJsonBody(event, registryBodies[kind]), ifMatchVersion(event)));
      case 'DELETE':
        return one(200, await deactivateEntry(deps, caller, kind, id, ifMatchVersion(event)));
      default:
        throw new Error(`Route ${event.routeKey} is not a registry route`);
    }
  }, deps.idempotency ? { idempotency: deps.idempotency } : {});
}

export const handler = createHandler(registryDeps(readConfig()));
