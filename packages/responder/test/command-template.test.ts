import { describe, expect, it } from '@jest/globals';
import { buildArgv, templateProblems, templateValues } from '../src/backends/command/template.ts';

describe('command templates', () => {
  const block = ['ansible-playbook', 'pf-block.yml', '-e', 'ip={ip}', '-e', 'minutes={duration_minutes}', '--extra-vars', 'seconds={duration}'];

  it('replaces the placeholders inside arguments, one argument each, never splitting or joining any', () => {
    expect(buildArgv(block, templateValues('2001:db8::7', 90_500))).toEqual(['ansible-playbook', 'pf-block.yml', '-e', 'ip=2001:db8::7', '-e', 'minutes=2', '--extra-vars', 'seconds=91']);
    expect(buildArgv(['/usr/local/sbin/block', '{ip}', '{ip}'], { ip: '198.51.100.7' })).toEqual(['/usr/local/sbin/block', '198.51.100.7', '198.51.100.7']);
  });

  it('rounds durations up: a 1 ms block lasts a second, a minute and a second is two minutes', () => {
    expect(templateValues('198.51.100.7', 1)).toEqual({ ip: '198.51.100.7', duration: '1', duration_minutes: '1' });
    expect(templateValues('198.51.100.7', 61_000)).toMatchObject({ duration: '61', duration_minutes: '2' });
  });

  it('accepts the three placeholders only, and none in the program', () => {
    expect(templateProblems(block, ['ip', 'duration', 'duration_minutes'])).toEqual([]);
    expect(templateProblems(['block', '{IP}', '{reason}', '{ip', 'x}', '{{ip}}', '{}'], ['ip'])).toEqual([
      { index: 1, message: expect.stringContaining('unknown placeholder {IP}') },
      { index: 2, message: expect.stringContaining('unknown placeholder {reason}') },
      { index: 3, message: expect.stringContaining('unmatched') },
      { index: 4, message: expect.stringContaining('unmatched') },
      { index: 5, message: expect.stringContaining('unmatched') },
      { index: 6, message: expect.stringContaining('unknown placeholder {}') },
    ]);
    expect(templateProblems(['{ip}.sh'], ['ip'])).toEqual([{ index: 0, message: expect.stringContaining('the program') }]);
    expect(templateProblems(['unblock', 'minutes={duration_minutes}'], ['ip'])).toEqual([{ index: 1, message: '{duration_minutes} has no value here (use {ip})' }]);
  });
});
