import { hash } from 'node:crypto';

/**
 * The `_id` of the event made from one record of a file: the same file (path and inode), offset and
 * text always give the same id, so re-reading after a crash or a lost offset creates no duplicate,
 * while a rotated file (new inode) whose first line happens to repeat an old one is still new.
 */
export function recordId(streamKey: string, offset: number, text: string): string {
  // one-shot hash: no Hash object per line (this runs once per event on the ingest hot path)
  return hash('sha1', `${streamKey}\0${offset}\0${text}`, 'base64url');
}
