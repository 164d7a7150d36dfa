/**
 * The `/v1` route table (ny-api.md §3): method + path template → handler. Handlers parse the body, call
 * one model operation and shape the answer; auth, sessions, replays and faults are the server's job.
 */
import type * as z from 'zod';
import type { AuthStore } from './auth.ts';
import type { EmulatorClock } from './clock.ts';
import { ok } from './model.ts';
import type { ApiError, InventoryLot, Manifest, NyModel, Outcome } from './model.ts';
import {
  emptySchema,
  employeeSchema,
  employeeUpdateSchema,
  externalIdOnlySchema,
  intakeSchema,
  invoiceSchema,
  loginSchema,
  manifestSchema,
  manifestUpdateSchema,
  missingIsRequired,
  receiveSchema,
  shipSchema,
  vehicleSchema,
  validationDetails,
  validationFailure,
  vehicleUpdateSchema,
} from './requests.ts';
import type { ValidationDetail } from './requests.ts';
import {
  employeeShape,
  inventoryList,
  inventoryShape,
  invoiceShape,
  manifestShape,
  syncShape,
  TRANSFER_RULES,
  transferShape,
  UNITS_OF_MEASURE,
  userShape,
  vehicleShape,
  vendorShape,
} from './shapes.ts';

/** Everything a reset replaces at once. */
export interface World {
  readonly clock: EmulatorClock;
  readonly model: NyModel;
  readonly auth: AuthStore;
}

