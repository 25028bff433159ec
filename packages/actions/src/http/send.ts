import { VigilError, formatDuration } from '@vigil/core';
import { httpStatusFailure, networkFailure, transientFailure } from '../errors.ts';
import type { ActionContext } from '../types.ts';

/** An HTTP request as an action builds it, and as its result detail shows it (secrets scrubbed). */
export interface HttpRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The answer as history keeps it: the status and the start of the body. */
export interface HttpResponse {
  status: number;
  body: string;
}

/** How much of an answer's body the result detail keeps. */
export const RESPONSE_BODY_LIMIT = 500;

/** What a header value may hold: visible ASCII, spaces and tabs, and Latin-1 bytes (RFC 9110 field-value). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Parses `text` as the http(s) URL an action posts to; anything else is a configuration error.
 * The message quotes the text with revealed secrets scrubbed.
 */
export function httpUrl(text: string, what: string, context: ActionContext): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new VigilError('CONFIG_INVALID', `${what} is not an http(s) URL: ${JSON.stringify(context.secrets.scrub(text))}`);
  }
  // fetch refuses these before sending, which would look like a network failure
  if (url.username !== '' || url.password !== '') throw new VigilError('CONFIG_INVALID', `${what} holds credentials: send them in a header instead (Authorization)`);
  return url;
}

/** Throws CONFIG_INVALID when a rendered header value cannot travel in HTTP (fetch would refuse it before sending). */
export function checkHeaderValue(name: string, value: string): string {
  if (!HEADER_VALUE.test(value)) throw new VigilError('CONFIG_INVALID', `header ${name}: the rendered value holds characters an HTTP header cannot carry`);
  return value;
}

/**
 * Sends one request, without following redirects, and classifies what goes wrong (see errors.ts):
 * no answer (refused, reset, no such host) or no answer within `timeoutMs` is transient, as are
 * 408, 429 and 5xx; 3xx and other 4xx are permanent. Resolves with the answer on a 2xx.
 */
export async function sendHttp(request: HttpRequest, options: { what: string; timeoutMs: number; context: ActionContext }): Promise<HttpResponse> {
  const { what, timeoutMs, context } = options;
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  let body: string;
  try {
    const response = await (context.fetch ?? fetch)(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual', signal });
    status = response.status;
    body = await response.text();
  } catch (error) {
    const e = error as { name?: string; cause?: { name?: string } };
    if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') throw transientFailure(`${what}: no answer within ${formatDuration(timeoutMs)}`, error);
    throw networkFailure(what, error);
  }
  if (status < 200 || status > 299) throw httpStatusFailure(status, what, body);
  return { status, body: body.slice(0, RESPONSE_BODY_LIMIT) };
}
