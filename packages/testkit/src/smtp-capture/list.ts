// Lists captured messages for a person: `node list.ts http://127.0.0.1:8025`.
import { listMessages } from '../mail-api.ts';

const api = process.argv[2] ?? 'http://127.0.0.1:8025';
const messages = await listMessages(api);
if (messages.length === 0) console.log(`no messages at ${api}`);
for (const m of messages) {
  console.log(`${m.Created}  ${m.ID}  from ${m.From?.Address ?? '?'}  to ${m.To.map((t) => t.Address).join(', ')}  ${m.Subject}`);
}
if (messages.length > 0) console.log(`\nfull text: curl ${api}/api/v1/message/<ID>`);
