import type { estypes } from '@elastic/elasticsearch';

/**
 * Index templates with explicit mappings. The event template follows ECS's own mappings: `message`,
 * `error.message` and the `.text` multi-fields ECS gives some keywords (`user.name`, `process.name`,
 * `host.os.name`…) are `match_only_text` where the cluster has it (mapper-extras) and `text` where it
 * does not (the test distribution); everything else uses core types (`keyword`, `ip`, `date`, `long`,
 * `boolean`). The same cluster always gets the same templates, and a later template of the same name
 * replaces the earlier one, which makes setup idempotent.
 */

/** How Vigil maps full-text fields: ECS's `match_only_text`, or `text` where the cluster lacks it. */
export type TextFieldType = 'match_only_text' | 'text';

/** What the templates depend on in the cluster they are built for (see `probeTextFieldType`). */
export interface TemplateOptions {
  /** Type of `message`, `error.message` and every `.text` multi-field of the event template. */
  textType: TextFieldType;
}

type Properties = Record<string, estypes.MappingProperty>;

const keyword: estypes.MappingProperty = { type: 'keyword', ignore_above: 1024 };
const ip: estypes.MappingProperty = { type: 'ip' };
const date: estypes.MappingProperty = { type: 'date' };
const long: estypes.MappingProperty = { type: 'long' };
const bool: estypes.MappingProperty = { type: 'boolean' };
const text: estypes.MappingProperty = { type: 'text' };
/** Kept in `_source` for display and replay, never searched: ECS maps `event.original` this way. */
const stored: estypes.MappingProperty = { type: 'keyword', index: false, doc_values: false };
/** An opaque object kept in `_source` only (definitions, payloads). */
const opaque: estypes.MappingProperty = { type: 'object', enabled: false };

function object(properties: Properties): estypes.MappingProperty {
  return { properties };
}

const endpoint = object({ ip, port: long, address: keyword, domain: keyword, mac: keyword, bytes: long, packets: long });

/** ECS's text family member for this cluster (`message`, `error.message`). */
function fullText(textType: TextFieldType): estypes.MappingProperty {
  return { type: textType } as estypes.MappingProperty;
}

/** A keyword with ECS's `.text` multi-field (`user.name` and `user.name.text`). */
function keywordWithText(textType: TextFieldType): estypes.MappingProperty {
  return { ...keyword, fields: { text: fullText(textType) } } as estypes.MappingProperty;
}

const group = object({ name: keyword, id: keyword, domain: keyword });

/** ECS's `user` field set, also reused as `user.effective`, `user.target` and `user.changes`. */
function user(textType: TextFieldType): estypes.MappingProperty {
  return object({ name: keywordWithText(textType), domain: keyword, id: keyword, email: keyword, group });
}

