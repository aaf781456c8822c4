/**
 * Waiting on work that cannot itself be cancelled (a stage call, a pool task) while honouring an
 * AbortSignal: the wait ends at the abort, and the abandoned work's later failure is observed so it
 * never becomes an unhandled rejection. Shared by the policy layer and the parallel engine.
 */
import { toError } from '../runtime/errors.js';

export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(toError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(toError(signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : toError(error));
      },
    );
  });
}