export interface ApiRequest {
  /** The acting license: the one the access token was granted for. */
  readonly license: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export type ApiAnswer =
  | { readonly status: number; readonly body: unknown; readonly transactionId?: number; readonly user?: string }
  | { readonly error: ApiError };

/** Object types whose creating write is replayed by ExternalID (ny-api.md §5). */
export type ReplayKind = 'employee' | 'vehicle' | 'invoice' | 'manifest' | 'ship' | 'receive' | 'intake';

/** List routes page with `cursor` and `limit`; some narrow by `ExternalID` too (how a lost answer is found again). */
export type QueryParameter = 'cursor' | 'limit' | 'ExternalID';
const PAGING: readonly QueryParameter[] = ['cursor', 'limit'];
const PAGING_BY_EXTERNAL_ID: readonly QueryParameter[] = [...PAGING, 'ExternalID'];

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly template: string;
  /** The query parameters the route reads; the server refuses any other. */
  readonly query?: readonly QueryParameter[];
  /** Login opens a user session; every other route needs one. */
  readonly opensSession?: true;
  readonly replay?: ReplayKind;
  readonly handle: (world: World, request: ApiRequest) => ApiAnswer;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

function parse<S extends z.ZodType>(schema: S, body: unknown): Outcome<z.output<S>> {
  const result = schema.safeParse(body ?? {}, missingIsRequired);
  return result.success ? ok(result.data) : { ok: false, error: validationFailure(validationDetails(result.error)) };
}

function numericParam(request: ApiRequest, name: string): number | undefined {
  const raw = request.params[name] ?? '';
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function answer<T>(outcome: Outcome<T>, build: (value: T) => ApiAnswer): ApiAnswer {
  return outcome.ok ? build(outcome.value) : { error: outcome.error };
}

/** A write's answer: the body plus `SessionTime` and the `TransactionID` the write was stamped with. */
function written(world: World, body: Record<string, unknown>): ApiAnswer {
  const transactionId = world.model.lastTransactionId;
  return { status: 200, body: { ...body, SessionTime: world.clock.sessionTime(), TransactionID: transactionId }, transactionId };
}

/** Lists page with an offset `cursor` and `limit` (at most 1000); NextCursor is 0 when exhausted. */
function paged<T>(request: ApiRequest, items: readonly T[]): Outcome<{ page: T[]; NextCursor: number }> {
  const cursorRaw = request.query.get('cursor') ?? '0';
  const limitRaw = request.query.get('limit') ?? String(DEFAULT_PAGE);
  const details: ValidationDetail[] = [];
  if (!/^\d+$/.test(cursorRaw)) details.push({ path: 'cursor', message: 'cursor must be a non-negative integer' });
  if (!/^\d+$/.test(limitRaw) || Number(limitRaw) === 0) details.push({ path: 'limit', message: 'limit must be a positive integer' });
  if (details.length) return { ok: false, error: validationFailure(details) };
  const cursor = Number(cursorRaw);
  const limit = Math.min(Number(limitRaw), MAX_PAGE);
  return ok({ page: items.slice(cursor, cursor + limit), NextCursor: cursor + limit < items.length ? cursor + limit : 0 });
}

/** A route whose body carries nothing the handler reads (arrive, undo, void, delete), checked all the same. */
function bodyOf(schema: z.ZodType, handle: ApiRoute['handle']): ApiRoute['handle'] {
  return (world, request) => answer(parse(schema, request.body), () => handle(world, request));
}

function list<T>(world: World, request: ApiRequest, name: string, items: readonly T[], shape: (item: T) => unknown, extra: Record<string, unknown> = {}): ApiAnswer {
  return answer(paged(request, items), ({ page, NextCursor }) => ({
    status: 200,
    body: { [name]: page.map(shape), NextCursor, NextTransactionID: world.model.lastTransactionId + 1, ...extra },
  }));
}

/** `?ExternalID=` narrows a list to the caller's matching objects. */
function byExternalId<T extends { readonly ExternalID?: string | undefined }>(items: readonly T[], request: ApiRequest): T[] {
  const externalId = request.query.get('ExternalID');
  return externalId === null ? [...items] : items.filter((item) => item.ExternalID === externalId);
}

function manifestInventory(model: NyModel, manifest: Manifest): InventoryLot[] {
  return manifest.Stops.flatMap((stop) => stop.Items)
    .map((item) => model.lot(manifest.LocationLicense, item.InventoryID))
    .filter((lot) => lot !== undefined);
}

function header(request: ApiRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const notFound = (what: string, id: string | undefined): ApiAnswer => ({ error: { code: 'NOT_FOUND', message: `${what} ${id ?? ''} not found`, details: { ID: id } } });

export const apiRoutes: readonly ApiRoute[] = [
  // ---- Users and attribution ----
  {
    method: 'POST',
    template: '/v1/user/login',
    opensSession: true,
    handle: (world, request) => {
      const licensee = world.model.licensees.get(request.license);
      if (!licensee || header(request, 'x-license') !== licensee.LocationLicense || header(request, 'x-ubi') !== licensee.UBI) {
        return { error: { code: 'FORBIDDEN', message: 'X-License and X-Ubi must name the license the access token was granted for' } };
      }
      const input = parse(loginSchema, request.body);
      if (!input.ok) return { error: input.error };
      const user = licensee.users.get(input.value.Username);
      if (user?.Password !== input.value.Password) return { error: { code: 'UNAUTHORIZED', message: 'Wrong username or password' } };
      return { status: 200, body: world.auth.openSession(request.license, user.Username), user: user.Username };
    },
  },
  {
    method: 'GET',
    template: '/v1/user',
    query: PAGING,
    handle: (world, request) => {
      const licensee = world.model.licensees.get(request.license);
      return list(world, request, 'User', licensee ? userShape(licensee) : [], (user) => user);
    },
  },

  // ---- Directory and inventory ----
  {
    method: 'GET',
    template: '/v1/vendor',
    query: PAGING,
    handle: (world, request) => list(world, request, 'Vendor', [...world.model.licensees.values()], vendorShape),
  },
  {
    method: 'GET',
    template: '/v1/vendor/{id}',
    handle: (world, request) => {
      const id = numericParam(request, 'id');
      const vendor = id === undefined ? undefined : world.model.vendorById(id);
      return vendor ? { status: 200, body: { Vendor: vendorShape(vendor) } } : notFound('Vendor', request.params['id']);
    },
  },
  {
    method: 'GET',
    template: '/v1/inventory',
    query: PAGING,
    handle: (world, request) =>
      list(world, request, 'Inventory', world.model.inventoryOf(request.license), (lot) => inventoryShape(lot, world.clock.sessionTime())),
  },
  {
    method: 'GET',
    template: '/v1/inventory/{id}',
    handle: (world, request) => {
      const lot = world.model.lot(request.license, request.params['id'] ?? '');
      return lot ? { status: 200, body: { Inventory: inventoryShape(lot, world.clock.sessionTime()) } } : notFound('Inventory', request.params['id']);
    },
  },

  // ---- Drivers ----
  {
    method: 'GET',
    template: '/v1/employee',
    query: PAGING_BY_EXTERNAL_ID,
    handle: (world, request) => {
      const own = [...world.model.employees.values()].filter((e) => e.LocationLicense === request.license);
      return list(world, request, 'Employee', byExternalId(own, request), employeeShape);
    },
  },
  {
    method: 'POST',
    template: '/v1/employee',
    replay: 'employee',
    handle: (world, request) =>
      answer(parse(employeeSchema, request.body), (input) => written(world, { Employee: employeeShape(world.model.createEmployee(request.license, input)) })),
  },
  {
    method: 'GET',
    template: '/v1/employee/{id}',
    handle: (world, request) => {
      const id = numericParam(request, 'id') ?? 0;
      // Recorded shape: the employee itself, not wrapped.
      return answer(world.model.owned(world.model.employees.get(id), request.license, 'Employee', id), (employee) => ({ status: 200, body: employeeShape(employee) }));
    },
  },
  {
    method: 'PUT',
    template: '/v1/employee/{id}',
    handle: (world, request) =>
      answer(parse(employeeUpdateSchema, request.body), (input) =>
        answer(world.model.updateEmployee(request.license, numericParam(request, 'id') ?? 0, input), (employee) =>
          written(world, { Employee: employeeShape(employee) }),
        ),
      ),
  },
  {
    method: 'DELETE',
    template: '/v1/employee/{id}',
    handle: bodyOf(emptySchema, (world, request) =>
      answer(world.model.deleteEmployee(request.license, numericParam(request, 'id') ?? 0), (employee) => written(world, { Employee: employeeShape(employee) })),
    ),
  },

  // ---- Vehicles ----
  {
    method: 'GET',
    template: '/v1/vehicle',
    query: PAGING_BY_EXTERNAL_ID,
    handle: (world, request) => {
      const own = [...world.model.vehicles.values()].filter((v) => v.LocationLicense === request.license);
      // The recorded vehicle list spells its cursor `nextCursor`: answer both spellings.
      return answer(paged(request, byExternalId(own, request)), ({ page, NextCursor }) => ({
        status: 200,
        body: { Vehicle: page.map(vehicleShape), NextCursor, nextCursor: NextCursor, NextTransactionID: world.model.lastTransactionId + 1 },
      }));
    },
  },
  {
    method: 'POST',
    template: '/v1/vehicle',
    replay: 'vehicle',
    handle: (world, request) =>
      answer(parse(vehicleSchema, request.body), (input) => written(world, { Vehicle: vehicleShape(world.model.createVehicle(request.license, input)) })),
  },
  {
    method: 'GET',
    template: '/v1/vehicle/{id}',
    handle: (world, request) => {
      const id = numericParam(request, 'id') ?? 0;
      return answer(world.model.owned(world.model.vehicles.get(id), request.license, 'Vehicle', id), (vehicle) => ({ status: 200, body: vehicleShape(vehicle) }));
    },
  },
  {
    method: 'PUT',
    template: '/v1/vehicle/{id}',
    handle: (world, request) =>
      answer(parse(vehicleUpdateSchema, request.body), (input) =>
        answer(world.model.updateVehicle(request.license, numericParam(request, 'id') ?? 0, input), (vehicle) => written(world, { Vehicle: vehicleShape(vehicle) })),
      ),
  },
  {
    method: 'DELETE',
    template: '/v1/vehicle/{id}',
    handle: bodyOf(emptySchema, (world, request) =>
      answer(world.model.deleteVehicle(request.license, numericParam(request, 'id') ?? 0), (vehicle) => written(world, { Vehicle: vehicleShape(vehicle) })),
    ),
  },

  // ---- Invoices ----
  {
    method: 'GET',
    template: '/v1/invoice',
    query: PAGING_BY_EXTERNAL_ID,
    handle: (world, request) => {
      const own = [...world.model.invoices.values()].filter((i) => i.LocationLicense === request.license);
      return list(world, request, 'Invoice', byExternalId(own, request), (invoice) => invoiceShape(invoice, world.clock.sessionTime()));
    },
  },
  {
    method: 'POST',
    template: '/v1/invoice',
    replay: 'invoice',
    handle: (world, request) =>
      answer(parse(invoiceSchema, request.body), (input) =>
        answer(world.model.createInvoice(request.license, input), (invoice) =>
          // Recorded shape: a one-element Invoice list.
          written(world, { Invoice: [invoiceShape(invoice, world.clock.sessionTime())], NextCursor: 0, NextTransactionID: world.model.lastTransactionId + 1 }),
        ),
      ),
  },
  {
    method: 'GET',
    template: '/v1/invoice/{id}',
    handle: (world, request) => {
      const id = request.params['id'] ?? '';
      const invoice = world.model.invoices.get(id);
      if (!invoice) return notFound('Invoice', id);
      if (invoice.LocationLicense !== request.license && invoice.BuyerLocationLicense !== request.license) {
        return { error: { code: 'FORBIDDEN', message: `Invoice ${id} belongs to another license` } };
      }
      return { status: 200, body: { Invoice: invoiceShape(invoice, world.clock.sessionTime()) } };
    },
  },
  {
    method: 'PUT',
    template: '/v1/invoice/{id}/void',
    handle: bodyOf(externalIdOnlySchema, (world, request) =>
      answer(world.model.voidInvoice(request.license, request.params['id'] ?? ''), (invoice) => {
        const sessionTime = world.clock.sessionTime();
        const lots = invoice.Lines.map((line) => world.model.lot(invoice.LocationLicense, line.InventoryID)).filter((lot) => lot !== undefined);
        return written(world, { Invoice: invoiceShape(invoice, sessionTime), Inventory: inventoryList(lots, sessionTime) });
      }),
    ),
  },

  // ---- Manifests ----
  {
    method: 'GET',
    template: '/v1/manifest',
    query: PAGING_BY_EXTERNAL_ID,
    handle: (world, request) => {
      const own = [...world.model.manifests.values()].filter((m) => m.LocationLicense === request.license);
      return list(world, request, 'Manifest', byExternalId(own, request), (manifest) => manifestShape(world.model, manifest, world.clock.sessionTime()));
    },
  },
  {
    method: 'POST',
    template: '/v1/manifest',
    replay: 'manifest',
    handle: (world, request) => answer(parse(manifestSchema, request.body), (input) => manifestAnswer(world, world.model.createManifest(request.license, input))),
  },
  {
    method: 'GET',
    template: '/v1/manifest/{id}',
    handle: (world, request) =>
      answer(world.model.visibleManifest(request.license, request.params['id'] ?? ''), (manifest) => {
        const sessionTime = world.clock.sessionTime();
        return {
          status: 200,
          body: {
            Manifest: manifestShape(world.model, manifest, sessionTime),
            Inventory: inventoryList(manifestInventory(world.model, manifest), sessionTime),
            SessionTime: sessionTime,
            TransactionID: manifest.TransactionID,
          },
        };
      }),
  },
  {
    method: 'PUT',
    template: '/v1/manifest/{id}',
    handle: (world, request) =>
      answer(parse(manifestUpdateSchema, request.body), (input) =>
        manifestAnswer(world, world.model.updateManifest(request.license, request.params['id'] ?? '', input)),
      ),
  },
  {
    method: 'PUT',
    template: '/v1/manifest/{id}/void',
    handle: bodyOf(externalIdOnlySchema, (world, request) =>
      answer(world.model.voidManifest(request.license, request.params['id'] ?? ''), ({ manifest, inventory }) => {
        const sessionTime = world.clock.sessionTime();
        return written(world, {
          Manifest: manifestShape(world.model, manifest, sessionTime),
          Inventory: inventoryList([...manifestInventory(world.model, manifest), ...inventory], sessionTime),
        });
      }),
    ),
  },
  {
    method: 'PUT',
    template: '/v1/manifest/{id}/stop/{stopnumber}/arrive',
    handle: bodyOf(externalIdOnlySchema, (world, request) =>
      answer(world.model.arrive(request.license, request.params['id'] ?? '', numericParam(request, 'stopnumber') ?? 0), (manifest) =>
        written(world, { Manifest: manifestShape(world.model, manifest, world.clock.sessionTime()) }),
      ),
    ),
  },
  {
    method: 'PUT',
    template: '/v1/manifest/{id}/stop/{stopnumber}/arrive/undo',
    handle: bodyOf(externalIdOnlySchema, (world, request) =>
      answer(world.model.undoArrival(request.license, request.params['id'] ?? '', numericParam(request, 'stopnumber') ?? 0), (manifest) =>
        written(world, { Manifest: manifestShape(world.model, manifest, world.clock.sessionTime()) }),
      ),
    ),
  },

  // ---- Inventory transfers ----
  {
    method: 'POST',
    template: '/v1/inventory/transfer',
    replay: 'ship',
    handle: (world, request) =>
      answer(parse(shipSchema, request.body), (input) =>
        answer(world.model.ship(request.license, input), ({ manifest, transfers, inventory }) => {
          const sessionTime = world.clock.sessionTime();
          return written(world, {
            InventoryTransfer: transfers.map((transfer) => transferShape(world.model, transfer, sessionTime)),
            Inventory: inventoryList(inventory, sessionTime),
            Manifest: manifestShape(world.model, manifest, sessionTime),
          });
        }),
      ),
  },
  {
    method: 'GET',
    template: '/v1/inventory/transfer',
    query: PAGING_BY_EXTERNAL_ID,
    handle: (world, request) => {
      const outbound = [...world.model.transfers.values()].filter((t) => t.OutboundLicense === request.license);
      return list(world, request, 'InventoryTransfer', byExternalId(outbound, request), (t) => transferShape(world.model, t, world.clock.sessionTime()));
    },
  },
  {
    method: 'GET',
    template: '/v1/inventory/transfer/inbound',
    query: PAGING_BY_EXTERNAL_ID,
    handle: (world, request) => {
      const inbound = [...world.model.transfers.values()].filter((t) => t.InboundLicense === request.license);
      const sessionTime = world.clock.sessionTime();
      return list(world, request, 'InventoryTransfer', byExternalId(inbound, request), (t) => transferShape(world.model, t, sessionTime), {
        SessionTime: sessionTime,
      });
    },
  },
  {
    // [inferred] Not in the contract: a receiver records a transfer that came with a paper manifest (see the README).
    method: 'POST',
    template: '/v1/inventory/transfer/inbound',
    replay: 'intake',
    handle: (world, request) =>
      answer(parse(intakeSchema, request.body), (input) =>
        answer(world.model.intake(request.license, input), ({ transfer, inventory }) => {
          const sessionTime = world.clock.sessionTime();
          return written(world, { InventoryTransfer: transferShape(world.model, transfer, sessionTime), Inventory: inventoryList(inventory, sessionTime) });
        }),
      ),
  },
  {
    method: 'GET',
    template: '/v1/inventory/transfer/inbound/{id}',
    handle: (world, request) => {
      const id = numericParam(request, 'id') ?? 0;
      const transfer = world.model.transfers.get(id);
      if (!transfer) return notFound('Inventory transfer', request.params['id']);
      if (transfer.InboundLicense !== request.license) return { error: { code: 'NOT_RECEIVER', message: `Inventory transfer ${id} is not addressed to ${request.license}` } };
      return { status: 200, body: { InventoryTransfer: transferShape(world.model, transfer, world.clock.sessionTime()) } };
    },
  },
  {
    method: 'GET',
    template: '/v1/inventory/transfer/rejected',
    query: PAGING,
    handle: (world, request) => {
      const rejected = [...world.model.transfers.values()].filter((t) => t.OutboundLicense === request.license && t.IsRejected);
      const sessionTime = world.clock.sessionTime();
      return list(world, request, 'InventoryTransfer', rejected, (t) => transferShape(world.model, t, sessionTime), { SessionTime: sessionTime });
    },
  },
  {
    method: 'GET',
    template: '/v1/inventory/transfer/rules',
    query: PAGING,
    // Recorded shape: TransferRule and NextCursor only.
    handle: (_world, request) => answer(paged(request, TRANSFER_RULES), ({ page, NextCursor }) => ({ status: 200, body: { TransferRule: page, NextCursor } })),
  },
  {
    method: 'GET',
    template: '/v1/inventory/transfer/{id}',
    handle: (world, request) =>
      answer(world.model.visibleTransfer(request.license, numericParam(request, 'id') ?? 0), (transfer) => ({
        status: 200,
        body: { InventoryTransfer: transferShape(world.model, transfer, world.clock.sessionTime()) },
      })),
  },
  {
    method: 'PUT',
    template: '/v1/inventory/transfer/{id}/receive',
    replay: 'receive',
    handle: (world, request) =>
      answer(parse(receiveSchema, request.body), (input) =>
        answer(world.model.receive(request.license, numericParam(request, 'id') ?? 0, input), ({ transfer, manifest, inventory }) => {
          const sessionTime = world.clock.sessionTime();
          return written(world, {
            InventoryTransfer: transferShape(world.model, transfer, sessionTime),
            Inventory: inventoryList(inventory, sessionTime),
            Manifest: manifestShape(world.model, manifest, sessionTime),
          });
        }),
      ),
  },
  {
    method: 'PUT',
    template: '/v1/inventory/transfer/{id}/void',
    handle: bodyOf(externalIdOnlySchema, (world, request) =>
      answer(world.model.voidTransfer(request.license, numericParam(request, 'id') ?? 0), ({ transfer, inventory }) => {
        const sessionTime = world.clock.sessionTime();
        return written(world, { InventoryTransfer: transferShape(world.model, transfer, sessionTime), Inventory: inventoryList(inventory, sessionTime) });
      }),
    ),
  },

  // ---- Reference data ----
  {
    method: 'GET',
    template: '/v1/sync',
    handle: (world, request) => ({ status: 200, body: { Sync: syncShape(world.model.sync(request.license)), SessionTime: world.clock.sessionTime() } }),
  },
  {
    method: 'GET',
    template: '/v1/uom',
    handle: () => ({ status: 200, body: { uom: UNITS_OF_MEASURE } }),
  },
];

function manifestAnswer(world: World, outcome: Outcome<Manifest>): ApiAnswer {
  return answer(outcome, (manifest) => {
    const sessionTime = world.clock.sessionTime();
    return written(world, {
      Manifest: manifestShape(world.model, manifest, sessionTime),
      Inventory: inventoryList(manifestInventory(world.model, manifest), sessionTime),
    });
  });
}