/** ECS fields Vigil's parsers write; format-specific extras go under `vigil.<source>.*` as keywords. */
export function eventProperties(textType: TextFieldType): Properties {
  const userFields = user(textType) as { properties: Properties };
  return {
    '@timestamp': date,
    message: fullText(textType),
    tags: keyword,
    ecs: object({ version: keyword }),
    event: object({
      kind: keyword,
      category: keyword,
      type: keyword,
      action: keyword,
      outcome: keyword,
      code: keyword,
      dataset: keyword,
      module: keyword,
      provider: keyword,
      severity: long,
      original: stored,
      created: date,
      ingested: date,
      hash: keyword,
    }),
    source: endpoint,
    destination: endpoint,
    network: object({ transport: keyword, protocol: keyword, direction: keyword, type: keyword, iana_number: keyword }),
    user: object({ ...userFields.properties, effective: user(textType), target: user(textType), changes: user(textType) }),
    group,
    host: object({
      name: keyword,
      hostname: keyword,
      id: keyword,
      ip,
      os: object({ type: keyword, family: keyword, name: keywordWithText(textType), full: keywordWithText(textType), platform: keyword, version: keyword, kernel: keyword }),
    }),
    process: object({ name: keywordWithText(textType), pid: long, executable: keywordWithText(textType) }),
    rule: object({ id: keyword, name: keyword, description: keyword, category: keyword }),
    related: object({ ip, user: keyword, hosts: keyword }),
    log: object({ file: object({ path: keyword }), offset: long, level: keyword, syslog: object({ facility: object({ code: long, name: keyword }), severity: object({ code: long, name: keyword }), priority: long }) }),
    observer: object({
      name: keyword,
      hostname: keyword,
      ip,
      type: keyword,
      product: keyword,
      vendor: keyword,
      ingress: object({ zone: keyword, interface: object({ name: keyword }) }),
      egress: object({ zone: keyword, interface: object({ name: keyword }) }),
    }),
    agent: object({ name: keyword, id: keyword, type: keyword }),
    // Winlogbeat's layout; event_data keeps each EventData name, every string a keyword (dynamic template)
    winlog: object({
      event_id: keyword,
      channel: keyword,
      computer_name: keyword,
      provider_name: keyword,
      logon: object({ type: keyword, id: keyword, failure: object({ reason: keyword, status: keyword, sub_status: keyword }) }),
      event_data: { type: 'object', dynamic: true },
    }),
    // Filebeat's / Elastic Agent's system module fields that Elastic's SSH rules read
    system: object({ auth: object({ ssh: object({ event: keyword, method: keyword, signature: keyword, dropped_ip: ip }) }) }),
    error: object({ message: fullText(textType), type: keyword, code: keyword }),
    vigil: { type: 'object', dynamic: true },
  };
}

function eventMappings(textType: TextFieldType): estypes.MappingTypeMapping {
  return {
    dynamic: true,
    date_detection: false,
    // Fields no parser declared still arrive (nothing is lost) and stay aggregatable as keywords.
    dynamic_templates: [{ strings_as_keyword: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } }],
    properties: eventProperties(textType),
  };
}

/** System documents: listed fields are searchable, anything else stays in `_source` unindexed. */
function systemMappings(properties: Properties): estypes.MappingTypeMapping {
  return { dynamic: false, properties };
}

const watchesMappings = systemMappings({
  id: keyword,
  name: { type: 'text', fields: { raw: keyword } },
  enabled: bool,
  severity: keyword,
  tags: keyword,
  version: long,
  source_file: keyword,
  updated: date,
  definition: opaque,
  // per-action status is a map keyed by action name: kept in _source, not mapped field by field
  status: object({ last_run: date, last_fired: date, checkpoint: date, last_state: keyword, silenced_until: date, actions: opaque }),
});

const alertsMappings = systemMappings({
  watch_id: keyword,
  entity_key: keyword,
  entity: opaque,
  state: keyword,
  episode: long,
  first_seen: date,
  last_seen: date,
  last_window_to: date,
  count: long,
  acked: bool,
  silenced_until: date,
  last_notified: date,
  notify_count: long,
  resolved_at: date,
  payload: opaque,
  pending_notifications: object({ id: keyword, action: keyword, kind: keyword, window: opaque }),
});

const deliveriesMappings = systemMappings({
  id: keyword,
  watch_id: keyword,
  entity_key: keyword,
  alert_id: keyword,
  action: keyword,
  type: keyword,
  kind: keyword,
  window: object({ from: date, to: date }),
  created: date,
  updated: date,
  deadline: date,
  status: keyword,
  attempts: long,
  last_error: text,
  delivered_at: date,
  detail: opaque,
  notification: opaque,
});

