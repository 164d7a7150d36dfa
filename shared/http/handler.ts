/**
 * The middy chain every HTTP function shares: normalised headers, Lambda context in the logs,
 * tracing, and one error → problem+json mapping. A handler is this chain plus one use-case call.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { logger, tracer } from '../observability.ts';
import { HttpProblem, problemResponse } from './problem.ts';
import { fieldErrors, validationProblem } from './request.ts';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Maps anything thrown to a response. Client mistakes keep their 4xx; the rest is a bare 500. */
export function toProblemResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpProblem) return problemResponse(error.problem);
  if (error instanceof z.ZodError) return problemResponse(validationProblem(fieldErrors(error)).problem);
  logger.error('Unhandled error', { error });
  return problemResponse({
    status: 500,
    code: 'internal-error',
    title: 'Internal error',
    detail: 'The hub could not complete the request. It has been logged; retrying may help.',
  });
}

export function httpHandler(handler: HttpHandler) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .handler(async (event, context) => {
      try {
        return await handler(event, context);
      } catch (error) {
        return toProblemResponse(error);
      }
    });
}
