// `listen:` of the network inputs (issue 12, case 3): out-of-range ports and malformed addresses are
// validation errors naming file:line and `listen`; a bind that fails at run time is one clear error.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, VigilError } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { parseInputConfig } from '../src/config.ts';
import { problemsOf } from './support/config.ts';
import { createInput, type InputDeps } from '../src/inputs/registry.ts';
import { OffsetStore } from '../src/offsets.ts';
import { newCounters } from '../src/sink.ts';
import { GatedTarget } from './support/streams.ts';

const TCP_TYPES = ['syslog_udp', 'syslog_tcp', 'tcp_lines'] as const;

const definition = (type: string, listen: string) => `type: ${type}\nparser: syslog\nlisten: ${JSON.stringify(listen)}\n`;

describe('listen validation', () => {
  it('rejects a port out of 1..65535, naming file:line and listen', () => {
    for (const type of TCP_TYPES) {
      expect(problemsOf('/ingest/a.yaml', definition(type, '127.0.0.1:70000'))).toEqual(['/ingest/a.yaml:3: listen: port 70000 is out of range: must be 1 to 65535']);
      expect(problemsOf('/ingest/a.yaml', definition(type, '127.0.0.1:0'))).toEqual(['/ingest/a.yaml:3: listen: port 0 is out of range: must be 1 to 65535']);
    }
    expect(problemsOf('/ingest/a.yaml', definition('tcp_lines', '127.0.0.1:http'))).toEqual(['/ingest/a.yaml:3: listen: port "http" must be a number from 1 to 65535']);
  });

  it('rejects bad addresses with a message saying what is wrong', () => {
    const cases: Array<[string, string]> = [
      ['999.1.1.1:514', '"999.1.1.1" is not an IPv4 address (four numbers 0-255)'],
      ['1.2.3:514', '"1.2.3" is not an IPv4 address (four numbers 0-255)'],
      ['host name with spaces:1', '"host name with spaces" is neither an IP address nor a host name, for example 127.0.0.1:5514 or [::1]:5514'],
      ['[::1', 'must be host:port with an IPv6 address in brackets, for example 127.0.0.1:5514 or [::1]:5514'],
      ['[::1]', 'must be host:port with an IPv6 address in brackets, for example 127.0.0.1:5514 or [::1]:5514'],
      ['[::g]:514', '"::g" is not an IPv6 address'],
      ['::1:514', 'an IPv6 address must be written in brackets: [::1]:514'],
      ['127.0.0.1', 'must be host:port, for example 127.0.0.1:5514 or [::1]:5514'],
      [':514', '"" is neither an IP address nor a host name, for example 127.0.0.1:5514 or [::1]:5514'],
      ['-bad-.example:514', '"-bad-.example" is neither an IP address nor a host name, for example 127.0.0.1:5514 or [::1]:5514'],
    ];
    for (const [listen, message] of cases) expect([listen, problemsOf('/ingest/b.yaml', definition('syslog_tcp', listen))]).toEqual([listen, [`/ingest/b.yaml:3: listen: ${message}`]]);
  });

  it('accepts IPv4, bracketed IPv6 and host names with ports 1 and 65535', () => {
    const cases: Array<[string, { host: string; port: number }]> = [
      ['127.0.0.1:1', { host: '127.0.0.1', port: 1 }],
      ['0.0.0.0:65535', { host: '0.0.0.0', port: 65_535 }],
      ['[::1]:5514', { host: '::1', port: 5514 }],
      ['[::]:6514', { host: '::', port: 6514 }],
      ['localhost:5001', { host: 'localhost', port: 5001 }],
      ['logs.example.org:514', { host: 'logs.example.org', port: 514 }],
    ];
    for (const [listen, expected] of cases) {
      const { config } = parseInputConfig('/ingest/c.yaml', definition('tcp_lines', listen));
      expect([listen, config.type === 'tcp_lines' && config.listen]).toEqual([listen, expected]);
    }
  });
});

function deps(): InputDeps {
  const stateDir = mkdtempSync(join(tmpdir(), 'vigil-listen-'));
  return { name: 'syn', parser: parserFor('syslog'), target: new GatedTarget(), offsets: new OffsetStore(join(stateDir, 'offsets.json')), clock: systemClock, stateDir, log: () => {}, counters: newCounters() };
}

async function startFailure(type: 'syslog_tcp' | 'tcp_lines', listen: string): Promise<VigilError> {
  const { config } = parseInputConfig(`/ingest/syn.yaml`, definition(type, listen));
  const input = createInput(config, deps());
  try {
    await input.start();
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  await input.stop();
  throw new Error(`expected ${listen} to fail to bind`);
}

describe('binding failures at run time', () => {
  it('a port in use is one error naming the input and the address (EADDRINUSE), for every TCP input', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      for (const type of ['syslog_tcp', 'tcp_lines'] as const) {
        const err = await startFailure(type, `127.0.0.1:${port}`);
        expect(err.toString()).toBe(`input syn: cannot listen on 127.0.0.1:${port}: the address is already in use (another process listens on it) (EADDRINUSE)`);
        expect(err.toString()).not.toContain('\n');
        expect((err.cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
      }
    } finally {
      taken.close();
    }
  });

  it('an address on no interface of this host is one clear error (EADDRNOTAVAIL)', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here
    const err = await startFailure('syslog_tcp', '192.0.2.1:5514');
    expect(err.toString()).toBe('input syn: cannot listen on 192.0.2.1:5514: the address is not on any interface of this host (EADDRNOTAVAIL)');
  });
});
