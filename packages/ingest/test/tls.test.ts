// TLS for the network inputs (issue 12, case 7): RFC 5425 syslog over TLS and TLS raw lines, with
// optional client-certificate authentication, against certificates this file makes with openssl.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { systemClock, VigilError, VigilValidationError } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { freePort } from '@vigil/testkit';
import { parseInputConfig } from '../src/config.ts';
import { readTlsFiles } from '../src/inputs/network/tcp-server.ts';
import { createInput, type Input, type InputDeps } from '../src/inputs/registry.ts';
import { OffsetStore } from '../src/offsets.ts';
import { newCounters } from '../src/sink.ts';
import { GatedTarget, open, until, write } from './support/streams.ts';

/** Paths of the PEM files of one test PKI. */
interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by a CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function newKeyAndCsr(dir: string, name: string, cn: string): void {
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
}

function newCa(dir: string, name: string, cn: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`);
}

function sign(dir: string, name: string, ca: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
}

/** Makes a fresh PKI in a temporary folder (a few hundred ms of openssl). */
function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  newCa(dir, 'ca', 'Vigil Test CA');
  newCa(dir, 'other-ca', 'Some Other CA');
  newKeyAndCsr(dir, 'server', 'localhost');
  sign(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  newKeyAndCsr(dir, 'client', 'web1.example');
  sign(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  newKeyAndCsr(dir, 'stranger', 'web1.example');
  sign(dir, 'stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  const at = (file: string) => join(dir, file);
  return {
    dir,
    caCert: at('ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    strangerCert: at('stranger.pem'),
    strangerKey: at('stranger.key'),
  };
}


const counted = (msg: string) => `${Buffer.byteLength(msg, 'utf8')} ${msg}`;
const pem = (file: string) => readFileSync(file, 'utf8');

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));
// a failed expectation must not leave a server listening (stop is idempotent)
const running: Input[] = [];
afterEach(async () => {
  for (const input of running.splice(0)) await input.stop();
});
/** A client that gets no TLS answer (a plain-TCP server) gives up after this long. */
const HANDSHAKE_TIMEOUT_MS = 5_000;

interface Started {
  input: Input & { port: number; counters: { refusedConnections: number; connections: number; errors: number } };
  target: GatedTarget;
  logs: string[];
  port: number;
}

/** The real input built from an `ingest/*.yaml` text (config → registry → input), on 127.0.0.1. */
async function startFrom(type: 'syslog_tcp' | 'tcp_lines', tls: string, parser = 'syslog'): Promise<Started> {
  const port = await freePort();
  const { config } = parseInputConfig(`/ingest/${type}.yaml`, `type: ${type}\nparser: ${parser}\nlisten: 127.0.0.1:${port}\n${tls}`);
  const target = new GatedTarget();
  const logs: string[] = [];
  const stateDir = mkdtempSync(join(tmpdir(), 'vigil-tls-state-'));
  const deps: InputDeps = { name: type, parser: parserFor(config.parser), target, offsets: new OffsetStore(join(stateDir, 'offsets.json')), clock: systemClock, stateDir, log: (line) => logs.push(line), counters: newCounters() };
  const input = createInput(config, deps) as Started['input'];
  running.push(input);
  await input.start();
  return { input, target, logs, port };
}

const serverTls = (clientAuth?: string) =>
  `tls:\n  cert: ${pki.serverCert}\n  key: ${pki.serverKey}\n${clientAuth === undefined ? '' : `  ca: ${pki.caCert}\n  client_auth: ${clientAuth}\n`}`;

interface ClientOptions {
  cert?: string;
  key?: string;
}

/** Connection options of a client that trusts the test CA, with the client certificate given (if any). */
function connectOptions(port: number, client: ClientOptions): ConnectionOptions {
  return {
    host: '127.0.0.1',
    port,
    ca: pem(pki.caCert),
    ...(client.cert === undefined ? {} : { cert: pem(client.cert) }),
    ...(client.key === undefined ? {} : { key: pem(client.key) }),
  };
}

/** A TLS client that trusts the test CA and checks the server's name (127.0.0.1 is in its SAN). */
function tlsConnect(port: number, client: ClientOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(connectOptions(port, client));
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy(new Error('no TLS handshake: is the input serving TLS?')));
    socket.once('secureConnect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Sends parts over TLS, then ends the connection and waits until the server closed it too. */
async function sendTls(port: number, client: ClientOptions, ...parts: string[]): Promise<void> {
  const socket = await tlsConnect(port, client);
  for (const part of parts) await write(socket, part);
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.end();
  });
}

