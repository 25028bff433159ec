import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { VigilError, entityKey } from '@vigil/core';
import { freePort } from '@vigil/testkit';
import type { ActionContext, ActionResult } from '../src/types.ts';
import { webhookAction } from '../src/webhook/index.ts';
import { testActionContext, testAlertView } from './support/context.ts';
import { actionProblems } from './support/validate.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}
type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

// a real HTTP peer on loopback: records every request and answers as the test says
const requests: Received[] = [];
let answer: (r: Received) => Answer;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(r);
    const a = answer(r);
    if (a !== 'hang') res.writeHead(a.status, a.headers).end(a.body ?? '');
  });
});
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  requests.length = 0;
  answer = () => ({ status: 200, body: '{"ok":true}' });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ST2_KEY = 'st2-key-"quoted"-\\-9f86d081884c7d65';
const secretEnv = { VIGIL_SECRET_ST2_API_KEY: ST2_KEY, VIGIL_SECRET_HOOK_TOKEN: 'tok-5e884898da28' };

function context(overrides: Partial<ActionContext> = {}): ActionContext {
  return testActionContext({ secretEnv, ...overrides });
}

function run(options: Record<string, unknown>, ctx: ActionContext = context()): Promise<ActionResult> {
  return webhookAction.execute(webhookAction.options.parse(options), ctx);
}

