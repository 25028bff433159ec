import { VigilError } from '@vigil/core';

/**
 * How an action says whether trying again may help (ActionType.execute): a transient failure is
 * retried with backoff until the delivery deadline, a permanent one fails the notification at once.
 */
export function transientFailure(message: string, cause?: unknown): VigilError {
  return new VigilError('SERVICE_UNAVAILABLE', message, cause === undefined ? {} : { cause });
}

export function permanentFailure(message: string, cause?: unknown): VigilError {
  return new VigilError('SERVICE_REJECTED', message, cause === undefined ? {} : { cause });
}

/** HTTP: 408, 429 and 5xx may pass later; any other 4xx (or 3xx: we do not follow redirects) will not. */
export function httpStatusFailure(status: number, what: string, body: string): VigilError {
  const message = `${what}: HTTP ${status}${body === '' ? '' : ` ${body.slice(0, 200)}`}`;
  return status === 408 || status === 429 || status >= 500 ? transientFailure(message) : permanentFailure(message);
}

/** A network-level error (no answer at all: refused, reset, timed out, no such host): transient, as a service that is down may come back. */
export function networkFailure(what: string, error: unknown): VigilError {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; code?: string; message?: string };
  const reason = e.cause?.code ?? e.code ?? (e.name === 'TimeoutError' ? 'timed out' : undefined) ?? e.message ?? String(error);
  return transientFailure(`${what}: ${reason}`, error);
}