/**
 * Tries to send over TLS as a client the server should refuse: whatever happens on the client side
 * (TLS 1.3 completes the client's handshake before the server checks its certificate), the
 * connection ends. Resolves when it is closed.
 */
function sendRefused(port: number, client: ClientOptions, text: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connectTls(connectOptions(port, client));
    socket.on('error', () => {});
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy());
    socket.once('secureConnect', () => socket.write(text, () => {}));
    socket.once('close', () => resolve());
  });
}

const client = () => ({ cert: pki.clientCert, key: pki.clientKey });
const stranger = () => ({ cert: pki.strangerCert, key: pki.strangerKey });

describe('syslog_tcp with tls (RFC 5425)', () => {
  it('reads octet-counted frames over TLS, newlines inside a frame kept, and newline framing too', async () => {
    const { input, target } = await startFrom('syslog_tcp', serverTls());
    const first = '<34>1 2026-11-22T10:00:00Z web1 sshd 1234 - - Failed password for root from 203.0.113.7 port 51514 ssh2';
    const second = '<13>Nov 22 10:00:01 web1 app: line one\nline two';
    await sendTls(input.port, {}, counted(first), counted(second), '<13>Nov 22 10:00:02 web1 app: newline framed\n');
    await until('three messages', () => target.texts.length === 3);
    await input.stop();
    expect(target.texts).toEqual([first, second, '<13>Nov 22 10:00:02 web1 app: newline framed']);
    expect(input.counters).toMatchObject({ connections: 1, refusedConnections: 0, errors: 0 });
  });

  it('gives the same frames when TLS records cut them anywhere', async () => {
    const { input, target } = await startFrom('syslog_tcp', serverTls());
    const messages = Array.from({ length: 50 }, (_, i) => `<13>Nov 22 10:00:00 web1 app: message ${i}\n${'x'.repeat(i * 37)}`);
    const stream = messages.map(counted).join('');
    const parts = Array.from({ length: Math.ceil(stream.length / 101) }, (_, i) => stream.slice(i * 101, (i + 1) * 101));
    await sendTls(input.port, {}, ...parts);
    await until('every message', () => target.texts.length === messages.length);
    await input.stop();
    expect(target.texts).toEqual(messages);
  });

  it('refuses a plain-TCP sender on a TLS port: no event, counted and logged once', async () => {
    const { input, target, logs } = await startFrom('syslog_tcp', serverTls());
    const socket = await open(input.port);
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy()); // a plain server would keep it open
    socket.write('<13>Nov 22 10:00:00 web1 sshd[1]: Accepted password for root from 203.0.113.7 port 1 ssh2\n');
    await closed;
    await until('refusal counted', () => input.counters.refusedConnections === 1);
    await input.stop();
    expect(target.texts).toEqual([]);
    expect(logs.filter((l) => l.includes('refused'))).toHaveLength(1);
    expect(logs[0]).toMatch(/^syslog_tcp: refused a connection from 127\.0\.0\.1: TLS handshake failed/);
  });
});

