/**
 * Licensee profiles as the transfers read them, straight from the tenants' items in the hub table
 * (written by `shared/tenants`). Parsed, so that a change of shape fails loudly here.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { stateSystems } from '../domain/transfer/index.ts';
import { keys } from '../repositories/keys.ts';
import type { LicenseeDirectory, LicenseeProfile } from './use-cases.ts';

const profileItem = z.looseObject({
  id: z.string(),
  licenceNumber: z.string(),
  legalName: z.string(),
  dba: z.string().optional(),
  premisesAddress: z.object({ street: z.string(), unit: z.string().optional(), city: z.string(), state: z.string(), zip: z.string() }),
  phone: z.string(),
  stateSystem: z.looseObject({ adapter: z.enum(stateSystems) }),
  stateSystemAccess: z.enum(['active', 'lost']),
});

function toProfile(item: Record<string, unknown>): LicenseeProfile {
  const p = profileItem.parse(item);
  return {
    id: p.id,
    licenceNumber: p.licenceNumber,
    legalName: p.legalName,
    ...(p.dba ? { dba: p.dba } : {}),
    premisesAddress: p.premisesAddress,
    phone: p.phone,
    stateSystem: p.stateSystem.adapter,
    stateAccessLost: p.stateSystemAccess === 'lost',
  };
}

export function createLicenseeDirectory(client: DynamoDBDocumentClient, tableName: string): LicenseeDirectory {
  const get = async (licenseeId: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.licensee(licenseeId) }));
    return Item ? toProfile(Item) : undefined;
  };
  return {
    get,
    async findByLicenceNumber(licenceNumber) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.licenceNumber(licenceNumber.trim().toUpperCase()) }),
      );
      const licenseeId: unknown = Item?.['licenseeId'];
      return typeof licenseeId === 'string' ? get(licenseeId) : undefined;
    },
  };
}
