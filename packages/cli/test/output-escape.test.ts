import { describe, expect, it } from '@jest/globals';
import { VigilError } from '@vigil/core';
import { asVigilError, errorLines, escapeControls, escapeTerminal, exitCodeOf, jsonLine, JsonLinesBuffer } from '../src/output.ts';
import { takeVerbose } from '../src/program.ts';
import { table } from '../src/commands/watch/format.ts';

const EVERY_CONTROL = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i), 0x2028, 0x2029].map((c) => String.fromCharCode(c)).join('');
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('escaping of data on the terminal (output.ts)', () => {
  it('escapeControls writes every control character visibly, newline included, and leaves printable text', () => {
    expect(escapeControls(`a${EVERY_CONTROL}b`)).not.toMatch(RAW_CONTROL);
    expect(escapeControls('root\n2026-11-22  all clear\u001b[2J\r\t\u009b\u2028')).toBe('root\\n2026-11-22  all clear\\u001b[2J\\r\\t\\u009b\\u2028');
    expect(escapeControls('DOMAIN\\José "admin" ∑')).toBe('DOMAIN\\José "admin" ∑');
  });

  it('escapeTerminal keeps the layout (newline, tab, a CR ending a line) and escapes everything else', () => {
    expect(escapeTerminal('{\n\t"a": 1\n}')).toBe('{\n\t"a": 1\n}');
    expect(escapeTerminal('ip,count\r')).toBe('ip,count\r');
    expect(escapeTerminal('a,b\r\nc,d\r')).toBe('a,b\r\nc,d\r');
    // a CR inside a line would let the rest overwrite what the line showed first
    expect(escapeTerminal('failed login\rall clear      ')).toBe('failed login\\rall clear      ');
    expect(escapeTerminal(`x${EVERY_CONTROL.replace(/[\n\t\r]/g, '')}y`)).not.toMatch(RAW_CONTROL);
  });

  it('keeps --json output valid JSON meaning the same value', () => {
    const value = { user: `a${EVERY_CONTROL}b`, n: 1 };
    const pretty = escapeTerminal(JSON.stringify(value, null, 2));
    expect(pretty.replace(/[\n ]/g, '')).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(pretty)).toEqual(value);
    const line = jsonLine(value);
    expect(line).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(line)).toEqual(value);
  });

  it('JsonLinesBuffer prints a batch of values as jsonLine prints each, on the ASCII fast path and off it', () => {
    const values = [{ plain: 'sshd[42]: Failed password for root' }, { user: `a${EVERY_CONTROL}b` }, { host: 'josé∑' }, { del: 'x\u007fy' }, { sep: 'p\u2029q' }, 7, undefined];
    const perValue = (vs: unknown[]) => vs.map((v) => `${jsonLine(v)}\n`).join('');
    // a 16-byte start makes the buffer grow several times within the batch
    const buffer = new JsonLinesBuffer(16);
    for (const value of values) buffer.add(value);
    expect(buffer.byteLength).toBeGreaterThan(16);
    const bytes = buffer.take();
    expect(bytes.toString('utf8')).toBe(perValue(values));
    expect(bytes.toString('utf8').replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
    // each value alone: ASCII, ASCII with DEL, non-ASCII letters, C1 and separators
    for (const value of values) {
      buffer.add(value);
      expect(buffer.take().toString('utf8')).toBe(perValue([value]));
    }
    expect(buffer.take().length).toBe(0);
  });

  it('JsonLinesBuffer hands over what it took: later lines do not overwrite bytes not yet written out', () => {
    const buffer = new JsonLinesBuffer(64);
    buffer.add({ first: 1 });
    const first = buffer.take();
    buffer.add({ second: 2 });
    expect(buffer.take().toString('utf8')).toBe('{"second":2}\n');
    expect(first.toString('utf8')).toBe('{"first":1}\n');
  });

  it('table keeps a hostile cell on its row and the columns aligned', () => {
    const lines = table([
      ['USER', 'STATE'],
      ['evil\nforged  row\u001b[31m', 'open'],
      ['bob', 'open'],
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('evil\\nforged  row\\u001b[31m  open');
    expect(lines[2]?.indexOf('open')).toBe(lines[1]?.indexOf('open'));
  });
});

describe('one error path (output.ts)', () => {
  it('a file-system error naming a path is the file being unreadable: exit 2, one line naming it', () => {
    const err = Object.assign(new Error("ENOENT: no such file or directory, open '/x/y.log'"), { code: 'ENOENT', path: '/x/y.log', syscall: 'open' });
    const vigil = asVigilError(err);
    expect(vigil.code).toBe('FILE_UNREADABLE');
    expect(exitCodeOf(vigil)).toBe(2);
    expect(errorLines(err, false)).toEqual(['vigil: /x/y.log: cannot read: no such file or directory']);
  });

  it('any other error is one line and exit 1; --verbose adds the cause and the stack', () => {
    const err = new Error('socket hang up\nsecond line of a library message');
    expect(errorLines(err, false)).toEqual(['vigil: socket hang up (--verbose prints the stack trace)']);
    expect(exitCodeOf(asVigilError(err))).toBe(1);
    const verbose = errorLines(new VigilError('SERVICE_UNAVAILABLE', 'elasticsearch unreachable', { cause: err }), true);
    expect(verbose[0]).toBe('vigil: elasticsearch unreachable');
    expect(verbose).toContain('caused by: socket hang up\nsecond line of a library message');
    expect(verbose.some((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('usage and configuration codes exit 2, runtime codes 1', () => {
    for (const code of ['CONFIG_INVALID', 'YAML_SYNTAX', 'FILE_UNREADABLE', 'KQL_INVALID'] as const) expect(exitCodeOf(new VigilError(code, 'x'))).toBe(2);
    for (const code of ['SERVICE_UNAVAILABLE', 'SERVICE_REJECTED', 'INTERNAL'] as const) expect(exitCodeOf(new VigilError(code, 'x'))).toBe(1);
  });

  it('--verbose is taken wherever it stands before --, and left after it', () => {
    expect(takeVerbose(['parse', '--verbose', '-s', 'auto'])).toEqual({ verbose: true, argv: ['parse', '-s', 'auto'] });
    expect(takeVerbose(['--verbose', 'watch', 'list'])).toEqual({ verbose: true, argv: ['watch', 'list'] });
    expect(takeVerbose(['parse', '-s', 'auto', '--', '--verbose'])).toEqual({ verbose: false, argv: ['parse', '-s', 'auto', '--', '--verbose'] });
  });
});
