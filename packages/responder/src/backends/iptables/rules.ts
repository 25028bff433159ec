import { exitedWith, type ArgvRunner } from '../../runner.ts';

/** `iptables` for IPv4, `ip6tables` for IPv6; `-w` waits for the xtables lock instead of failing. */
export function iptablesBinary(family: 4 | 6): string {
  return family === 4 ? 'iptables' : 'ip6tables';
}

/** A chain name iptables accepts (at most 28 characters), and nothing an option could be read from. */
export const CHAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,27}$/;

/** True when the rule `spec` exists in `chain` (`-C` exits 1 when it does not). */
export async function ruleExists(run: ArgvRunner, family: 4 | 6, chain: string, spec: readonly string[]): Promise<boolean> {
  try {
    await run([iptablesBinary(family), '-w', '-C', chain, ...spec]);
    return true;
  } catch (error) {
    if (exitedWith(error, 1)) return false;
    throw error;
  }
}

/** Inserts `spec` first in `chain` unless it is there already: never a second copy. */
export async function ensureRule(run: ArgvRunner, family: 4 | 6, chain: string, spec: readonly string[]): Promise<void> {
  if (await ruleExists(run, family, chain, spec)) return;
  await run([iptablesBinary(family), '-w', '-I', chain, '1', ...spec]);
}

/** Deletes `spec` from `chain`; a rule already gone is no error. */
export async function deleteRule(run: ArgvRunner, family: 4 | 6, chain: string, spec: readonly string[]): Promise<void> {
  if (!(await ruleExists(run, family, chain, spec))) return;
  await run([iptablesBinary(family), '-w', '-D', chain, ...spec]);
}

/**
 * The request ids of the responder's DROP rules for `ip` in `chain`, read from `iptables -S` (the
 * comment is printed quoted or not, depending on the iptables flavour).
 */
export async function markedRuleIds(run: ArgvRunner, family: 4 | 6, chain: string, ip: string): Promise<string[]> {
  const { stdout } = await run([iptablesBinary(family), '-w', '-S', chain]);
  const source = `${ip}/${family === 4 ? 32 : 128}`;
  return stdout.split('\n').flatMap((line) => {
    const words = line.trim().split(/\s+/);
    if (words[0] !== '-A' || words[2] !== '-s' || words[3] !== source || !words.includes('DROP')) return [];
    const marker = /--comment "?vigil:([A-Za-z0-9._:@+=-]+)"?(?:\s|$)/.exec(line);
    return marker === null ? [] : [marker[1] as string];
  });
}
