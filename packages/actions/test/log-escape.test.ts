import { describe, expect, it } from '@jest/globals';
import { logAction } from '../src/log/index.ts';
import { testActionContext, testAlertView } from './support/context.ts';

const FORGED = 'alice\nINFO watch=auth.credential_access_bruteforce action=notify resolved: all clear';
const CLEAR_SCREEN = '\u001b[2J\u001b[H';

/** Runs the log action with the given options over an alert whose user name is `userName`. */
async function logLine(userName: string, message?: string): Promise<{ lines: string[]; line: string }> {
  const context = testActionContext({ alert: testAlertView({ entity: { 'user.name': userName, 'source.ip': '198.51.100.23' } }) });
  const opts = logAction.options.parse(message === undefined ? {} : { message });
  const result = await logAction.execute(opts, context);
  expect(result.status).toBe('executed');
  return { lines: context.lines, line: (result.detail as { line: string }).line };
}

describe('log action: attacker data stays data on the log line', () => {
  it('a user name holding a newline and a fake INFO line writes one line, the newline visible', async () => {
    const { lines, line } = await logLine(FORGED, 'failed logons for {{alert.entity.[user.name]}} from {{alert.entity.[source.ip]}}');
    expect(lines).toEqual([line]);
    expect(line).not.toMatch(/[\n\r]/);
    expect(line).toBe(
      'WARN watch=network.discovery_portscan action=notify failed logons for alice\\nINFO watch=auth.credential_access_bruteforce action=notify resolved: all clear from 198.51.100.23',
    );
  });

  it('an ANSI escape in event data reaches the line as visible text, never as ESC', async () => {
    const { line } = await logLine(`bob${CLEAR_SCREEN}`, 'user {{alert.entity.[user.name]}}');
    expect(line).not.toContain('\u001b');
    expect(line).toContain('user bob\\x1b[2J\\x1b[H');
  });

  it('carriage returns, DEL, C1 controls and Unicode line separators are escaped too, in the default message', async () => {
    // JSON.stringify ({{json}}) leaves DEL, C1 (U+009B is a one-byte CSI) and U+2028 raw: the line escaping catches them
    const { line } = await logLine('x\r\u007f\u009b2J\u2028y');
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(line).toContain('"user.name":"x\\r\\x7f\\x9b2J\\u2028y"');
  });

  it('leaves printable text as it was: backslashes, quotes and non-ASCII names', async () => {
    const { line } = await logLine('DOMAIN\\José "admin"', 'user {{alert.entity.[user.name]}}');
    expect(line).toBe('WARN watch=network.discovery_portscan action=notify user DOMAIN\\José "admin"');
  });

  it('simulate returns the same escaped line and logs nothing', async () => {
    const context = testActionContext({ mode: 'simulate', alert: testAlertView({ entity: { 'user.name': FORGED } }) });
    const result = await logAction.execute(logAction.options.parse({ message: '{{alert.entity.[user.name]}}' }), context);
    expect(result.status).toBe('simulated');
    expect(context.lines).toEqual([]);
    expect((result.detail as { line: string }).line).toContain('alice\\nINFO watch=');
  });
});
