import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { capturePortScan, createNetnsPair, findTool } from '../src/index.ts';

const namespaces = () => execFileSync(findTool('ip'), ['netns', 'list'], { encoding: 'utf8' });
const links = () => execFileSync(findTool('ip'), ['-o', 'link'], { encoding: 'utf8' });

describe('network namespace pair (root)', () => {
  it('joins two fresh namespaces by a veth pair that never appears outside them, and removes both', async () => {
    const pair = await createNetnsPair({ secondary: { a: 1 } });
    try {
      expect(pair.a.namespace).not.toBe(pair.b.namespace);
      expect(namespaces()).toContain(pair.a.namespace);
      expect(links()).not.toContain(pair.a.iface);
      expect(links()).not.toContain(pair.b.iface);
      const { stdout } = await pair.run(pair.a, [findTool('ip'), '-o', '-4', 'addr', 'show', 'dev', pair.a.iface]);
      expect(stdout).toContain(`${pair.a.address}/24`);
      expect(stdout).toContain(`${pair.a.secondary[0]}/24`);
      pair.start(pair.b, ['sleep', '600']);
    } finally {
      await pair.destroy();
    }
    expect(namespaces()).not.toContain(pair.a.namespace);
    expect(namespaces()).not.toContain(pair.b.namespace);
  });

  it('removes its namespaces when the scan fails', async () => {
    const failure = await capturePortScan({ ports: 'not-a-port' }).then(() => undefined, (err: Error) => err.message);
    expect(failure).toMatch(/nmap/);
    // the failing command names the namespace it ran in
    const namespace = /netns exec (vt-[0-9a-f]+-a) /.exec(failure ?? '')?.[1];
    expect(namespace).toBeDefined();
    expect(namespaces()).not.toContain(namespace);
    expect(namespaces()).not.toContain(namespace?.replace(/-a$/, '-b'));
  });
});
