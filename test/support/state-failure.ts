/** The state-system error a call ended with, for tests that expect one. */
import { StateSystemError } from '#shared/state-system/port.ts';

export async function failure(promise: Promise<unknown>): Promise<StateSystemError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StateSystemError) return error;
    throw error;
  }
  throw new Error('expected a StateSystemError');
}
