import type { MessageDetail, MessageSummary } from './smtp-capture/store.ts';

export type { MessageDetail, MessageSummary } from './smtp-capture/store.ts';

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Messages held by a Mailpit-compatible API (Mailpit itself or Vigil's capture server), newest first. */
export async function listMessages(apiUrl: string): Promise<MessageSummary[]> {
  const body = await call<{ messages: MessageSummary[] }>(`${apiUrl}/api/v1/messages`);
  return body.messages;
}

export function getMessage(apiUrl: string, id: string): Promise<MessageDetail> {
  return call<MessageDetail>(`${apiUrl}/api/v1/message/${encodeURIComponent(id)}`);
}

/**
 * Polls until a message matching `match` arrives (SMTP delivery is asynchronous from the receiver's
 * side), then returns it in full; throws naming what it waited for after `timeoutMs`.
 */
export async function waitForMessage(
  apiUrl: string,
  match: (m: MessageSummary) => boolean,
  { timeoutMs = 10_000, pollMs = 100 } = {},
): Promise<MessageDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await listMessages(apiUrl)).find(match);
    if (found !== undefined) return getMessage(apiUrl, found.ID);
    if (Date.now() > deadline) throw new Error(`no matching message at ${apiUrl} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
