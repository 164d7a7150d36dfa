/**
 * Metrc's refusals (metrc.md §1): 400 with `[{row, message}]` (row = index in the request array) or
 * `{Message}`, and 401 for everything from a bad key to an id that does not exist. The texts follow
 * Metrc's and ASP.NET Web API's wording where recorded ("… does not exist in the current Facility.",
 * "Authorization has been denied for this request."); the others are [inferred] in the same voice.
 */

export interface RowError {
  readonly row: number;
  readonly message: string;
}

export class MetrcFailure extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) {
    super(typeof body === 'object' && body !== null && 'Message' in body ? String(body.Message) : `HTTP ${status}`);
    this.name = 'MetrcFailure';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export const DENIED = 'Authorization has been denied for this request.';

/** Bad key, revoked key, missing permission, object outside the license, unknown id or label: all the same 401. */
export function unauthorized(): MetrcFailure {
  return new MetrcFailure(401, { Message: DENIED });
}

export function badRequest(message: string): MetrcFailure {
  return new MetrcFailure(400, { Message: message });
}

export function rowErrors(errors: readonly RowError[]): MetrcFailure {
  return new MetrcFailure(400, errors);
}

/** Collects row errors over a whole request; nothing is written when any row fails. */
export class RowProblems {
  readonly #errors: RowError[] = [];

  add(row: number, message: string): void {
    this.#errors.push({ row, message });
  }

  get size(): number {
    return this.#errors.length;
  }

  throwIfAny(): void {
    if (this.#errors.length) throw rowErrors(this.#errors);
  }
}
