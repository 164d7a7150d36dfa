/**
 * Fields for the first answer only (a secret shown once), kept apart from the idempotency module so
 * that every HTTP function can add them without bundling Powertools idempotency.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const shownOnce = new WeakMap<APIGatewayProxyEventV2, Record<string, unknown>>();

/**
 * Fields for the first answer only: they are added to the JSON body after the answer has been
 * remembered, so a replay answers without them and no secret reaches the idempotency table.
 */
export function showOnce(event: APIGatewayProxyEventV2, fields: Record<string, unknown>): void {
  shownOnce.set(event, fields);
}

/** Adds what `showOnce` set aside, unless this answer is a replay. */
export function withShownOnce(event: APIGatewayProxyEventV2, response: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 {
  const fields = shownOnce.get(event);
  if (!fields || response.headers?.['idempotent-replayed'] === 'true' || response.body === undefined) return response;
  shownOnce.delete(event);
  return { ...response, body: JSON.stringify({ ...(JSON.parse(response.body) as Record<string, unknown>), ...fields }) };
}
