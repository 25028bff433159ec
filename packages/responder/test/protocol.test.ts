import { describe, expect, it } from '@jest/globals';
import { HOST_ID, REQUEST_ID, queueJobId, responderQueueName, respondersKey, responsesQueueName, responderAclRules } from '../src/index.ts';

describe('the protocol', () => {
  it('names the queues and the hash from the prefix and the host', () => {
    expect(responderQueueName('vigil', 'web1')).toBe('vigil-responder-web1');
    expect(responsesQueueName('vigil')).toBe('vigil-responses');
    expect(respondersKey('vigil')).toBe('vigil:responders');
    expect(HOST_ID.test('web-1.example.org')).toBe(true);
    expect(HOST_ID.test('Web 1')).toBe(false);
  });

  it('turns ids into job ids BullMQ accepts (no ":", not a whole number), one-to-one', () => {
    expect(queueJobId('n5f0c-web1')).toBe('n5f0c-web1');
    expect(queueJobId('n5f0c-web1:blocked')).toBe('n5f0c-web1%3Ablocked');
    expect(queueJobId('expire:a:b')).toBe('expire%3Aa%3Ab');
    expect(queueJobId('a%3Ab')).toBe('a%253Ab');
    expect(queueJobId('42')).toBe('%342');
    const ids = ['a:b', 'a%3Ab', '42', '%342', 'a:b:blocked', 'a%3Ab:blocked'];
    expect(new Set(ids.map(queueJobId)).size).toBe(ids.length);
    for (const id of ids) expect(queueJobId(id)).not.toMatch(/:|^\d+$/);
  });

  it('takes the request ids Vigil makes, and nothing that could leave a rule comment', () => {
    for (const id of ['n0123456789abcdef0123456789abcdef01234567-web-1', 'blk-5f0c-db-1', '6f1c2d3e-aaaa-4bbb-8ccc-123456789abc']) expect(REQUEST_ID.test(id)).toBe(true);
    for (const id of ['', '-F', 'a b', 'a\nb', 'a"b', "a'b", 'a#b', 'x'.repeat(201)]) expect(REQUEST_ID.test(id)).toBe(false);
  });

  it('gives each host an ACL user of its own queue, with no pattern reaching another host', () => {
    const rules = responderAclRules('vigil', 'web1');
    expect(rules.filter((r) => r.startsWith('~'))).toEqual(['~bull:vigil-responder-web1:*', '~bull:vigil-responses:*', '~vigil:responders']);
    expect(rules).toContain('-@dangerous');
    expect(rules.indexOf('resetkeys')).toBe(0);
  });
});
