import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { freePort } from '@vigil/testkit';
import { createInput, INPUT_TYPES, newCounters, OffsetStore, parseInputConfig, type InputDeps } from '../src/index.ts';
import { GatedTarget, send, until } from './support/streams.ts';

function deps(target = new GatedTarget(), listenHost?: string): InputDeps {
  const stateDir = mkdtempSync(join(tmpdir(), 'vigil-registry-'));
  return { name: 'x', parser: parserFor('syslog'), target, offsets: new OffsetStore(join(stateDir, 'offsets.json')), clock: systemClock, stateDir, log: () => {}, counters: newCounters(), ...(listenHost === undefined ? {} : { listenHost }) };
}

const definitions: Record<(typeof INPUT_TYPES)[number], string> = {
  file: 'paths: [/nonexistent/x.log]',
  syslog_udp: 'listen: 127.0.0.1:5514',
  syslog_tcp: 'listen: 127.0.0.1:5514',
  tcp_lines: 'listen: 127.0.0.1:5001',
  stdin: '',
};

describe('input registry', () => {
  it('builds every input type of the schema', () => {
    for (const type of INPUT_TYPES) {
      const { config } = parseInputConfig(`/ingest/${type}.yaml`, `type: ${type}\nparser: syslog\n${definitions[type]}\n`);
      const input = createInput(config, deps());
      expect(typeof input.start).toBe('function');
      expect(typeof input.stop).toBe('function');
    }
  });

  it('listenHost replaces the host of a listen address (the container binds 0.0.0.0)', async () => {
    const port = await freePort();
    // 192.0.2.1 (TEST-NET) is on no interface here: binding it would fail without the override
    const { config } = parseInputConfig('/ingest/lines.yaml', `type: tcp_lines\nparser: syslog\nlisten: 192.0.2.1:${port}\n`);
    const target = new GatedTarget();
    const input = createInput(config, deps(target, '127.0.0.1'));
    await input.start();
    await send(port, '<13>via the override\n');
    await until('line', () => target.texts.length === 1);
    await input.stop();
    expect(target.texts).toEqual(['<13>via the override']);
  });
});
