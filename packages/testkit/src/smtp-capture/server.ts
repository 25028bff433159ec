import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { MailStore } from './store.ts';

/** Where the capture server listens and keeps messages. Port 0 picks a free port. */
export interface CaptureServerOptions {
  host?: string;
  smtpPort: number;
  httpPort: number;
  dir: string;
  /** Where a line per received message goes; silent when absent. */
  log?: (line: string) => void;
}

/** A running capture server; `close()` stops both listeners. */
export interface CaptureServer {
  smtpPort: number;
  httpPort: number;
  store: MailStore;
  close(): Promise<void>;
}

function listen(server: { listen(port: number, host: string, cb: () => void): unknown }, port: number, host: string): Promise<void> {
  return new Promise((resolve) => server.listen(port, host, resolve));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The subset of Mailpit's HTTP API that Vigil's tests and `scripts/services mail` use. */
async function handle(store: MailStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/api/v1/messages') {
    const all = await store.list();
    const limit = Number(url.searchParams.get('limit') ?? all.length);
    json(res, 200, { total: all.length, count: Math.min(limit, all.length), messages: all.slice(0, limit) });
    return;
  }
  if (req.method === 'DELETE' && path === '/api/v1/messages') {
    await store.clear();
    json(res, 200, 'ok');
    return;
  }
  const raw = /^\/api\/v1\/message\/([\w-]+)\/raw$/.exec(path);
  if (req.method === 'GET' && raw?.[1] !== undefined) {
    const body = await store.raw(raw[1]);
    if (body === null) return json(res, 404, { error: 'message not found' });
    res.writeHead(200, { 'content-type': 'message/rfc822' });
    res.end(body);
    return;
  }
  const one = /^\/api\/v1\/message\/([\w-]+)$/.exec(path);
  if (req.method === 'GET' && one?.[1] !== undefined) {
    const detail = await store.get(one[1]);
    if (detail === null) return json(res, 404, { error: 'message not found' });
    json(res, 200, detail);
    return;
  }
  json(res, 404, { error: `no route ${req.method} ${path}` });
}

/** Starts an SMTP server that accepts every message (any auth) and keeps it, plus its HTTP API. */
export async function startCaptureServer(options: CaptureServerOptions): Promise<CaptureServer> {
  const host = options.host ?? '127.0.0.1';
  const store = new MailStore(options.dir);
  const address = (a: SMTPServerAddress | false): string => (a === false ? '' : a.address);

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'vigil smtp capture',
    size: 25 * 1024 * 1024,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'capture' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const envelope = { MailFrom: address(session.envelope.mailFrom), RcptTo: session.envelope.rcptTo.map(address) };
        simpleParser(raw)
          .then((parsed) => store.save(raw, parsed, envelope, new Date()))
          .then((saved) => {
            options.log?.(`received ${saved.ID} from ${envelope.MailFrom} to ${envelope.RcptTo.join(',')}: ${saved.Subject}`);
            callback();
          })
          .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });
  smtp.on('error', (err) => options.log?.(`smtp error: ${err.message}`));

  const http: Server = createServer((req, res) => {
    handle(store, req, res).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });

  await listen(smtp.server, options.smtpPort, host);
  await listen(http, options.httpPort, host);
  return {
    smtpPort: (smtp.server.address() as AddressInfo).port,
    httpPort: (http.address() as AddressInfo).port,
    store,
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
