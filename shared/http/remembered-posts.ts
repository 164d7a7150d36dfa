/**
 * Powertools idempotency for the POSTs of a function (see `idempotency.ts`): a retry with the same
 * key and body replays the first answer without acting again; the same key with another body is
 * refused (422). Imported with the first POST that carries an Idempotency-Key, so a cold start that
 * answers anything else never reads Powertools idempotency.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { IdempotencyDeps } from './idempotency.ts';
import { carriesIdempotencyKey } from './idempotency-key.ts';
import { HttpProblem } from './problem.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** How long a key is remembered: a client retrying after a day is sending a new request. */
const KEY_TTL_SECONDS = 24 * 60 * 60;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Server failures are not remembered: the client's retry must get a real second attempt. */
class ServerFailure extends Error {
  readonly response: APIGatewayProxyStructuredResultV2;
  constructor(response: APIGatewayProxyStructuredResultV2) {
    super('server failure');
    this.response = response;
  }
}

export function idempotentPosts(handler: Handler, deps: IdempotencyDeps): Handler {
  const config = new IdempotencyConfig({
    // No header, no key: the `&&` yields null and Powertools lets the request through untouched.
    eventKeyJmesPath:
      'headers."idempotency-key" && [requestContext.authorizer.lambda.licenseeId, routeKey, rawPath, headers."idempotency-key"]',
    payloadValidationJmesPath: 'body',
    throwOnNoIdempotencyKey: false,
    expiresAfterSeconds: KEY_TTL_SECONDS,
    responseHook: (response) => {
      const replayed = response as APIGatewayProxyStructuredResultV2;
      return { ...replayed, headers: { ...replayed.headers, 'idempotent-replayed': 'true' } };
    },
  });
  const remembered = makeIdempotent(
    async (event: APIGatewayProxyEventV2, context: Context) => {
      const response = await handler(event, context);
      if ((response.statusCode ?? 200) >= 500) throw new ServerFailure(response);
      return response;
    },
    { persistenceStore: new DynamoDBPersistenceLayer({ tableName: deps.tableName, awsSdkV3Client: deps.client }), config },
  );

  return async (event, context) => {
    const key = event.headers['idempotency-key'];
    if (!carriesIdempotencyKey(event) || key === undefined) return handler(event, context);
    if (!KEY_PATTERN.test(key)) {
      throw new HttpProblem({
        status: 400,
        code: 'invalid-idempotency-key',
        title: 'The Idempotency-Key header is not valid',
        detail: 'Use 1 to 255 visible ASCII characters, e.g. a UUID.',
      });
    }
    config.registerLambdaContext(context);
    try {
      return await remembered(event, context);
    } catch (error) {
      if (error instanceof ServerFailure) return error.response;
      if (error instanceof IdempotencyValidationError) {
        throw new HttpProblem({
          status: 422,
          code: 'idempotency-key-reused',
          title: 'This Idempotency-Key was used with another request body',
          detail: 'Use a new key for a new request.',
        });
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new HttpProblem({
          status: 409,
          code: 'request-in-progress',
          title: 'A request with this Idempotency-Key is still being processed',
          detail: 'Retry in a moment to get its answer.',
        });
      }
      throw error;
    }
  };
}
