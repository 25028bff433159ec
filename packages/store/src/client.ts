import { Client, errors } from '@elastic/elasticsearch';
import type { VigilConfig } from '@vigil/core';
import { VigilError } from '@vigil/core/errors';
import { redactUrl } from '@vigil/core/redact';

/** Builds the Elasticsearch client from configuration: credentials from the URL or an API key. */
export function createElasticsearchClient(config: VigilConfig['elasticsearch'], options: { maxRetries?: number; requestTimeoutMs?: number } = {}): Client {
  return new Client({
    node: config.url,
    ...(config.apiKey === undefined ? {} : { auth: { apiKey: config.apiKey } }),
    maxRetries: options.maxRetries ?? 3,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
  });
}

/**
 * Maps a client error to a {@link VigilError}: unreachable, 429 and 5xx are transient
 * (`SERVICE_UNAVAILABLE`), every other answer is permanent (`SERVICE_REJECTED`).
 */
export function elasticsearchError(err: unknown, url: string, doing: string): VigilError {
  if (err instanceof VigilError) return err;
  const where = redactUrl(url);
  if (err instanceof errors.ResponseError) {
    const status = err.meta.statusCode ?? 0;
    const reason = err.message.split('\n')[0] ?? err.message;
    const code = status === 429 || status >= 500 ? 'SERVICE_UNAVAILABLE' : 'SERVICE_REJECTED';
    return new VigilError(code, `elasticsearch at ${where} answered ${status} to ${doing}: ${reason}`, { cause: err });
  }
  if (err instanceof errors.ElasticsearchClientError) {
    return new VigilError('SERVICE_UNAVAILABLE', `elasticsearch at ${where} unreachable while ${doing}: ${err.message}`, { cause: err });
  }
  return new VigilError('INTERNAL', `unexpected error while ${doing}: ${String(err)}`, { cause: err });
}
