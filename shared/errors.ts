/**
 * Errors the use-cases raise, in the domain's words. `shared/http/handler.ts` is the one place that
 * turns them into HTTP problems; nothing else picks status codes for them.
 */
export interface PointedError {
  /** JSON pointer into the request body. */
  readonly pointer: string;
  readonly message: string;
  readonly code?: string;
}

/** The thing does not exist, or exists but the caller may not see it: both answer the same. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly entity: string;
  constructor(entity: string) {
    super(`No such ${entity}`);
    this.entity = entity;
  }
}

/** The caller's `If-Match` names a version that is no longer current. */
export class StaleVersionError extends Error {
  override readonly name = 'StaleVersionError';
  readonly currentVersion: number;
  constructor(currentVersion: number) {
    super(`The current version is ${currentVersion}`);
    this.currentVersion = currentVersion;
  }
}

/** The operation changes a record that must be addressed by version (`If-Match`), and none was sent. */
export class VersionRequiredError extends Error {
  override readonly name = 'VersionRequiredError';
}

/** The record is in a state where this operation is not allowed. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** The request is well-formed but breaks a business rule; each problem points at a field. */
export class RuleViolationError extends Error {
  override readonly name = 'RuleViolationError';
  readonly errors: readonly PointedError[];
  constructor(errors: readonly PointedError[], message = 'The request breaks one or more rules.') {
    super(message);
    this.errors = errors;
  }
}

/** A paging cursor that this caller did not get from us (tampered, or another tenant's). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('The cursor is not valid here');
  }
}

/** The caller is a party to the record but its role does not allow this operation. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
