import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, chownSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode of a new file (default 0o600). An existing file keeps its mode and owner. */
  mode?: number;
}

/**
 * Replaces `path` with `text` so that a reader (sshd reading hosts.deny, the responder after a
 * crash) sees the old file or the new one, never half of one: written to a temporary file in the same
 * folder, flushed to disk, renamed over `path`, and the folder flushed so the rename survives a
 * power cut.
 */
export function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  let mode = options.mode ?? 0o600;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = statSync(path);
    mode = st.mode & 0o7777;
    owner = { uid: st.uid, gid: st.gid };
  } catch {
    // a new file
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    if (owner !== undefined && process.getuid?.() === 0) chownSync(temp, owner.uid, owner.gid);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
