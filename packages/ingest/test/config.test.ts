import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { HOST_OS_TYPES, parseInputConfig } from '../src/config.ts';
import { problemsOf } from './support/config.ts';
import { buildEvent } from '../src/event.ts';

const SSHD = 'Nov 22 09:49:32 web1 sshd[1234]: Failed password for root from 203.0.113.7 port 51514 ssh2';

describe('ingest input host_os', () => {
  it('accepts every ECS os.type value', () => {
    for (const os of HOST_OS_TYPES) {
      const { config } = parseInputConfig('/ingest/a.yaml', `type: stdin\nparser: syslog\nhost_os: ${os}\n`);
      expect(config.host_os).toBe(os);
    }
  });

  it('is optional', () => {
    expect(parseInputConfig('/ingest/a.yaml', 'type: stdin\nparser: syslog\n').config.host_os).toBeUndefined();
  });

  it('rejects an unknown value, naming the field, the value and the line', () => {
    const [problem, ...rest] = problemsOf('/ingest/a.yaml', 'type: stdin\nparser: syslog\nhost_os: solaris\n');
    expect(rest).toEqual([]);
    expect(problem).toBe(`/ingest/a.yaml:3: host_os: unknown host OS "solaris" (ECS os.type values: ${HOST_OS_TYPES.join(', ')})`);
  });
});

describe('buildEvent host.os.type', () => {
  const clock = new ManualClock(new Date('2026-11-22T12:00:00Z'));

  it('defaults to linux when the input says nothing', () => {
    expect(buildEvent({ parser: parserFor('syslog'), clock }, SSHD).host?.os?.type).toBe('linux');
  });

  it("takes the input's host_os", () => {
    const { config } = parseInputConfig('/ingest/a.yaml', 'type: stdin\nparser: syslog\nhost_os: macos\n');
    const event = buildEvent({ parser: parserFor('syslog'), clock, ...(config.host_os === undefined ? {} : { hostOs: config.host_os }) }, SSHD);
    expect(event.host).toEqual({ hostname: 'web1', name: 'web1', id: 'web1', os: { type: 'macos' } });
  });
});
