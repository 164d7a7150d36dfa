/**
 * RFC 9457 problem details: the one shape every error leaves the API in.
 * `code` is stable and machine-readable; `type` is derived from it.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  /** Extension members, e.g. the failed checks of a health report or the fields of a validation error. */
  readonly [extension: string]: unknown;
}

/** An error that already knows the problem it must become. Thrown by use-cases and middleware. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly problem: ProblemDetails;

  constructor(problem: ProblemDetails) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
}

export function problemResponse(
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  const { status, code, title, detail, ...extensions } = problem;
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({
      type: `/problems/${code}`,
      title,
      status,
      code,
      ...(detail === undefined ? {} : { detail }),
      ...extensions,
    }),
  };
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
