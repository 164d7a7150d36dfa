/**
 * Local API Gateway: turns HTTP requests into HTTP API payload v2 events, routes them with the
 * shared route table and invokes the handler modules through the local Lambda runtime.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE } from '#shared/http/problem.ts';
import type { RouteDefinition } from '#shared/routes.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import { compileTemplates } from './path-templates.ts';
import type { TemplateMatch } from './path-templates.ts';

/** API Gateway's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type RouteMatch = TemplateMatch<RouteDefinition>;

export function compileRoutes(routes: readonly RouteDefinition[]): (method: string, path: string) => RouteMatch | undefined {
  return compileTemplates(routes, (route) => route.path);
}

const TEXT_CONTENT = /^(text\/|application\/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript))/i;

export function toHttpApiEvent(
  request: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer; sourceIp: string },
  match: RouteMatch,
  requestId: string,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = request.headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);

  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }

  const contentType = headers['content-type'] ?? '';
  const hasBody = request.body.length > 0;
  const isText = !contentType || TEXT_CONTENT.test(contentType);
  const routeKey = `${match.route.method} ${match.route.path}`;

  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: (headers['host'] ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: request.body.toString(isText ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: hasBody && !isText,
  };
}

/** API Gateway's reading of a payload v2 result: a bare value becomes a 200 JSON body. */
export function fromHttpApiResult(result: unknown): { status: number; headers: Record<string, string | string[]>; body: Buffer } {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const raw = structured.body ?? '';
  return {
    status: structured.statusCode ?? 200,
    headers,
    body: Buffer.from(raw, structured.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

/** The request as API Gateway shows it to a Lambda authorizer (payload v2). */
export function toAuthorizerEvent(event: APIGatewayProxyEventV2, identity: string): APIGatewayRequestAuthorizerEventV2 {
  const { accountId, apiId, stage, http } = event.requestContext;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:${accountId}:${apiId}/${stage}/${http.method}${event.rawPath}`,
    identitySource: [identity],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    cookies: event.cookies ?? [],
    headers: event.headers,
    ...(event.queryStringParameters ? { queryStringParameters: event.queryStringParameters } : {}),
    requestContext: event.requestContext,
    ...(event.pathParameters ? { pathParameters: event.pathParameters } : {}),
  };
}

function sendProblem(response: ServerResponse, status: number, code: string, title: string, requestId: string): void {
  response.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'apigw-requestid': requestId });
  response.end(JSON.stringify({ type: `/problems/${code}`, title, status, code }));
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export interface LocalApi {
  readonly url: string;
  stop(): Promise<void>;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function startLocalApi(options: {
  port: number;
  routes: readonly RouteDefinition[];
  runtime: LocalLambdaRuntime;
  /** The function that authorizes `licensee` routes; invoked on every request, without a cache. */
  authorizer?: string;
  /** The bearer token of `operator` routes (in AWS: IAM). Without one, operator routes are refused. */
  operatorToken?: string;
  log?: (entry: Record<string, unknown>) => void;
}): Promise<LocalApi> {
  const match = compileRoutes(options.routes);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    try {
      const found = match(request.method ?? 'GET', new URL(request.url ?? '/', 'http://localhost').pathname);
      if (!found) {
        sendProblem(response, 404, 'route-not-found', 'No such route', requestId);
        return;
      }
      const body = await readBody(request);
      if (!body) {
        sendProblem(response, 413, 'payload-too-large', 'The request body exceeds 10 MB', requestId);
        return;
      }

      let event = toHttpApiEvent(
        {
          method: request.method ?? 'GET',
          url: request.url ?? '/',
          headers: request.headers,
          body,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        },
        found,
        requestId,
      );
      if (found.route.auth === 'operator') {
        const token = /^Bearer (.+)$/.exec(event.headers['authorization']?.trim() ?? '')?.[1];
        if (!options.operatorToken || !token || !safeEqual(token, options.operatorToken)) {
          sendProblem(response, 403, 'forbidden', 'Operator routes need the operator token of .local/run.json', requestId);
          return;
        }
      }
      if (found.route.auth === 'licensee') {
        if (!options.authorizer) throw new Error(`${event.routeKey} needs an authorizer and none is configured`);
        // As API Gateway: 401 without the identity source, 403 when the authorizer refuses.
        const identity = event.headers['authorization']?.trim();
        if (!identity) {
          sendProblem(response, 401, 'unauthorized', 'A valid API key is required: send Authorization: Bearer <api key>', requestId);
          return;
        }
        const decision = (await options.runtime.invoke(options.authorizer, toAuthorizerEvent(event, identity), requestId)) as {
          isAuthorized?: unknown;
          context?: unknown;
        };
        if (decision.isAuthorized !== true) {
          sendProblem(response, 403, 'forbidden', 'The API key is not valid or has been revoked', requestId);
          return;
        }
        event = { ...event, requestContext: { ...event.requestContext, authorizer: { lambda: decision.context } } } as APIGatewayProxyEventV2;
      }
      const started = performance.now();
      const result = fromHttpApiResult(await options.runtime.invoke(found.route.function, event, requestId));
      options.log?.({ requestId, routeKey: event.routeKey, status: result.status, ms: Math.round(performance.now() - started) });
      response.writeHead(result.status, { ...result.headers, 'apigw-requestid': requestId });
      response.end(result.body);
    } catch (error) {
      // What API Gateway answers when the function throws or times out.
      options.log?.({ requestId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      if (!response.headersSent) sendProblem(response, 500, 'internal-error', 'Internal error', requestId);
      else response.end();
    }
  };
  const server: Server = createServer((request, response) => void handle(request, response));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