const historyMappings = systemMappings({
  '@timestamp': date,
  watch_id: keyword,
  watch_version: long,
  run_id: keyword,
  scheduled_time: date,
  started: date,
  lateness_ms: long,
  duration_ms: long,
  window: object({ from: date, to: date }),
  hits: long,
  condition_met: bool,
  entities: keyword,
  state: keyword,
  skipped_windows: long,
  truncated: object({
    path: keyword,
    reason: keyword,
    other_docs: long,
    buckets: long,
    entities: long,
    pages: long,
    bound: long,
    hits: long,
    total: long,
    affects_entities: bool,
  }),
  kept_active: long,
  actions: object({ id: keyword, type: keyword, status: keyword, entity_key: keyword, error: text }),
  // delivery attempts share the history indices: `kind: delivery`
  kind: keyword,
  notification_id: keyword,
  entity_key: keyword,
  action: object({ id: keyword, type: keyword }),
  attempt: long,
  status: keyword,
  error: text,
  detail: opaque,
});

const responsesMappings = systemMappings({
  '@timestamp': date,
  id: keyword,
  request_id: keyword,
  // one block_ip decision sends one request per host: escalation counts decisions
  decision_id: keyword,
  action: keyword,
  // a refused request keeps the text it was given, which is no address: stored, not indexed
  ip: { type: 'ip', ignore_malformed: true },
  step: long,
  duration_ms: long,
  origin: keyword,
  watch_id: keyword,
  alert_id: keyword,
  host: object({ name: keyword }),
  backend: keyword,
  outcome: keyword,
  expires: date,
  // a block that extended one already in force names the request whose rule it kept
  extends_request_id: keyword,
  error: object({ message: text }),
});

const deadletterMappings = systemMappings({
  '@timestamp': date,
  event: object({ original: stored, dataset: keyword }),
  target_index: keyword,
  error: object({ type: keyword, message: text }),
});

/** One composable index template as Vigil installs it. */
export interface TemplateSpec {
  name: string;
  body: estypes.IndicesPutIndexTemplateRequest;
}

const settings = (extra: estypes.IndicesIndexSettings = {}): estypes.IndicesIndexSettings => ({
  number_of_shards: 1,
  // one copy on a single node (green health), a replica as soon as a second node joins
  auto_expand_replicas: '0-1',
  ...extra,
});

/** Name of the event template of `prefix` (the one whose text fields follow the cluster). */
export function eventTemplateName(prefix: string): string {
  return `${prefix}-events`;
}

/**
 * The templates for one prefix. Priorities grow with the prefix's length, so two installations whose
 * prefixes nest (`vigil`, `vigil-staging`) never collide at equal priority; system templates always
 * outrank the catch-all event template of the same prefix. The event template's `_meta.text_type`
 * records the text-field choice it was built with.
 */
export function indexTemplates(prefix: string, options: TemplateOptions): TemplateSpec[] {
  const meta = { managed_by: 'vigil', prefix };
  const spec = (name: string, patterns: string[], priority: number, mappings: estypes.MappingTypeMapping, extra?: estypes.IndicesIndexSettings, extraMeta?: Record<string, string>): TemplateSpec => ({
    name: `${prefix}-${name}`,
    body: {
      name: `${prefix}-${name}`,
      index_patterns: patterns,
      priority: priority + prefix.length,
      _meta: { ...meta, ...extraMeta },
      template: { settings: settings(extra), mappings },
    },
  });
  const eventSettings = { 'mapping.total_fields.limit': 2000 } as estypes.IndicesIndexSettings;
  return [
    spec('events', [`${prefix}-*`], 100, eventMappings(options.textType), eventSettings, { text_type: options.textType }),
    spec('watches', [`${prefix}-watches`], 1000, watchesMappings),
    spec('alerts', [`${prefix}-alerts`], 1000, alertsMappings),
    spec('deliveries', [`${prefix}-deliveries`], 1000, deliveriesMappings),
    spec('watch-history', [`${prefix}-watch-history-*`], 1000, historyMappings),
    spec('responses', [`${prefix}-responses-*`], 1000, responsesMappings),
    spec('deadletter', [`${prefix}-deadletter-*`], 1000, deadletterMappings),
  ];
}
