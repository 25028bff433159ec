import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Folders searched after PATH: `ip` and `tcpdump` live in sbin, which a non-login PATH may lack. */
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin'];

/** The Debian package that provides each tool the network-namespace helpers run. */
const PACKAGES: Record<string, string> = {
  ip: 'iproute2', nmap: 'nmap', tcpdump: 'tcpdump', sshd: 'openssh-server', ssh: 'openssh-client', 'ssh-keygen': 'openssh-client', unshare: 'util-linux',
  rsyslogd: 'rsyslog', sshpass: 'sshpass', logger: 'bsdutils',
};

/**
 * The absolute path of an executable, from PATH and the sbin folders. Missing is an error naming the
 * Debian package (scripts/test installs them when it runs as root).
 */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...SBIN];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next folder
    }
  }
  const pkg = PACKAGES[name] ?? name;
  throw new Error(`${name} is not installed: scripts/test installs it as root (apt-get install ${pkg})`);
}

/** Network namespaces need root (CAP_NET_ADMIN and CAP_SYS_ADMIN): fails plainly, not halfway through. */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`${what} needs root (network namespaces, veth pairs, packet capture): run it as root, as CI's scripts/test does`);
  }
}
