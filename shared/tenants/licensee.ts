/**
 * Licensees (the hub's tenants) and their API keys as records. Pure: no I/O.
 */
import type * as z from 'zod';
import { licenseTypeName, parseLicenseNumber } from './license.ts';
import type { LicenseNumberWarning } from './license.ts';
import type { licenseeRegistrationSchema } from './schemas.ts';

type Registration = z.output<typeof licenseeRegistrationSchema>;

export interface Licensee extends Registration {
  readonly id: string;
  /** The type code of the license number (`DIST`, `CAURD`, ...). */
  readonly licenseType: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly licenseeId: string;
  readonly label: string;
  /** SHA-256 of the whole key; the key itself is never stored. */
  readonly secretHash: string;
  readonly createdAt: string;
  readonly createdByKeyId?: string;
  readonly revokedAt?: string;
  readonly revokedByKeyId?: string;
  readonly version: number;
}

export type ApiKeySummary = Omit<ApiKeyRecord, 'secretHash'>;

/** A new licensee from a validated registration, with what the license number warns about. */
export function newLicensee(
  registration: Registration,
  id: string,
  at: string,
): { licensee: Licensee; warnings: readonly LicenseNumberWarning[] } {
  const reading = parseLicenseNumber(registration.licenseNumber);
  // The schema has already refused anything that does not parse.
  if (!reading.ok) throw new Error(reading.message);
  return {
    licensee: { ...registration, id, licenseType: reading.license.type, version: 1, createdAt: at, updatedAt: at },
    warnings: reading.warnings,
  };
}

export const isIntegrated = (licensee: Pick<Licensee, 'stateSystem'>): boolean => licensee.stateSystem.adapter !== 'none';

/** What `GET /v1/me` shows. */
export function presentLicensee(licensee: Licensee, apiKeyId: string) {
  const name = licenseTypeName(licensee.licenseType);
  return {
    id: licensee.id,
    licenseNumber: licensee.licenseNumber,
    licenseType: licensee.licenseType,
    ...(name ? { licenseTypeName: name } : {}),
    legalName: licensee.legalName,
    ...(licensee.dba ? { dba: licensee.dba } : {}),
    premisesAddress: licensee.premisesAddress,
    phone: licensee.phone,
    stateSystem: licensee.stateSystem,
    stateSystemAccess: licensee.stateSystemAccess,
    integrated: isIntegrated(licensee),
    apiKeyId,
  };
}

export function presentApiKey(key: ApiKeySummary) {
  return {
    id: key.id,
    label: key.label,
    status: key.revokedAt === undefined ? ('active' as const) : ('revoked' as const),
    createdAt: key.createdAt,
    ...(key.createdByKeyId ? { createdByKeyId: key.createdByKeyId } : {}),
    ...(key.revokedAt ? { revokedAt: key.revokedAt } : {}),
    ...(key.revokedByKeyId ? { revokedByKeyId: key.revokedByKeyId } : {}),
  };
}

export type ApiKeyView = ReturnType<typeof presentApiKey>;