function failure(options: Record<string, unknown>, ctx: ActionContext = context()): Promise<VigilError> {
  return run(options, ctx).then(
    () => {
      throw new Error('expected the action to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(VigilError);
      return error as VigilError;
    },
  );
}

describe('webhook against a real HTTP server', () => {
  it('POSTs the default JSON document with Content-Type and Idempotency-Key, and shows the exchange in detail', async () => {
    const ctx = context();
    const result = await run({ url: `${base}/hook` }, ctx);
    expect(requests).toHaveLength(1);
    const [r] = requests;
    expect(r).toMatchObject({ method: 'POST', url: '/hook' });
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers['idempotency-key']).toBe(ctx.notificationId);
    expect(JSON.parse(r!.body)).toEqual({ watch: ctx.watch, alert: ctx.alert, kind: 'notify', notification_id: ctx.notificationId });
    expect(result).toEqual({
      status: 'executed',
      detail: {
        request: { method: 'POST', url: `${base}/hook`, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': ctx.notificationId }, body: r!.body },
        response: { status: 200, body: '{"ok":true}' },
      },
    });
  });

  it('sends the seed 000 StackStorm shape with the key from a secret, which never appears in the detail', async () => {
    const ctx = context({ alert: testAlertView({ entity: { 'source.ip': '203.0.113.9' }, entity_key: '{"source.ip":"203.0.113.9"}', payload: { host: 'victim' } }) });
    const result = await run(
      {
        url: `${base}/api/v1/webhooks/ssh_enum_alert?token={{secret "hook_token"}}`,
        headers: { 'St2-Api-Key': '{{secret "st2_api_key"}}' },
        body: '{"src": "{{entity.[source.ip]}}", "host": "{{payload.host}}"}',
      },
      ctx,
    );
    const [r] = requests;
    expect(r!.url).toBe('/api/v1/webhooks/ssh_enum_alert?token=tok-5e884898da28');
    expect(r!.headers['st2-api-key']).toBe(ST2_KEY);
    expect(JSON.parse(r!.body)).toEqual({ src: '203.0.113.9', host: 'victim' });

    const detail = JSON.stringify(result.detail);
    expect(detail).not.toContain(ST2_KEY);
    expect(detail).not.toContain(JSON.stringify(ST2_KEY).slice(1, -1));
    expect(detail).not.toContain('tok-5e884898da28');
    expect(result.detail).toMatchObject({ request: { url: `${base}/api/v1/webhooks/ssh_enum_alert?token=[secret:hook_token]`, headers: { 'St2-Api-Key': '[secret:st2_api_key]' } } });
  });

  it('puts a secret in a JSON body as valid JSON and scrubs it from the detail', async () => {
    const result = await run({ url: `${base}/hook`, method: 'PUT', body: '{"key": "{{secret "st2_api_key"}}"}' });
    expect(requests[0]!.method).toBe('PUT');
    expect(JSON.parse(requests[0]!.body)).toEqual({ key: ST2_KEY });
    expect(JSON.stringify(result.detail)).not.toContain('9f86d081884c7d65');
  });

  it('keeps hostile event data ("  \\  newlines  </script>  {{x}}) one exact JSON string', async () => {
    const hostile = 'a"b\\c\nd\r\n\t</script>{{x}}\u2028\'';
    const entity = { 'source.ip': '198.51.100.23', 'user.name': hostile };
    await run({ url: `${base}/hook`, body: '{"user": "{{entity.[user.name]}}", "entity": {{json entity}}, "text": "login by {{entity.[user.name]}}"}' }, context({ alert: testAlertView({ entity, entity_key: entityKey(entity) }) }));
    expect(JSON.parse(requests[0]!.body)).toEqual({ user: hostile, entity, text: `login by ${hostile}` });
  });

  it('renders header values on one line: CR/LF from event data adds no header', async () => {
    const entity = { 'user.name': 'x\r\nX-Injected: yes' };
    await run({ url: `${base}/hook`, headers: { 'X-User': '{{entity.[user.name]}}' } }, context({ alert: testAlertView({ entity, entity_key: entityKey(entity) }) }));
    expect(requests[0]!.headers['x-user']).toBe('x  X-Injected: yes');
    expect(requests[0]!.headers['x-injected']).toBeUndefined();
  });

  it('fails permanently, naming the reason, when the body does not render valid JSON; nothing is sent', async () => {
    const error = await failure({ url: `${base}/hook`, body: '{"ip": {{entity.[source.ip]}} }' });
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', transient: false });
    expect(error.message).toMatch(/^body: the template did not render valid JSON: .+/);
    expect(requests).toHaveLength(0);
  });

  it('fails permanently when the URL does not render an http(s) URL', async () => {
    const error = await failure({ url: '{{entity.[source.ip]}}/hook' });
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', transient: false });
    expect(error.message).toContain('"198.51.100.23/hook"');
  });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [429, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
  ])('HTTP %i: transient %s', async (status, transient) => {
    answer = () => ({ status, body: `status ${status}` });
    const error = await failure({ url: `${base}/hook` });
    expect(error.transient).toBe(transient);
    expect(error.code).toBe(transient ? 'SERVICE_UNAVAILABLE' : 'SERVICE_REJECTED');
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('does not follow a redirect: a 3xx is permanent', async () => {
    answer = (r) => (r.url === '/hook' ? { status: 302, headers: { location: `${base}/elsewhere` } } : { status: 200 });
    const error = await failure({ url: `${base}/hook` });
    expect(error.transient).toBe(false);
    expect(error.message).toContain('HTTP 302');
    expect(requests.map((r) => r.url)).toEqual(['/hook']);
  });

  it('scrubs a secret the server echoes from the error message', async () => {
    answer = (r) => ({ status: 401, body: `bad key ${String(r.headers['st2-api-key'])}` });
    const error = await failure({ url: `${base}/hook`, headers: { 'St2-Api-Key': '{{secret "st2_api_key"}}' } });
    expect(error.message).not.toContain(ST2_KEY);
    expect(error.message).toContain('[secret:st2_api_key]');
  });

  it('a refused connection is transient', async () => {
    const error = await failure({ url: `http://127.0.0.1:${await freePort()}/hook` });
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', transient: true });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('no answer within the timeout is transient', async () => {
    answer = () => 'hang';
    const started = Date.now();
    const error = await failure({ url: `${base}/hook`, timeout: '300ms' });
    expect(error.transient).toBe(true);
    expect(error.message).toContain('no answer within 300ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a secret that is not set fails permanently, naming the variable', async () => {
    const error = await failure({ url: `${base}/hook`, headers: { Authorization: 'Bearer {{secret "missing_token"}}' } });
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', transient: false });
    expect(error.message).toContain('VIGIL_SECRET_MISSING_TOKEN');
    expect(requests).toHaveLength(0);
  });

  it('simulate builds the request with secret placeholders and sends nothing', async () => {
    const ctx = testActionContext({ mode: 'simulate' });
    const result = await run({ url: '{{secret "st2_url"}}', headers: { 'St2-Api-Key': '{{secret "st2_api_key"}}' }, body: '{"src": "{{entity.[source.ip]}}"}' }, ctx);
    expect(result).toEqual({
      status: 'simulated',
      detail: {
        request: {
          method: 'POST',
          url: '[secret:st2_url]',
          headers: { 'St2-Api-Key': '[secret:st2_api_key]', 'Content-Type': 'application/json', 'Idempotency-Key': ctx.notificationId },
          body: '{"src": "198.51.100.23"}',
        },
      },
    });
    expect(requests).toHaveLength(0);
  });
});

/** Problems `vigil watch validate` would print for a watch with this action, `[]` when valid. */
const problems = (action: string): string[] => actionProblems('hook', 'webhook', action);

describe('webhook options', () => {
  it('accepts the StackStorm shape and applies defaults', () => {
    expect(problems(`url: https://st2.example.org/api/v1/webhooks/ssh_enum_alert\nheaders:\n  St2-Api-Key: '{{secret "st2_api_key"}}'\nbody: '{"src": "{{entity.[source.ip]}}"}'`)).toEqual([]);
    expect(webhookAction.options.parse({ url: 'https://example.org/x' })).toEqual({ url: 'https://example.org/x', method: 'POST', headers: {}, timeout: 10_000 });
  });

  it('rejects unknown keys at their file:line', () => {
    expect(problems('url: https://example.org/x\nmethods: PUT')).toEqual(['watches/test/notify.yaml:13: actions.hook.methods: unknown key']);
  });

  it.each([
    ['no url', 'method: POST'],
    ['a url that is no http(s) URL', 'url: ftp://example.org/x'],
    ['GET', 'url: https://example.org/x\nmethod: GET'],
    ['a bad header name', 'url: https://example.org/x\nheaders: { "Bad Name": x }'],
    ['a header Vigil sets', 'url: https://example.org/x\nheaders: { idempotency-key: x }'],
    ['a bad timeout', 'url: https://example.org/x\ntimeout: 10 seconds'],
    ['a body with a template syntax error', "url: https://example.org/x\nbody: '{{#each x}}'"],
  ])('rejects %s', (_what, action) => {
    expect(problems(action)).not.toEqual([]);
  });
});
