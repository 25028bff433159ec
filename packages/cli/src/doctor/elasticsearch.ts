import { errors } from '@elastic/elasticsearch';
import { redactUrl, systemClock, type VigilConfig } from '@vigil/core';
import { createElasticsearchClient, ElasticsearchDeliveryLedger, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, missingTemplates } from '@vigil/store';
import { fail, ok, reason, warn, type CheckResult } from './check.ts';
import { checkSecrets } from './secrets.ts';

const START = 'start it (scripts/services up) or point VIGIL_ELASTICSEARCH_URL at a running cluster';

/** Reachability, credentials, version and health, then whether `vigil setup` has run for the prefix. */
export async function checkElasticsearch(config: VigilConfig): Promise<CheckResult[]> {
  const where = redactUrl(config.elasticsearch.url);
  const client = createElasticsearchClient(config.elasticsearch, { maxRetries: 0, requestTimeoutMs: 5_000 });
  try {
    let user: string;
    try {
      user = (await client.security.authenticate()).username;
    } catch (err) {
      if (err instanceof errors.ResponseError && (err.statusCode === 401 || err.statusCode === 403)) {
        return [fail('elasticsearch', `${where} rejected the credentials (HTTP ${err.statusCode})`, 'put user:password in VIGIL_ELASTICSEARCH_URL or set VIGIL_ELASTICSEARCH_API_KEY')];
      }
      if (err instanceof errors.ResponseError && err.statusCode === 400 && /security/i.test(err.message)) {
        user = 'anonymous (security disabled)';
      } else {
        return [fail('elasticsearch', `${where} unreachable: ${reason(err)}`, START)];
      }
    }
    // GET / lives in a module the minimal distribution lacks; the nodes API has the version everywhere.
    const nodes = await client.nodes.info({ node_id: '_local', metric: '_none', filter_path: ['cluster_name', 'nodes.*.version'] });
    const version = Object.values(nodes.nodes ?? {})[0]?.version ?? 'unknown version';
    const health = await client.cluster.health();
    const found = `${version}, cluster ${health.cluster_name} ${health.status}, user ${user} at ${where}`;
    const results: CheckResult[] = [];
    if (health.status === 'red') results.push(fail('elasticsearch', found, 'some primary shards are unassigned: see GET _cluster/allocation/explain'));
    else if (health.status === 'yellow') results.push(warn('elasticsearch', found, 'replicas are unassigned: add a node or lower number_of_replicas'));
    else results.push(ok('elasticsearch', found));

    const missing = await missingTemplates(client, config.indexPrefix);
    results.push(
      missing.length === 0
        ? ok('indices', `templates for prefix "${config.indexPrefix}" installed`)
        : warn('indices', `${missing.length} index templates for prefix "${config.indexPrefix}" missing (${missing.join(', ')})`, 'run vigil setup'),
    );
    const stores = { client, prefix: config.indexPrefix, url: config.elasticsearch.url };
    results.push(await checkDeliveries(new ElasticsearchDeliveryLedger(stores)));
    results.push(await checkTruncations(new ElasticsearchHistoryStore(stores), new Date()));
    if (missing.length === 0) results.push(await checkSecrets(new ElasticsearchWatchRegistry({ ...stores, clock: systemClock })));
    return results;
  } catch (err) {
    return [fail('elasticsearch', `${where}: ${reason(err)}`, START)];
  } finally {
    await client.close();
  }
}

/** Notifications that finally failed (a warning: Vigil runs, but somebody was not told). */
async function checkDeliveries(ledger: ElasticsearchDeliveryLedger): Promise<CheckResult> {
  const failed = await ledger.count({ statuses: ['failed'] });
  const queued = await ledger.count({ statuses: ['queued'] });
  const summary = `${failed} notification(s) failed for good, ${queued} being delivered`;
  return failed === 0 ? ok('notifications', summary) : warn('notifications', summary, 'see vigil alerts list --undelivered, fix the action or its service; failed notifications are not retried');
}

const DAY_MS = 86_400_000;

/** Watches whose runs cut their results in the last day (a warning: an entity beyond the cut may have gone unseen). */
async function checkTruncations(history: ElasticsearchHistoryStore, now: Date): Promise<CheckResult> {
  const watches = await history.truncatedSince(new Date(now.getTime() - DAY_MS).toISOString());
  if (watches.length === 0) return ok('truncation', 'no watch run cut its results in the last day');
  const listed = watches.map((w) => `${w.watch_id} (${w.runs} run(s), last ${w.last})`).join(', ');
  return warn(
    'truncation',
    `${watches.length} watch(es) cut their results in the last day: ${listed}`,
    'see truncated in vigil watch history <id>: page per-entity terms with composite, or raise input.search.paging.max_entities / max_pages',
  );
}