describe('tcp_lines with tls', () => {
  it('reads newline-framed lines over TLS through the parser framer', async () => {
    const { input, target } = await startFrom('tcp_lines', serverTls(), 'tcpdump');
    const syn = (i: number) => `2016-02-09 13:51:09.00000${i} IP 10.0.0.${i}.40000 > 192.168.1.5.22: Flags [S], seq ${i}, win 29200, length 0`;
    await sendTls(input.port, {}, `${syn(1)}\n${syn(2).slice(0, 20)}`, `${syn(2).slice(20)}\r\n${syn(3)}`);
    await until('three lines', () => target.texts.length === 3);
    await input.stop();
    expect(target.texts).toEqual([syn(1), syn(2), syn(3)]);
  });
});

describe('client_auth: required', () => {
  it('takes events from a client whose certificate the CA signed', async () => {
    const { input, target } = await startFrom('syslog_tcp', serverTls('required'));
    await sendTls(input.port, client(), counted('<13>Nov 22 10:00:00 web1 app: authenticated'));
    await until('message', () => target.texts.length === 1);
    await input.stop();
    expect(target.texts).toEqual(['<13>Nov 22 10:00:00 web1 app: authenticated']);
    expect(input.counters.refusedConnections).toBe(0);
  });

  it('refuses a client without a certificate and one from another CA: no event, one log line each', async () => {
    const { input, target, logs } = await startFrom('tcp_lines', serverTls('required'));
    await sendRefused(input.port, {}, '<13>Nov 22 10:00:00 web1 sshd[1]: forged without a certificate\n');
    await until('first refusal', () => input.counters.refusedConnections === 1);
    await sendRefused(input.port, stranger(), '<13>Nov 22 10:00:00 web1 sshd[1]: forged by a stranger\n');
    await until('second refusal', () => input.counters.refusedConnections === 2);
    // a trusted client on the same input still gets through
    await sendTls(input.port, client(), '<13>Nov 22 10:00:01 web1 app: trusted\n');
    await until('trusted line', () => target.texts.length === 1);
    await input.stop();
    expect(target.texts).toEqual(['<13>Nov 22 10:00:01 web1 app: trusted']);
    expect(logs).toEqual([
      'tcp_lines: refused a connection from 127.0.0.1: no client certificate (client_auth: required)',
      'tcp_lines: refused a connection from 127.0.0.1: client certificate not accepted: UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ]);
    expect(input.counters).toMatchObject({ refusedConnections: 2, connections: 1 });
  });
});

describe('client_auth: optional', () => {
  it('takes a client without a certificate and one with a good one, refuses one from another CA', async () => {
    const { input, target, logs } = await startFrom('syslog_tcp', serverTls('optional'));
    await sendTls(input.port, {}, '<13>anonymous\n');
    await sendTls(input.port, client(), '<13>authenticated\n');
    await until('two messages', () => target.texts.length === 2);
    await sendRefused(input.port, stranger(), '<13>stranger\n');
    await until('refusal', () => input.counters.refusedConnections === 1);
    await input.stop();
    expect(target.texts).toEqual(['<13>anonymous', '<13>authenticated']);
    expect(logs).toHaveLength(1);
    expect(logs).toEqual(['syslog_tcp: refused a connection from 127.0.0.1: client certificate not accepted: UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
  });
});

describe('tls: configuration', () => {
  function problemsOf(text: string): string[] {
    try {
      parseInputConfig('/ingest/s.yaml', text);
    } catch (err) {
      if (err instanceof VigilValidationError) return err.problems.map((p) => p.toString());
      throw err;
    }
    throw new Error('expected a validation error');
  }
  const head = 'type: syslog_tcp\nparser: syslog\nlisten: 127.0.0.1:6514\n';

  it('accepts cert and key alone (client_auth none by default) and with ca and a mode', () => {
    const plain = parseInputConfig('/ingest/s.yaml', `${head}tls:\n  cert: s.pem\n  key: s.key\n`).config;
    expect(plain.type === 'syslog_tcp' && plain.tls).toEqual({ cert: 's.pem', key: 's.key', client_auth: 'none' });
    const mutual = parseInputConfig('/ingest/s.yaml', `type: tcp_lines\nparser: syslog\nlisten: 127.0.0.1:6514\ntls:\n  cert: s.pem\n  key: s.key\n  ca: ca.pem\n  client_auth: required\n`).config;
    expect(mutual.type === 'tcp_lines' && mutual.tls).toEqual({ cert: 's.pem', key: 's.key', ca: 'ca.pem', client_auth: 'required' });
  });

  it('rejects unknown keys, an unknown mode, client auth without a CA, and tls on a UDP input', () => {
    expect(problemsOf(`${head}tls:\n  cert: s.pem\n  key: s.key\n  verify: false\n`)).toEqual(['/ingest/s.yaml:7: tls.verify: unknown key']);
    expect(problemsOf(`${head}tls:\n  cert: s.pem\n  key: s.key\n  ca: ca.pem\n  client_auth: maybe\n`)).toEqual(['/ingest/s.yaml:8: tls.client_auth: unknown client_auth "maybe" (known: required, optional, none)']);
    expect(problemsOf(`${head}tls:\n  cert: s.pem\n  key: s.key\n  client_auth: required\n`)).toEqual([expect.stringMatching(/^\/ingest\/s\.yaml:\d+: tls\.ca: is required with client_auth: required/)]);
    expect(problemsOf(`${head}tls:\n  key: s.key\n`)).toEqual([expect.stringMatching(/^\/ingest\/s\.yaml:\d+: tls\.cert: /)]);
    expect(problemsOf(`type: syslog_udp\nparser: syslog\nlisten: 127.0.0.1:6514\ntls:\n  cert: s.pem\n  key: s.key\n`)).toEqual([expect.stringMatching(/^\/ingest\/s\.yaml:\d+: .*tls/)]);
  });

  it('reads the files when the input starts; a missing or malformed file is an error naming it', () => {
    const bad = mkdtempSync(join(tmpdir(), 'vigil-tls-bad-'));
    const garbage = join(bad, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    const missing = join(bad, 'missing.pem');
    const failure = (files: Parameters<typeof readTlsFiles>[0]) => {
      try {
        readTlsFiles(files);
      } catch (err) {
        expect(err).toBeInstanceOf(VigilError);
        return (err as VigilError).toString();
      }
      throw new Error('expected readTlsFiles to fail');
    };
    expect(failure({ cert: missing, key: pki.serverKey, client_auth: 'none' })).toBe(`${missing}: cannot read the TLS certificate: no such file`);
    expect(failure({ cert: garbage, key: pki.serverKey, client_auth: 'none' })).toMatch(new RegExp(`^${garbage}: not a PEM certificate: `));
    expect(failure({ cert: pki.serverCert, key: garbage, client_auth: 'none' })).toMatch(new RegExp(`^${garbage}: not a PEM private key: `));
    expect(failure({ cert: pki.serverCert, key: pki.serverKey, ca: garbage, client_auth: 'required' })).toMatch(new RegExp(`^${garbage}: not a PEM CA certificate: `));
    expect(failure({ cert: pki.serverCert, key: pki.clientKey, client_auth: 'none' })).toMatch(new RegExp(`^${pki.serverCert}: the TLS key ${pki.clientKey} does not go with this certificate`));
    // through the registry too: createInput reads them, before anything listens
    const { config } = parseInputConfig('/ingest/s.yaml', `${head}tls:\n  cert: ${missing}\n  key: ${pki.serverKey}\n`);
    const stateDir = mkdtempSync(join(tmpdir(), 'vigil-tls-state-'));
    expect(() => createInput(config, { name: 's', parser: parserFor('syslog'), target: new GatedTarget(), offsets: new OffsetStore(join(stateDir, 'o.json')), clock: systemClock, stateDir, log: () => {}, counters: newCounters() })).toThrow(
      `cannot read the TLS certificate: no such file`,
    );
    rmSync(bad, { recursive: true, force: true });
  });
});
