/**
 * The Metrc routes of metrc.md §3: method + template, what the route takes (licenseNumber, window,
 * paging, an array body), which permissions serve it (any of them), and a handler that makes one
 * model call and shapes the answer. HTTP, auth, paging and windows are the server's.
 */
import type * as z from 'zod';
import type { MetrcConfig } from './config.ts';
import { badRequest, unauthorized } from './errors.ts';
import { ADJUST_REASONS, SHIPMENT_PACKAGE_STATES, UNITS_OF_MEASURE } from './model.ts';
import type { Delivery, Facility, MetrcModel, Transfer, UserKey } from './model.ts';
import { manifestPdf } from './pdf.ts';
import {
  adjustSchema,
  driverCreateSchema,
  driverUpdateSchema,
  externalCreateSchema,
  externalUpdateSchema,
  templateCreateSchema,
  templateUpdateSchema,
  vehicleCreateSchema,
  vehicleUpdateSchema,
} from './requests.ts';
import type {
  AdjustInput,
  DriverInput,
  DriverUpdateInput,
  ExternalInput,
  ExternalUpdateInput,
  TemplateInput,
  TemplateUpdateInput,
  VehicleInput,
  VehicleUpdateInput,
} from './requests.ts';
import type { Permission } from './seed.ts';
import {
  deliveryPackageShape,
  deliveryShape,
  driverShape,
  facilityShape,
  packageShape,
  templateShape,
  transferredShape,
  transferShape,
  transferTypeShape,
  transporterDetailShapes,
  vehicleShape,
} from './shapes.ts';

export interface RouteContext {
  readonly model: MetrcModel;
  readonly config: MetrcConfig;
  readonly user: UserKey;
  /** The facility named by `licenseNumber`, already checked against the key and the route's permissions. */
  readonly facility: Facility | undefined;
  readonly params: Readonly<Record<string, string>>;
  /** The validated array body of a write route. */
  readonly rows: readonly unknown[];
  /** Whether the key may use this route for that facility (a grant there with one of the route's permissions). */
  allowedAt(license: string): boolean;
}

export interface Row {
  readonly row: Record<string, unknown>;
  readonly lastModifiedMs: number;
}

export type RouteAnswer =
  | { readonly status: number; readonly body?: unknown }
  /** A list: windowed and paged by the server as the route says. */
  | { readonly rows: readonly Row[] };

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly template: string;
  /** `required`: every call names a facility; `optional`: without one, all the key's facilities; `none`: a global lookup or a sub-resource. */
  readonly license: 'required' | 'optional' | 'none';
  readonly permissions: readonly Permission[];
  readonly paged?: boolean;
  readonly windowed?: boolean;
  /** The schema of one element of the array body. */
  readonly body?: z.ZodType;
  handle(context: RouteContext): RouteAnswer | Promise<RouteAnswer>;
}

const TRANSFERS: readonly Permission[] = ['Manage Transfers', 'View Transfers'];
const TEMPLATES: readonly Permission[] = ['Manage Transfer Templates', 'View Transfer Templates'];
const TRANSPORTERS: readonly Permission[] = ['Transporters', 'Manage Transporters'];

/** Numeric path ids; anything else is an id that does not exist, which NY production answers 401. */
function idParam(context: RouteContext, name = 'id'): number {
  const raw = context.params[name] ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw unauthorized();
  return Number(raw);
}

function facilityOf(context: RouteContext): Facility {
  if (!context.facility) throw badRequest('No license number was specified.');
  return context.facility;
}

const bare = (body: unknown): RouteAnswer => ({ status: 200, body });
const unstamped = (rows: readonly Record<string, unknown>[]): RouteAnswer => ({ rows: rows.map((row) => ({ row, lastModifiedMs: 0 })) });
const created = (ids: readonly number[]): RouteAnswer => ({ status: 200, body: { Ids: ids, Warnings: null } });
const done: RouteAnswer = { status: 200 };

/** A registered transfer the key may see, and which of its deliveries (all for the shipper, its own for a recipient). */
function visibleDeliveries(context: RouteContext, transfer: Transfer): Delivery[] {
  if (context.allowedAt(transfer.shipperLicense)) return transfer.deliveries;
  return transfer.deliveries.filter((d) => context.allowedAt(d.recipientLicense));
}

function deliveryFor(context: RouteContext): { transfer: Transfer; delivery: Delivery } {
  const found = context.model.deliveryById(idParam(context));
  if (!found || !visibleDeliveries(context, found.transfer).includes(found.delivery)) throw unauthorized();
  return found;
}

