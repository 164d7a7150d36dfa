/**
 * Local API Gateway: turns HTTP requests into HTTP API payload v2 events, routes them with the
 * shared route table and invokes the handler modules through the local Lambda runtime.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { isUtf8 } from 'node:buffer';
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
/** RFC 6750's challenge of a request without credentials. */
const BEARER_CHALLENGE = 'Bearer realm="ny-transfer-hub"';
/** API Gateway HTTP API quota: the request line and the header values together, in bytes. */
const MAX_REQUEST_LINE_AND_HEADERS = 10_240;
/** Node's parser limit, above the quota, so that this server (not the parser) answers most oversized requests. */
const PARSER_MAX_HEADER_BYTES = 64 * 1024;

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
  // A text body that is not valid UTF-8 is passed on base64-encoded, as it came: decoding it here would replace bytes.
  const isText = (!contentType || TEXT_CONTENT.test(contentType)) && isUtf8(request.body);
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

const problemBody = (status: number, code: string, title: string) => JSON.stringify({ type: `/problems/${code}`, title, status, code });

function sendProblem(
  response: ServerResponse,
  status: number,
  code: string,
  title: string,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'apigw-requestid': requestId, ...headers });
  response.end(problemBody(status, code, title));
}

/**
 * The body, or `undefined` once it passes the limit. Past the limit the rest is read and dropped
 * (up to a bound), so that the answer is not lost to a reset: a socket closed with unread data
 * answers the client's next bytes with RST.
 */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 4 * MAX_BODY_BYTES) break;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

/** Bytes of the request line and header values, as API Gateway counts them against its quota. */
function requestLineBytes(request: IncomingMessage): number {
  return Buffer.byteLength(`${request.method ?? ''} ${request.url ?? ''} HTTP/${request.httpVersion}`);
}
function headerBytes(request: IncomingMessage): number {
  let bytes = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 1) bytes += Buffer.byteLength(request.rawHeaders[i] ?? '');
  return bytes;
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
      // API Gateway's quota on the request line and headers: a URL alone over it is 414, otherwise 431.
      const lineBytes = requestLineBytes(request);
      if (lineBytes > MAX_REQUEST_LINE_AND_HEADERS) {
        request.resume();
        sendProblem(response, 414, 'uri-too-long', 'The request URL is too long', requestId, { connection: 'close' });
        return;
      }
      if (lineBytes + headerBytes(request) > MAX_REQUEST_LINE_AND_HEADERS) {
        request.resume();
        sendProblem(response, 431, 'header-fields-too-large', 'The request headers are too large', requestId, { connection: 'close' });
        return;
      }
      const found = match(request.method ?? 'GET', new URL(request.url ?? '/', 'http://localhost').pathname);
      if (!found) {
        sendProblem(response, 404, 'route-not-found', 'No such route', requestId);
        return;
      }
      const declared = Number(request.headers['content-length'] ?? 0);
      const body = declared > 4 * MAX_BODY_BYTES ? undefined : await readBody(request);
      if (!body) {
        // The connection closes after the answer, cleanly: the client opens a new one for its next request.
        if (declared > 4 * MAX_BODY_BYTES) request.resume();
        sendProblem(response, 413, 'payload-too-large', 'The request body exceeds 10 MB', requestId, { connection: 'close' });
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
        // Locally the operator's credential is a bearer token: none at all is a 401 with its challenge.
        if (!event.headers['authorization']?.trim()) {
          sendProblem(response, 401, 'unauthorized', 'Operator routes need the operator token of .local/run.json', requestId, { 'www-authenticate': BEARER_CHALLENGE });
          return;
        }
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
          sendProblem(response, 401, 'unauthorized', 'A valid API key is required: send Authorization: Bearer <api key>', requestId, {
            'www-authenticate': BEARER_CHALLENGE,
          });
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
  const server: Server = createServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, (request, response) => void handle(request, response));
  // Beyond even the parser's limit Node would answer 431 with an empty body: answer with a problem instead.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const [status, code, title] =
      error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'header-fields-too-large', 'The request headers are too large'] : [400, 'bad-request', 'The request is not valid HTTP'];
    const body = problemBody(status, code, title);
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

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
