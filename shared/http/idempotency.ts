/**
 * `Idempotency-Key` on every POST, with Powertools idempotency and its own table
 * (`remembered-posts.ts`): a retry with the same key and body replays the first answer without acting
 * again; the same key with another body is refused (422). Keys are scoped to the caller and the
 * route, so tenants cannot collide. This module is what a function's wiring builds at start: where
 * the answers are kept. Powertools itself is imported with the first POST that carries a key.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { idempotencyTable } from '../resources.ts';

// The fields shown once live apart, so that functions without idempotency do not bundle Powertools'.
export { showOnce, withShownOnce } from './shown-once.ts';

/** Where a function's POSTs are remembered: the table, and the DynamoDB client Powertools writes it with. */
export interface IdempotencyDeps {
  readonly tableName: string;
  readonly client: DynamoDBClient;
}

/** The idempotency of a function's POSTs, on the hub's own idempotency table. */
export function hubIdempotency(config: HubConfig, client: DynamoDBClient): IdempotencyDeps {
  return { tableName: resourceName(config, idempotencyTable), client };
}
