/**
 * The license's drivers and vehicles at Metrc (`/transporters/v2/drivers`, `/vehicles`, metrc.md §3):
 * listed page by page (the routes take no lastModified window), created and updated in arrays of
 * one. A create whose answer was lost is not retried here: the hub's next sync finds the row in the
 * list by its driver's license or plate and links it instead of creating it again.
 */
import * as z from 'zod';
import { StateSystemError } from '../port.ts';
import type { StateAccount } from '../port.ts';
import type { StateTransporter, StateTransporters, TransporterFields, TransporterKind } from '../transporters.ts';
import type { MetrcConnection } from './client.ts';
import * as schemas from './schemas.ts';

const word = z.string().nullish().transform((value) => value?.trim() ?? '');
const driverRow = z.looseObject({ Id: z.number().int(), Name: word, EmployeeId: word, DriversLicenseNumber: word, IsArchived: z.boolean().optional() });
const vehicleRow = z.looseObject({ Id: z.number().int(), Make: word, Model: word, LicensePlateNumber: word, IsArchived: z.boolean().optional() });

const PATHS = { driver: '/transporters/v2/drivers', vehicle: '/transporters/v2/vehicles' } as const;

function bodyOf<K extends TransporterKind>(kind: K, fields: TransporterFields[K]): Record<string, string> {
  if (kind === 'driver') {
    const driver = fields as TransporterFields['driver'];
    return { Name: driver.name, EmployeeId: driver.employeeId, DriversLicenseNumber: driver.driversLicenseNumber };
  }
  const vehicle = fields as TransporterFields['vehicle'];
  return { Make: vehicle.make, Model: vehicle.model, LicensePlateNumber: vehicle.plate };
}

export function metrcTransporters(connect: (account: StateAccount) => Promise<MetrcConnection>): StateTransporters {
  const at = (account: StateAccount) => ({ licenseNumber: account.stateLicenseNumber });
  return {
    async list<K extends TransporterKind>(account: StateAccount, kind: K): Promise<StateTransporter<K>[]> {
      const metrc = await connect(account);
      if (kind === 'driver') {
        const rows = await metrc.all(PATHS.driver, at(account), driverRow);
        return rows
          .filter((row) => row.IsArchived !== true)
          .map((row) => ({ ref: String(row.Id), fields: { name: row.Name, employeeId: row.EmployeeId, driversLicenseNumber: row.DriversLicenseNumber } as TransporterFields[K] }));
      }
      const rows = await metrc.all(PATHS.vehicle, at(account), vehicleRow);
      return rows
        .filter((row) => row.IsArchived !== true)
        .map((row) => ({ ref: String(row.Id), fields: { make: row.Make, model: row.Model, plate: row.LicensePlateNumber } as TransporterFields[K] }));
    },

    async create(account, kind, fields) {
      const metrc = await connect(account);
      const answer = await metrc.call({ method: 'POST', path: PATHS[kind], query: at(account), body: [bodyOf(kind, fields)] }, schemas.created);
      const id = answer.Ids[0];
      if (id === undefined) throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', `Metrc answered the new ${kind} without an id`);
      return String(id);
    },

    async update(account, kind, ref, fields) {
      const id = Number(ref);
      if (!Number.isInteger(id)) throw new StateSystemError('permanent', 'BAD_REF', `Not a Metrc ${kind} id: ${ref}`);
      const metrc = await connect(account);
      await metrc.call({ method: 'PUT', path: PATHS[kind], query: at(account), body: [{ Id: id, ...bodyOf(kind, fields) }] }, schemas.empty);
    },
  };
}
