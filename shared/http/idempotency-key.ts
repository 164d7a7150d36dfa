/** Which requests idempotency applies to, apart from Powertools' so that every HTTP function may ask. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Only a POST with an Idempotency-Key is remembered; anything else goes straight to the handler. */
export const carriesIdempotencyKey = (event: APIGatewayProxyEventV2): boolean =>
  event.requestContext.http.method === 'POST' && event.headers['idempotency-key'] !== undefined;
