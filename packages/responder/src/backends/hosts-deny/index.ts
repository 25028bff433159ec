import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../atomic-file.ts';
import { defineBackend, type BlockBackend, type BlockTarget, type RemoveTarget } from '../types.ts';

/** `backend:` for `type: hosts.deny`. */
export const hostsDenyOptions = z.strictObject({
  type: z.literal('hosts.deny'),
  /** The TCP Wrappers file (default `/etc/hosts.deny`). Absolute. */
  file: z.string().refine(isAbsolute, 'must be an absolute path').default('/etc/hosts.deny'),
  /**
   * The daemon list of each line (default `ALL`), e.g. `sshd` or `sshd, vsftpd`: names only, no
   * `EXCEPT`, patterns or `:`.
   */
  daemons: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]+(?:, ?[A-Za-z0-9_.@-]+)*$/, 'must be daemon names separated by ", " (e.g. "ALL" or "sshd, vsftpd")')
    .refine((v) => !/\bEXCEPT\b/.test(v), 'EXCEPT is not supported')
    .default('ALL'),
});

export type HostsDenyOptions = z.output<typeof hostsDenyOptions>;

/** How hosts_access(5) writes an address: IPv6 in brackets (a bare `:` would split the line into fields). */
export function hostsDenyAddress(target: Pick<RemoveTarget, 'ip' | 'family'>): string {
  return target.family === 6 ? `[${target.ip}]` : target.ip;
}

/**
 * The two lines of one block. The marker is a line of its own: hosts_access(5) comments are only
 * lines that *begin* with `#`. On a rule line, `# vigil <id> until <time>` would be read as more
 * client patterns (an id `ALL` would deny every client) and the `:` of the time would start a
 * third field, a shell command or options.
 */
export function hostsDenyLines(options: Pick<HostsDenyOptions, 'daemons'>, target: BlockTarget): [marker: string, rule: string] {
  return [`# vigil ${target.ruleId} until ${target.expires.toISOString()}`, `${options.daemons}: ${hostsDenyAddress(target)}`];
}

const MARKER = /^# vigil (\S+) until (\S+)$/;

/** Index of `target`'s marker line (its rule line follows), or -1. Without `ruleId`: any of the responder's blocks of the address. */
function findBlock(lines: readonly string[], target: RemoveTarget): number {
  const rule = new RegExp(`^[^#:]*: ${escapeRegExp(hostsDenyAddress(target))}$`);
  return lines.findIndex((line, i) => {
    const id = MARKER.exec(line)?.[1];
    return id !== undefined && (target.ruleId === undefined || id === target.ruleId) && rule.test(lines[i + 1] ?? '');
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The file's lines with `target`'s block added or its expiry updated; the rest untouched. */
export function withBlock(text: string, options: Pick<HostsDenyOptions, 'daemons'>, target: BlockTarget): string {
  const lines = splitLines(text);
  const [marker, rule] = hostsDenyLines(options, target);
  const at = findBlock(lines, target);
  if (at === -1) lines.push(marker, rule);
  else lines.splice(at, 2, marker, rule);
  return joinLines(lines);
}

/** The file's lines without `target`'s block (its marker and rule lines). */
export function withoutBlock(text: string, target: RemoveTarget): string {
  const lines = splitLines(text);
  for (let at = findBlock(lines, target); at !== -1; at = findBlock(lines, target)) lines.splice(at, 2);
  return joinLines(lines);
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const joinLines = (lines: readonly string[]) => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * `hosts.deny`: TCP Wrappers (sshd built with libwrap, vsftpd...), as in seed 004. Each block is a
 * marker comment line and a rule line, `ALL: <ip>`; the file is rewritten atomically (keeping its
 * mode and owner) and only the responder's own line pairs are touched. No native timeout: the
 * responder removes the lines at expiry.
 */
export const hostsDenyBackend = defineBackend({
  type: 'hosts.deny',
  schema: hostsDenyOptions,
  create(options): BlockBackend {
    const update = async (change: (text: string) => string) => {
      const before = await readOrEmpty(options.file);
      const after = change(before);
      if (after !== before) writeFileAtomic(options.file, after, { mode: 0o644 });
    };
    return {
      type: 'hosts.deny',
      nativeTimeout: false,
      families: new Set<4 | 6>([4, 6]),
      prepare: async () => {
        await readOrEmpty(options.file); // readable (or absent: created at the first block)
      },
      apply: (target) => update((text) => withBlock(text, options, target)),
      remove: (target) => update((text) => withoutBlock(text, target)),
    };
  },
});