export const metrcRoutes: readonly Route[] = [
  // ---- lookups ----
  ...['/facilities/v2/', '/facilities/v2'].map(
    (template): Route => ({
      method: 'GET',
      template,
      license: 'none',
      permissions: [],
      handle: ({ model, user }) => bare([...user.grants.keys()].flatMap((license) => {
        const facility = model.facility(license);
        return facility ? [facilityShape(facility)] : [];
      })),
    }),
  ),
  { method: 'GET', template: '/unitsofmeasure/v2/active', license: 'none', permissions: [], handle: () => bare(UNITS_OF_MEASURE) },
  { method: 'GET', template: '/transfers/v2/deliveries/packages/states', license: 'none', permissions: [], handle: () => bare(SHIPMENT_PACKAGE_STATES) },
  {
    method: 'GET',
    template: '/transfers/v2/types',
    license: 'required',
    permissions: [],
    paged: true,
    handle: (context) => unstamped(facilityOf(context).transferTypes.map(transferTypeShape)),
  },

  // ---- packages ----
  {
    method: 'GET',
    template: '/packages/v2/{label}',
    license: 'optional',
    permissions: ['View Packages'],
    handle: (context) => {
      const label = context.params['label'] ?? '';
      if (context.facility) return { status: 200, body: packageShape(context.model.packageAt(context.facility.licenseNumber, label)) };
      // Without a licenseNumber Metrc checks the package against all of the user's facilities.
      for (const license of context.user.grants.keys()) {
        if (!context.allowedAt(license)) continue;
        try {
          return { status: 200, body: packageShape(context.model.packageAt(license, label)) };
        } catch {
          continue;
        }
      }
      throw unauthorized();
    },
  },
  ...(
    [
      ['/packages/v2/active', (m: MetrcModel, l: string) => m.activePackages(l)],
      ['/packages/v2/intransit', (m: MetrcModel, l: string) => m.inTransitPackages(l)],
    ] as const
  ).map(
    ([template, list]): Route => ({
      method: 'GET',
      template,
      license: 'required',
      permissions: ['View Packages'],
      paged: true,
      windowed: true,
      handle: (context) => ({ rows: list(context.model, facilityOf(context).licenseNumber).map((pkg) => ({ row: packageShape(pkg), lastModifiedMs: pkg.lastModifiedMs })) }),
    }),
  ),
  {
    method: 'GET',
    template: '/packages/v2/transferred',
    license: 'required',
    permissions: ['View Packages'],
    paged: true,
    windowed: true,
    handle: (context) => {
      const { model } = context;
      const rows = model
        .outgoing(facilityOf(context).licenseNumber)
        .filter((transfer) => !transfer.voided)
        .flatMap((transfer) => transfer.deliveries.flatMap((delivery) => delivery.packages.map((line) => ({ row: transferredShape(model, transfer, delivery, line), lastModifiedMs: transfer.lastModifiedMs }))));
      return { rows };
    },
  },
  {
    method: 'GET',
    template: '/packages/v2/adjust/reasons',
    license: 'required',
    permissions: [],
    paged: true,
    handle: () => unstamped(ADJUST_REASONS.map((reason) => ({ Name: reason.Name, RequiresNote: reason.RequiresNote, RequiresWasteWeight: false, RequiresImmatureWasteWeight: false, RequiresMatureWasteWeight: false }))),
  },
  {
    method: 'POST',
    template: '/packages/v2/adjust',
    license: 'required',
    permissions: ['Manage Packages Inventory'],
    body: adjustSchema,
    handle: (context) => created(context.model.adjust(facilityOf(context).licenseNumber, context.rows as AdjustInput[])),
  },

  // ---- drivers and vehicles ----
  {
    method: 'GET',
    template: '/transporters/v2/drivers',
    license: 'required',
    permissions: TRANSPORTERS,
    paged: true,
    handle: (context) => {
      const facility = facilityOf(context);
      return unstamped([...context.model.drivers.values()].filter((d) => d.facilityLicense === facility.licenseNumber && !d.archived).map((d) => driverShape(d, facility)));
    },
  },
  {
    method: 'GET',
    template: '/transporters/v2/drivers/{id}',
    license: 'required',
    permissions: TRANSPORTERS,
    handle: (context) => {
      const facility = facilityOf(context);
      return { status: 200, body: driverShape(context.model.driverAt(facility.licenseNumber, idParam(context)), facility) };
    },
  },
  { method: 'POST', template: '/transporters/v2/drivers', license: 'required', permissions: ['Manage Transporters'], body: driverCreateSchema, handle: (c) => created(c.model.createDrivers(facilityOf(c).licenseNumber, c.rows as DriverInput[])) },
  {
    method: 'PUT',
    template: '/transporters/v2/drivers',
    license: 'required',
    permissions: ['Manage Transporters'],
    body: driverUpdateSchema,
    handle: (c) => {
      c.model.updateDrivers(facilityOf(c).licenseNumber, c.rows as DriverUpdateInput[]);
      return done;
    },
  },
  {
    method: 'DELETE',
    template: '/transporters/v2/drivers/{id}',
    license: 'required',
    permissions: ['Manage Transporters'],
    handle: (c) => {
      c.model.archiveDriver(facilityOf(c).licenseNumber, idParam(c));
      return done;
    },
  },
  {
    method: 'GET',
    template: '/transporters/v2/vehicles',
    license: 'required',
    permissions: TRANSPORTERS,
    paged: true,
    handle: (context) => {
      const facility = facilityOf(context);
      return unstamped([...context.model.vehicles.values()].filter((v) => v.facilityLicense === facility.licenseNumber && !v.archived).map((v) => vehicleShape(v, facility)));
    },
  },
  {
    method: 'GET',
    template: '/transporters/v2/vehicles/{id}',
    license: 'required',
    permissions: TRANSPORTERS,
    handle: (context) => {
      const facility = facilityOf(context);
      return { status: 200, body: vehicleShape(context.model.vehicleAt(facility.licenseNumber, idParam(context)), facility) };
    },
  },
  { method: 'POST', template: '/transporters/v2/vehicles', license: 'required', permissions: ['Manage Transporters'], body: vehicleCreateSchema, handle: (c) => created(c.model.createVehicles(facilityOf(c).licenseNumber, c.rows as VehicleInput[])) },
  {
    method: 'PUT',
    template: '/transporters/v2/vehicles',
    license: 'required',
    permissions: ['Manage Transporters'],
    body: vehicleUpdateSchema,
    handle: (c) => {
      c.model.updateVehicles(facilityOf(c).licenseNumber, c.rows as VehicleUpdateInput[]);
      return done;
    },
  },
  {
    method: 'DELETE',
    template: '/transporters/v2/vehicles/{id}',
    license: 'required',
    permissions: ['Manage Transporters'],
    handle: (c) => {
      c.model.archiveVehicle(facilityOf(c).licenseNumber, idParam(c));
      return done;
    },
  },

  // ---- templates ----
  {
    method: 'POST',
    template: '/transfers/v2/templates/outgoing',
    license: 'required',
    permissions: ['Manage Transfer Templates'],
    body: templateCreateSchema,
    handle: (c) => created(c.model.createTemplates(facilityOf(c).licenseNumber, c.user, c.rows as TemplateInput[])),
  },
  {
    method: 'PUT',
    template: '/transfers/v2/templates/outgoing',
    license: 'required',
    permissions: ['Manage Transfer Templates'],
    body: templateUpdateSchema,
    handle: (c) => {
      c.model.updateTemplates(facilityOf(c).licenseNumber, c.rows as TemplateUpdateInput[]);
      return done;
    },
  },
  {
    method: 'DELETE',
    template: '/transfers/v2/templates/outgoing/{id}',
    license: 'required',
    permissions: ['Manage Transfer Templates'],
    handle: (c) => {
      c.model.archiveTemplate(facilityOf(c).licenseNumber, idParam(c));
      return done;
    },
  },
  {
    method: 'GET',
    template: '/transfers/v2/templates/outgoing',
    license: 'required',
    permissions: TEMPLATES,
    paged: true,
    windowed: true,
    handle: (c) => ({ rows: c.model.activeTemplates(facilityOf(c).licenseNumber).map((t) => ({ row: templateShape(c.model, t), lastModifiedMs: t.lastModifiedMs })) }),
  },
  {
    method: 'GET',
    template: '/transfers/v2/templates/outgoing/{id}/deliveries',
    license: 'none',
    permissions: TEMPLATES,
    paged: true,
    handle: (c) => {
      const template = c.model.templates.get(idParam(c));
      if (!template || template.archived || !c.allowedAt(template.licenseNumber)) throw unauthorized();
      return unstamped(template.deliveries.map((d, i) => deliveryShape(c.model, template.licenseNumber, d, i, null)));
    },
  },
  {
    method: 'GET',
    template: '/transfers/v2/templates/outgoing/deliveries/{id}/packages',
    license: 'none',
    permissions: TEMPLATES,
    paged: true,
    handle: (c) => {
      const found = c.model.templateDeliveryById(idParam(c));
      if (!found || !c.allowedAt(found.template.licenseNumber)) throw unauthorized();
      return unstamped(
        found.delivery.packages.flatMap((line) => {
          const pkg = c.model.packages.get(line.label);
          if (!pkg) return [];
          return [deliveryPackageShape(pkg, { state: 'Shipped', shippedQuantity: pkg.quantity, shippedUnit: pkg.unitOfMeasure, receivedQuantity: null, grossUnitOfWeightName: line.grossUnitOfWeightName })];
        }),
      );
    },
  },

  // ---- registered transfers ----
  {
    method: 'GET',
    template: '/transfers/v2/outgoing',
    license: 'required',
    permissions: TRANSFERS,
    paged: true,
    windowed: true,
    handle: (c) => ({ rows: c.model.outgoing(facilityOf(c).licenseNumber).map((t) => ({ row: transferShape(c.model, t), lastModifiedMs: t.lastModifiedMs })) }),
  },
  {
    method: 'GET',
    template: '/transfers/v2/incoming',
    license: 'required',
    permissions: TRANSFERS,
    paged: true,
    windowed: true,
    handle: (c) => ({ rows: c.model.incoming(facilityOf(c).licenseNumber).map(({ transfer, delivery }) => ({ row: transferShape(c.model, transfer, delivery), lastModifiedMs: transfer.lastModifiedMs })) }),
  },
  {
    method: 'GET',
    template: '/transfers/v2/rejected',
    license: 'required',
    permissions: TRANSFERS,
    paged: true,
    handle: (c) => ({ rows: c.model.rejected(facilityOf(c).licenseNumber).map(({ transfer, delivery }) => ({ row: transferShape(c.model, transfer, delivery), lastModifiedMs: transfer.lastModifiedMs })) }),
  },
  {
    method: 'GET',
    template: '/transfers/v2/{id}/deliveries',
    license: 'none',
    permissions: TRANSFERS,
    paged: true,
    handle: (c) => {
      const transfer = c.model.transfers.get(idParam(c));
      const deliveries = transfer ? visibleDeliveries(c, transfer) : [];
      if (!transfer || deliveries.length === 0) throw unauthorized();
      return unstamped(deliveries.map((d) => deliveryShape(c.model, transfer.shipperLicense, d, transfer.deliveries.indexOf(d), transfer.manifestNumber)));
    },
  },
  {
    method: 'GET',
    template: '/transfers/v2/deliveries/{id}/packages',
    license: 'none',
    permissions: TRANSFERS,
    paged: true,
    handle: (c) => {
      const { delivery } = deliveryFor(c);
      return unstamped(
        delivery.packages.flatMap((line) => {
          const pkg = c.model.packages.get(line.label);
          return pkg ? [deliveryPackageShape(pkg, line)] : [];
        }),
      );
    },
  },
  {
    method: 'GET',
    template: '/transfers/v2/deliveries/{id}/transporters/details',
    license: 'none',
    permissions: TRANSFERS,
    paged: true,
    handle: (c) => unstamped(transporterDetailShapes(deliveryFor(c).delivery)),
  },
  {
    method: 'GET',
    template: '/transfers/v2/manifest/{id}/pdf',
    license: 'required',
    permissions: TEMPLATES,
    handle: async (c) => {
      const license = facilityOf(c).licenseNumber;
      const transfer = c.model.transfers.get(idParam(c));
      if (!transfer || transfer.external || (transfer.shipperLicense !== license && !transfer.deliveries.some((d) => d.recipientLicense === license))) throw unauthorized();
      const bytes = await manifestPdf(c.model, transfer);
      return {
        status: 200,
        body: { FileContents: Buffer.from(bytes).toString('base64'), ContentType: 'application/octet-stream', FileDownloadName: `TransferManifestReport-${transfer.id}.pdf`, HttpStatusCode: 'OK' },
      };
    },
  },

  // ---- external incoming ----
  {
    method: 'POST',
    template: '/transfers/v2/external/incoming',
    license: 'required',
    permissions: ['Manage Transfers'],
    body: externalCreateSchema,
    handle: (c) => created(c.model.createExternal(facilityOf(c).licenseNumber, c.user, c.rows as ExternalInput[])),
  },
  {
    method: 'PUT',
    template: '/transfers/v2/external/incoming',
    license: 'required',
    permissions: ['Manage Transfers'],
    body: externalUpdateSchema,
    handle: (c) => {
      c.model.updateExternal(facilityOf(c).licenseNumber, c.user, c.rows as ExternalUpdateInput[]);
      return done;
    },
  },
  {
    method: 'DELETE',
    template: '/transfers/v2/external/incoming/{id}',
    license: 'required',
    permissions: ['Manage Transfers'],
    handle: (c) => {
      c.model.voidExternal(facilityOf(c).licenseNumber, idParam(c));
      return done;
    },
  },
];
