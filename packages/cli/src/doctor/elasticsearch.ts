import { errors } from '@elastic/elasticsearch';
import { redactUrl, systemClock, type VigilConfig } from '@vigil/core';
import type { Client } from '@elastic/elasticsearch';
import {
  createElasticsearchClient,
  ElasticsearchDeliveryLedger,
  ElasticsearchHistoryStore,
  ElasticsearchWatchRegistry,
  installedTextFieldType,
  missingTemplates,
  probeTextFieldType,
  type TextFieldType,
} from '@vigil/store';
import { fail, ok, reason, warn, type CheckResult } from './check.ts';
import { checkSecrets } from './secrets.ts';

const START = 'start it (scripts/services up) or point VIGIL_ELASTICSEARCH_URL at a running cluster';

/**
 * Reachability, credentials, version and health, then whether `vigil setup` has run for the prefix
 * and whether the text-field mapping it installed still fits the cluster.
 */
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
    if (missing.length === 0) results.push(await checkTextFields(client, config.indexPrefix));
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

const TEXT_FIELDS = 'text fields';

/** What each choice means for the user, after the type's name. */
const TEXT_MEANING: Record<TextFieldType, string> = {
  match_only_text: 'message, error.message and the .text multi-fields (user.name.text, process.name.text...) as ECS maps them',
  text: 'this cluster has no match_only_text (no mapper-extras module): the same fields as text, which searches the same and takes more disk',
};

/**
 * The text-field mapping new daily indices get, as read from the installed event template, against
 * what the cluster can map now (`probe`; `undefined` when this user may not ask). A template built
 * for another capability means setup has not run since the cluster changed.
 */
export function textFieldsResult(installed: TextFieldType | undefined, probe: TextFieldType | undefined, prefix: string): CheckResult {
  if (installed === undefined) return warn(TEXT_FIELDS, `the event template of prefix "${prefix}" maps message neither as match_only_text nor as text`, 'run vigil setup');
  if (probe === undefined || probe === installed) {
    const unknown = probe === undefined ? ' (read from the template: this user may not simulate templates to check the cluster)' : '';
    return ok(TEXT_FIELDS, `${installed}: ${TEXT_MEANING[installed]}${unknown}`);
  }
  if (probe === 'match_only_text') {
    return warn(TEXT_FIELDS, 'the event template maps text fields as text, but this cluster has match_only_text', 'run vigil setup: new daily indices then use match_only_text as ECS (existing ones keep text)');
  }
  return fail(TEXT_FIELDS, 'the event template maps text fields as match_only_text, which this cluster no longer has: new daily indices cannot be created', 'run vigil setup: the template falls back to text');
}

async function checkTextFields(client: Client, prefix: string): Promise<CheckResult> {
  const installed = await installedTextFieldType(client, prefix);
  const probe = await probeTextFieldType(client, prefix).catch((err: unknown) => {
    if (err instanceof errors.ResponseError && err.statusCode === 403) return undefined;
    throw err;
  });
  return textFieldsResult(installed, probe, prefix);
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
