import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';
import type { BackendConfig } from './config.ts';
import { ResponderStartError } from './errors.ts';
import type { BlockRequest } from './protocol.ts';

/** What the audit needs of one request that contributed to a block, to report its expiry. */
export interface BlockRequestSummary {
  id: string;
  duration_ms: number;
  step?: number;
  watch_id?: string;
  alert_id?: string;
  reason: string;
  origin: BlockRequest['origin'];
}

/** One address blocked by this responder, as its state file keeps it. */
export interface ActiveBlock {
  /** Canonical address: the key (one block per address). */
  ip: string;
  family: 4 | 6;
  /** The request that created the block: marks the rule (`vigil:<id>`). */
  rule_request_id: string;
  /** The request that set the current expiry (the latest that extended it, or the first). */
  expiry_request_id: string;
  /** When the block started (ISO). */
  blocked: string;
  /** When it ends (ISO): the latest expiry of all its requests. */
  expires: string;
  /** Every request that blocked this address while the block lasted, oldest first. */
  requests: BlockRequestSummary[];
}

/** The state file: which blocks are in force, and with which backend they were applied. */
export interface StateDocument {
  version: 1;
  host: string;
  /** The backend section the blocks were applied with: another one at start means they are moved. */
  backend: BackendConfig;
  blocks: ActiveBlock[];
}

/**
 * The responder's own record of active blocks, `<state_dir>/<host>.blocks.json`, written atomically
 * after every change. It outlives Redis and the firewall's own state: at start the responder
 * re-applies what is still due and removes what has expired.
 */
export class BlockState {
  readonly file: string;
  readonly #lockFile: string;
  #doc: StateDocument;

  private constructor(file: string, lockFile: string, doc: StateDocument) {
    this.file = file;
    this.#lockFile = lockFile;
    this.#doc = doc;
  }

  /**
   * Opens (or starts) the state of `host`, and takes its lock (`<host>.lock`, the owner's pid): a
   * second responder for the same host and state folder is refused. A lock whose process is gone (a
   * crash) is taken over. An unreadable or corrupt file stops the responder rather than forgetting blocks.
   */
  static open(dir: string, host: string, backend: BackendConfig): BlockState {
    const file = join(dir, `${host}.blocks.json`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw new ResponderStartError(`cannot create the state folder ${dir} (state_dir): ${(cause as Error).message}`, { cause });
    }
    const lockFile = join(dir, `${host}.lock`);
    lock(lockFile, host);
    try {
      return new BlockState(file, lockFile, readDocument(file, host, backend));
    } catch (error) {
      unlinkSync(lockFile);
      throw error;
    }
  }

  /** The backend the recorded blocks were applied with. */
  get backend(): BackendConfig {
    return this.#doc.backend;
  }

  get blocks(): readonly ActiveBlock[] {
    return this.#doc.blocks;
  }

  get(ip: string): ActiveBlock | undefined {
    return this.#doc.blocks.find((b) => b.ip === ip);
  }

  /** Adds or replaces the block of `block.ip`, and saves. */
  put(block: ActiveBlock): void {
    this.#doc.blocks = [...this.#doc.blocks.filter((b) => b.ip !== block.ip), block];
    this.save();
  }

  /** Forgets the block of `ip`, and saves. */
  delete(ip: string): void {
    this.#doc.blocks = this.#doc.blocks.filter((b) => b.ip !== ip);
    this.save();
  }

  /** Records that the blocks are now applied with `backend`, and saves. */
  setBackend(backend: BackendConfig): void {
    this.#doc.backend = backend;
    this.save();
  }

  /** Releases the lock taken by {@link open}. */
  close(): void {
    try {
      unlinkSync(this.#lockFile);
    } catch {
      // already gone
    }
  }

  save(): void {
    writeFileAtomic(this.file, `${JSON.stringify(this.#doc, null, 2)}\n`, { mode: 0o600 });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lock(path: string, host: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new ResponderStartError(`cannot take the state lock ${path}: ${(error as Error).message}`, { cause: error });
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new ResponderStartError(`another responder (pid ${owner}) runs for host "${host}" with this state folder (${path}): stop it first`);
    }
    unlinkSync(path); // its process is gone: a crash
  }
  throw new ResponderStartError(`cannot take the state lock ${path}`);
}

function readDocument(file: string, host: string, backend: BackendConfig): StateDocument {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw new ResponderStartError(`cannot read the state file ${file}: ${(cause as Error).message}`, { cause });
  }
  if (text === undefined) return { version: 1, host, backend, blocks: [] };
  let doc: StateDocument;
  try {
    doc = JSON.parse(text) as StateDocument;
  } catch (cause) {
    throw new ResponderStartError(`the state file ${file} is not valid JSON (${(cause as Error).message}): fix or move it; it lists the blocks in force`, { cause });
  }
  if (doc.version !== 1 || !Array.isArray(doc.blocks) || typeof doc.backend?.type !== 'string') {
    throw new ResponderStartError(`the state file ${file} is not a responder state file (version 1 with blocks and backend)`);
  }
  return doc;
}
