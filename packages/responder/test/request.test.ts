import { describe, expect, it } from '@jest/globals';
import { validateRequest, type BlockRequest } from '../src/index.ts';

const MAX = 30 * 86_400_000;

function request(overrides: Partial<Record<keyof BlockRequest | string, unknown>> = {}): Record<string, unknown> {
  return { id: 'n0123456789abcdef-web-1', action: 'block', ip: '198.51.100.7', duration_ms: 600_000, step: 0, watch_id: 'auth.brute_force', alert_id: 'a1', reason: 'brute force', requested: '2026-01-05T10:00:00.000Z', origin: 'watch', ...overrides };
}

const reasonOf = (data: unknown) => {
  const check = validateRequest(data, MAX);
  return check.ok ? undefined : check.reason;
};

describe('validateRequest', () => {
  it('accepts a well-formed block and unblock, with the canonical address', () => {
    const check = validateRequest(request({ ip: '::FFFF:198.51.100.7' }), MAX);
    expect(check).toMatchObject({ ok: true, valid: { address: { text: '198.51.100.7', family: 4 }, request: { id: 'n0123456789abcdef-web-1', duration_ms: 600_000 } } });
    const { duration_ms: _d, step: _s, watch_id: _w, alert_id: _a, ...unblock } = request({ action: 'unblock', origin: 'cli' });
    expect(validateRequest(unblock, MAX)).toMatchObject({ ok: true });
  });

  it.each([
    [null, /must be an object, got null/],
    ['198.51.100.7', /must be an object, got string/],
    [[request()], /must be an object, got an array/],
    [request({ extra: 1 }), /unknown key "extra"/],
    [request({ command: 'rm -rf /', shell: true }), /unknown keys "command", "shell"/],
    [request({ duration_ms: 1.5 }), /duration_ms: must be a whole number/],
    [request({ duration_ms: 0 }), /duration_ms: must be positive/],
    [request({ duration_ms: -5 }), /duration_ms: must be positive/],
    [request({ duration_ms: '600000' }), /duration_ms/],
    [request({ duration_ms: MAX + 1 }), /at most 2592000000 ms/],
    [request({ duration_ms: Number.POSITIVE_INFINITY }), /duration_ms/],
    [request({ duration_ms: undefined }), /duration_ms is required to block/],
    [request({ action: 'unblock' }), /duration_ms is for blocks only/],
    [request({ action: 'flush' }), /action/],
    [request({ id: 'a b' }), /id: must be/],
    [request({ id: 'x\n# vigil ALL' }), /id: must be/],
    [request({ id: '-F' }), /id: must be/],
    [request({ id: 'x'.repeat(201) }), /id: must be/],
    [request({ origin: 'attacker' }), /origin/],
    [request({ requested: 'yesterday' }), /requested: must be an ISO date/],
    [request({ reason: 42 }), /reason/],
    [request({ step: -1 }), /step/],
    [request({ ip: 7 }), /must be a string, got number/],
  ])('refuses %j', (data, reason) => {
    expect(reasonOf(data)).toMatch(reason);
  });

  it('parses the address first: a bad address is the reason even when other fields are bad too', () => {
    expect(reasonOf(request({ ip: '1.2.3.4; rm -rf /', extra: true }))).toMatch(/"1.2.3.4; rm -rf \/" is not an IP address/);
  });

  it('takes the maximum duration it is given', () => {
    expect(reasonOf(request({ duration_ms: 3_600_001 }))).toBeUndefined();
    expect(validateRequest(request({ duration_ms: 3_600_001 }), 3_600_000)).toMatchObject({ ok: false, reason: expect.stringContaining('at most 3600000 ms') });
  });
});
