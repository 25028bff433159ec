import { createHash } from 'node:crypto';

/**
 * The `_id` of the event made from one record of a file: the same file (path and inode), offset and
 * text always give the same id, so re-reading after a crash or a lost offset creates no duplicate,
 * while a rotated file (new inode) whose first line happens to repeat an old one is still new.
 */
export function recordId(streamKey: string, offset: number, text: string): string {
  return createHash('sha1').update(streamKey).update('\0').update(String(offset)).update('\0').update(text).digest('base64url');
}
