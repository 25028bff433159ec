// Runs the SMTP capture server until SIGTERM/SIGINT: `node main.ts --smtp-port 1025 --http-port 8025 --dir DIR`.
import { parseArgs } from 'node:util';
import { startCaptureServer } from './server.ts';

const { values } = parseArgs({
  options: {
    'smtp-port': { type: 'string', default: '1025' },
    'http-port': { type: 'string', default: '8025' },
    host: { type: 'string', default: '127.0.0.1' },
    dir: { type: 'string' },
  },
});
if (values.dir === undefined) {
  console.error('smtp-capture: --dir is required (where messages are kept)');
  process.exit(2);
}
const server = await startCaptureServer({
  host: values.host,
  smtpPort: Number(values['smtp-port']),
  httpPort: Number(values['http-port']),
  dir: values.dir,
  log: (line) => console.log(`${new Date().toISOString()} ${line}`),
});
console.log(`smtp capture: SMTP on ${values.host}:${server.smtpPort}, API on http://${values.host}:${server.httpPort}, messages in ${values.dir}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  });
}
