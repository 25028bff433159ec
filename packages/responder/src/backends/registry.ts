import { commandBackend } from './command/index.ts';
import { hostsDenyBackend } from './hosts-deny/index.ts';
import { ipsetBackend } from './ipset/index.ts';
import { iptablesBackend } from './iptables/index.ts';
import { nftablesBackend } from './nftables/index.ts';
import type { BackendType } from './types.ts';

/** Every backend type, keyed by the `type` of the configuration's `backend:` section. */
export const BACKENDS: Readonly<Record<string, BackendType>> = Object.fromEntries(
  [ipsetBackend, nftablesBackend, iptablesBackend, hostsDenyBackend, commandBackend].map((backend) => [backend.type, backend]),
);

export function backendType(type: string): BackendType | undefined {
  return Object.hasOwn(BACKENDS, type) ? BACKENDS[type] : undefined;
}
