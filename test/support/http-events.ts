/**
 * Builds API Gateway HTTP API (payload v2) events for calling handlers in-process, with the
 * authorizer context a licensee's API key would produce.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Caller } from '#shared/http/caller.ts';

export interface RequestSpec {
  readonly caller?: Caller;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is. */
  readonly body?: unknown;
}

export function httpEvent(routeKey: string, path: string, spec: RequestSpec = {}): APIGatewayProxyEventV2 {
  const [method = 'GET'] = routeKey.split(' ');
  const body = spec.body === undefined ? undefined : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(spec.query ?? {}).toString(),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...spec.headers },
    ...(spec.query ? { queryStringParameters: spec.query } : {}),
    ...(spec.pathParameters ? { pathParameters: spec.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test',
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(spec.caller ? { authorizer: { lambda: spec.caller } } : {}),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export const lambdaContext = { functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as Context;

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  /** The body as sent, for answers that are not JSON (CSV, HTML). */
  readonly text: string;
}

/** Invokes a handler and reads its structured result. */
export async function call(
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>,
  event: APIGatewayProxyEventV2,
): Promise<Reply> {
  const result = await handler(event, lambdaContext);
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const text = result.body ?? '';
  const json = /json/.test(headers['content-type'] ?? 'application/json');
  return { status: result.statusCode ?? 200, headers, body: text && json ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}
