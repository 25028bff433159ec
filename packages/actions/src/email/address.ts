import { z } from 'zod';

/**
 * One bare address (`soc@example.org`), as the WHATWG HTML `type=email` rule has it: no display
 * name, comment, quote, comma, space or line break, so a value from an event cannot add a
 * recipient or a header. Single-label domains (`root@localhost`) are allowed; IDNs are not.
 */
const ADDRESS = z.email({ pattern: z.regexes.html5Email }).max(254);

export function isAddress(text: string): boolean {
  return ADDRESS.safeParse(text).success;
}

/** `Vigil <vigil@example.org>` or a bare address, split so nodemailer encodes the name itself. */
export function parseMailbox(text: string): { name: string; address: string } | undefined {
  const match = /^([^<>"\u0000-\u001f\u007f]*?)\s*<([^<>]+)>$/.exec(text);
  const [name, address] = match === null ? ['', text] : [match[1]!.trim(), match[2]!];
  return isAddress(address) ? { name, address } : undefined;
}
