/**
 * The middy chain every HTTP function shares: normalized headers, Lambda context in the logs,
 * and one error → problem+json mapping (traces come from Lambda's active tracing, see
 * `shared/observability.ts`). A handler is this chain plus one use-case call.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../observability.ts';
import { ConflictError, ForbiddenError, InvalidCursorError, NotFoundError, RuleViolationError, StaleVersionError, VersionRequiredError } from '../errors.ts';
import type { IdempotencyDeps } from './idempotency.ts';
import { carriesIdempotencyKey } from './idempotency-key.ts';
import { withShownOnce } from './shown-once.ts';
import { HttpProblem, problemResponse } from './problem.ts';
import type { ProblemDetails } from './problem.ts';
import { fieldErrors, validationProblem } from './request.ts';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Maps anything thrown to a response. Client mistakes keep their 4xx; the rest is a bare 500. */
export function toProblemResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpProblem) return problemResponse(error.problem);
  if (error instanceof z.ZodError) return problemResponse(validationProblem(fieldErrors(error)).problem);
  const problem = domainProblem(error);
  if (problem) return problemResponse(problem);
  logger.error('Unhandled error', { error });
  return problemResponse({
    status: 500,
    code: 'internal-error',
    title: 'Internal error',
    detail: 'The hub could not complete the request. It has been logged; retrying may help.',
  });
}

function domainProblem(error: unknown): ProblemDetails | undefined {
  if (error instanceof NotFoundError) {
    return { status: 404, code: 'not-found', title: `No such ${error.entity}` };
  }
  if (error instanceof StaleVersionError) {
    return {
      status: 412,
      code: 'stale-version',
      title: 'The record has changed since you read it',
      detail: `If-Match does not name the current version (${error.currentVersion}). Read it again and retry.`,
      currentVersion: error.currentVersion,
    };
  }
  if (error instanceof VersionRequiredError) {
    return {
      status: 428,
      code: 'if-match-required',
      title: 'If-Match is required',
      detail: 'Send the ETag you last read in an If-Match header so that no change is lost.',
    };
  }
  if (error instanceof ConflictError) {
    return { status: 409, code: error.code, title: error.message, ...error.details };
  }
  if (error instanceof ForbiddenError) {
    return { status: 403, code: error.code, title: error.message };
  }
  if (error instanceof InvalidCursorError) {
    return { status: 400, code: 'invalid-cursor', title: 'The cursor is not valid', detail: 'Start again without a cursor.' };
  }
  if (error instanceof RuleViolationError) {
    return { status: 422, code: 'rule-violation', title: 'The request breaks a rule', detail: error.message, errors: error.errors };
  }
  return undefined;
}

export interface HttpHandlerOptions {
  /** Remember POST answers by `Idempotency-Key`. */
  readonly idempotency?: IdempotencyDeps;
}

/**
 * Powertools idempotency, imported with the first POST that carries an Idempotency-Key: the module
 * (and Powertools') is a chunk of its own, so a cold start that answers anything else never reads it.
 */
function idempotentOnDemand(handler: HttpHandler, deps: IdempotencyDeps): HttpHandler {
  let remembered: Promise<HttpHandler> | undefined;
  return async (event, context) => {
    if (!carriesIdempotencyKey(event)) return handler(event, context);
    remembered ??= import('./remembered-posts.ts').then(({ idempotentPosts }) => idempotentPosts(handler, deps));
    return (await remembered)(event, context);
  };
}

export function httpHandler(handler: HttpHandler, options: HttpHandlerOptions = {}) {
  // Errors become problem responses before idempotency sees them, so a 4xx answer is replayed as given.
  const answered: HttpHandler = async (event, context) => {
    try {
      return await handler(event, context);
    } catch (error) {
      return toProblemResponse(error);
    }
  };
  const core = options.idempotency ? idempotentOnDemand(answered, options.idempotency) : answered;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      try {
        return withShownOnce(event, await core(event, context));
      } catch (error) {
        return toProblemResponse(error);
      }
    });
}
