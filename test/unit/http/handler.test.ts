import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { toProblemResponse } from '#shared/http/handler.ts';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from '#shared/http/problem.ts';

const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? '{}') as Record<string, unknown>;

describe('toProblemResponse', () => {
  it('keeps the status and code of a problem a use-case raised', () => {
    const response = toProblemResponse(
      new HttpProblem({ status: 409, code: 'invalid-state', title: 'Not allowed now', detail: 'The transfer is VOIDED', current: 'VOIDED' }),
    );

    expect(response.statusCode).toBe(409);
    expect(response.headers?.['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(bodyOf(response)).toEqual({
      type: '/problems/invalid-state',
      title: 'Not allowed now',
      status: 409,
      code: 'invalid-state',
      detail: 'The transfer is VOIDED',
      current: 'VOIDED',
    });
  });

  it('turns a validation error into a 422 that points at each field', () => {
    const result = z.object({ license: z.string(), quantity: z.number().positive() }).safeParse({ quantity: -1 });
    const response = toProblemResponse(result.error);

    expect(response.statusCode).toBe(422);
    const body = bodyOf(response);
    expect(body['code']).toBe('validation-failed');
    expect((body['errors'] as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/license', '/quantity']);
  });

  it('answers anything else with a bare 500 that carries no internals', () => {
    const response = toProblemResponse(new Error('password=hunter2 at Table.put'));

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(bodyOf(response)['code']).toBe('internal-error');
  });
});
