/**
 * How the domain reports what is wrong with a request: one problem per offending field, addressed
 * by a path (for zod issues) or an RFC 6901 JSON pointer (for the API's 422 answers).
 */
import { jsonPointer } from '../../schemas/common.ts';

export type Path = readonly (string | number)[];

/** A problem found by a check, before it leaves the domain. */
export interface Problem {
  readonly path: Path;
  /** Stable and machine-readable, e.g. `duplicate-tag`. */
  readonly code: string;
  readonly message: string;
}

/** A problem as the API reports it. */
export interface FieldProblem {
  /** JSON pointer into the request body; `''` when the problem is not one field's (e.g. a party's status). */
  readonly pointer: string;
  readonly code: string;
  readonly message: string;
}

export { jsonPointer };

export const toFieldProblem = (problem: Problem): FieldProblem => ({
  pointer: jsonPointer(problem.path),
  code: problem.code,
  message: problem.message,
});

export const problem = (path: Path, code: string, message: string): Problem => ({ path, code, message });
