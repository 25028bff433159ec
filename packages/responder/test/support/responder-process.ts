// A responder in a process of its own, so a test can kill it with SIGKILL as a crash would (no
// cleanup at all) and start it again. Run with Node 24 (type stripping):
//   node responder-process.ts '<json: { config, netns }>'
// Commands run in the network namespace `netns`; log lines go to stderr; "ready" on stdout once started.
import { Responder, createRedisConnection, execFileRunner, type ResponderConfig } from '../../src/index.ts';

const { config, netns, ip } = JSON.parse(process.argv[2] ?? '{}') as { config: ResponderConfig; netns: string; ip: string };
const responder = new Responder({
  config,
  run: execFileRunner({ prefix: [ip, 'netns', 'exec', netns], env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } }),
  connect: () => createRedisConnection(config.redisUrl),
  localAddresses: () => [],
  announceIntervalMs: 500,
  log: (line) => process.stderr.write(`${line}\n`),
});
await responder.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void responder.stop().then(() => process.exit(0));
});
