import Handlebars from 'handlebars';
import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';
import { VigilError } from '../errors.ts';
import { compileKql } from '../kql/index.ts';
import { durationSchema } from './duration.ts';
import { compileExpression, ExpressionSyntaxError } from './expression.ts';
import { parsePath } from './path.ts';
import { searchDslProblems } from './dsl.ts';
import { referenceProblems } from './references.ts';
import { checkTemplate, type TemplateCheckOptions } from './template.ts';

/**
 * The watch definition: one YAML or JSON file per watch under `watches/`. Every object is strict
 * (an unknown key is an error); durations are text in the file and milliseconds once validated.
 * `watches/schema.json` is generated from this (`npm run schema:watches`) for editor completion.
 */

const name = (what: string) =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, `${what} must be a letter or "_" followed by up to 63 letters, digits, "_" or "-"`);

/** A path into a JSON value: `aggregations.by_source.buckets[].key`. */
const pathSchema = z.string().superRefine((text, ctx) => {
  try {
    parsePath(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** An expression of the watch expression language (see expression.ts), compiled to check it. */
export const expressionSchema = z
  .string()
  .superRefine((text, ctx) => {
    try {
      compileExpression(text);
    } catch (error) {
      if (!(error instanceof ExpressionSyntaxError)) throw error;
      ctx.addIssue({ code: 'custom', message: `bad expression: ${error.message}` });
    }
  })
  .meta({ description: 'An expression: paths, numbers, "strings", comparisons (== != > >= < <=), && || !, + - * / %' });

/** Handlebars' parse error as one line: where on its first line, what it expected on its last. */
function templateSyntaxMessage(error: unknown): string {
  const lines = (error as Error).message.split('\n');
  return `bad template: ${[...new Set([lines[0], lines.at(-1)])].join(' ')}`;
}

/**
 * A Handlebars template, checked for syntax and against the helpers that exist
 * ({@link TEMPLATE_HELPERS}): an unknown helper, a partial or a misused helper is a validation
 * error, not a failed window. Values are escaped for the destination unless written `{{{raw}}}`.
 */
export function templateSchemaFor(options: TemplateCheckOptions) {
  return z.string().superRefine((text, ctx) => {
    let check;
    try {
      check = checkTemplate(text, options);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: templateSyntaxMessage(error) });
      return;
    }
    for (const problem of check.problems) ctx.addIssue({ code: 'custom', message: `bad template: ${problem}` });
  });
}

/** A template of an action option: may use `{{secret "name"}}`. */
export const templateSchema = templateSchemaFor({ secrets: true });

function exactlyOne<T extends Record<string, unknown>>(keys: readonly (keyof T & string)[], what: string) {
  return (value: T, ctx: z.RefinementCtx) => {
    const present = keys.filter((k) => value[k] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `${what} needs exactly one of ${keys.join(', ')}${present.length > 1 ? ` (found ${present.join(' and ')})` : ''}` });
    }
  };
}

export const scheduleSchema = z
  .strictObject({
    /** A fixed interval, `10s`: runs at multiples of it since the epoch, so every worker agrees. */
    every: durationSchema({ min: 1000, max: 86_400_000, description: 'Run at every multiple of this interval since the epoch.' }).optional(),
    /** A five-field cron expression, `*\/5 * * * *`, in `timezone`. */
    cron: z
      .string()
      .superRefine((text, ctx) => {
        try {
          CronExpressionParser.parse(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `bad cron expression: ${(error as Error).message}` });
        }
      })
      .optional()
      .describe('A five-field cron expression, for example "*/5 * * * *", in `timezone`.'),
    /** IANA time zone for `cron` (DST-safe), default UTC. */
    timezone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'unknown IANA time zone, for example Europe/Tallinn')
      .optional()
      .describe('IANA time zone of `cron` (DST-safe), default UTC.'),
    /**
     * After an outage, how far back missed runs are still evaluated (default 1h). Older windows are
     * skipped and the run's history says so.
     */
    max_catch_up: durationSchema({ min: 0, description: 'After an outage, missed runs this far back are still evaluated (default 1h).' }).prefault('1h'),
  })
  .superRefine(exactlyOne(['every', 'cron'], 'schedule'))
  .superRefine((s, ctx) => {
    if (s.timezone !== undefined && s.cron === undefined) ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'timezone applies only to cron schedules' });
  });

/**
 * The time window a search covers: `[end - size, end)`, where end is the run's time minus `delay`.
 * Give `within` (the burst the watch looks for) or `size` (the plumbing), not both.
 */
export const windowSchema = z
  .strictObject({
    /** How much time each run searches. Windows of runs `every` apart overlap when `size > every`. */
    size: durationSchema({ min: 1000, description: 'How much time each run searches (or give within instead).' }).optional(),
    /**
     * The burst the watch looks for: "more than 50 ports within 30 s". Any burst that fits in `within`
     * is found by some run, whatever its phase against the schedule: each run searches
     * `within + schedule.every`, so every interval of length `within` lies whole in one run's window.
     */
    within: durationSchema({
      min: 1000,
      description: 'The burst to find, e.g. 30s: any burst that fits in it is found whatever its phase; each run then searches within + schedule.every.',
    }).optional(),
    /** The event time field the window filters on. */
    field: z.string().min(1).default('@timestamp').describe('The event time field the window filters on.'),
    /** How long to wait for late events: the window ends this long before the scheduled time. */
    delay: durationSchema({ description: 'Wait this long for late events: the window ends this long before the run time.' }).prefault('0s'),
  })
  .superRefine(exactlyOne(['size', 'within'], 'window'))
  // `size` always holds what a run searches; a `within` window is widened by the schedule step at the watch level
  .transform((w) => ({ ...w, size: w.size ?? (w.within as number) }));

/** The bounds of composite-aggregation paging when a search does not set them: generous, reached only by a flood. */
export const PAGING_DEFAULTS = { max_entities: 100_000, max_pages: 100 } as const;

/**
 * Bounds on paging: a search follows every top-level `composite` aggregation's `after_key` until its
 * buckets are exhausted or a bound is reached; reaching one is recorded in history as truncated.
 */
export const pagingSchema = z.strictObject({
  /** At most this many buckets (entities) per composite aggregation. */
  max_entities: z
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe(`At most this many buckets (entities) per composite aggregation (default ${PAGING_DEFAULTS.max_entities}); reaching it is recorded as truncated.`),
  /** At most this many requests per search (the first page included). */
  max_pages: z
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe(`At most this many requests per search, the first page included (default ${PAGING_DEFAULTS.max_pages}); reaching it is recorded as truncated.`),
});

/** `{ kql: '...' }`: a query in Kibana's query language, compiled to query DSL at validation. */
const kqlQuerySchema = z.strictObject({
  kql: z.string().describe("A query in Kibana's query language (KQL), e.g. 'event.category:authentication and event.outcome:failure'."),
});

/**
 * A search's query: query DSL as Elasticsearch takes it, or `{ kql: '...' }` (exactly that one key),
 * compiled to query DSL here, so everything after validation sees DSL. A KQL syntax error is an
 * issue at `query.kql`, located at that line of the watch file.
 */
export const querySchema = z
  .union([kqlQuerySchema, z.record(z.string(), z.unknown()).describe('A query DSL clause.')], {
    error: (issue) => (issue.code === 'invalid_union' ? 'must be a query DSL object or { kql: "..." }' : undefined),
  })
  .transform((query, ctx): Record<string, unknown> => {
    if (!('kql' in query)) return query;
    // a record with a kql key that is not exactly { kql: string } got here past the kql branch
    const kql = kqlQuerySchema.safeParse(query);
    if (!kql.success) {
      for (const issue of kql.error.issues) ctx.addIssue(issue.code === 'unrecognized_keys' ? { code: 'unrecognized_keys', keys: issue.keys, path: issue.path, message: issue.message } : { code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }
    try {
      return compileKql(kql.data.kql);
    } catch (error) {
      // the KQL grammar recurses per nesting level: a hostile depth is a located error, not a stack trace
      if (error instanceof RangeError) {
        ctx.addIssue({ code: 'custom', path: ['kql'], message: 'KQL query nested too deeply to compile (use fewer levels of parentheses)' });
        return z.NEVER;
      }
      if (!(error instanceof VigilError) || error.code !== 'KQL_INVALID') throw error;
      ctx.addIssue({ code: 'custom', path: ['kql'], message: error.message });
      return z.NEVER;
    }
  })
  .describe('A query DSL clause, or { kql: "..." } (a KQL query compiled to DSL), AND-ed with the window filter.');

/**
 * An index pattern relative to the prefix: a dataset name (`auth`, `tcpdump`, `watch`…), `-`, then
 * letters, digits, `.`, `_`, `-` or `*`. No leading `*` (it would reach every index of the prefix,
 * its alerts and watches too), no `-` exclusion, no `,` list, no `:` remote cluster.
 */
const INDEX_UNDER_PREFIX = /^[a-z][a-z0-9_]*-[a-z0-9*._-]*$/;

/** One Elasticsearch search, with the window's range filter added to `query`. */
export const searchSchema = z.strictObject({
  /** Index patterns relative to the index prefix: `tcpdump-*` reads `<prefix>-tcpdump-*`. */
  indices: z
    .array(
      z
        .string()
        .regex(
          INDEX_UNDER_PREFIX,
          'must be a lower-case index name or pattern under the prefix: a dataset name, "-", then a date or *, for example tcpdump-* or auth-2026.* (no leading *, no - exclusions, no commas, no other prefix or cluster)',
        ),
    )
    .min(1)
    .describe('Index patterns without the prefix: tcpdump-* reads <prefix>-tcpdump-*. Each starts with a dataset name and "-", so a watch reads only its prefix\'s indices.'),
  window: windowSchema,
  /**
   * A query DSL clause, or `{ kql: '...' }`, combined with the window filter. In a chain, a string
   * of the DSL that is exactly `{{path}}` becomes the value at that path of the earlier results (an
   * array stays an array).
   */
  query: querySchema.optional(),
  /** Aggregations in query DSL. */
  aggs: z.record(z.string(), z.unknown()).optional().describe('Aggregations in query DSL.'),
  /** Hits to return (default 0: aggregations only). */
  size: z.int().min(0).max(10_000).default(0).describe('Hits to return (default 0: aggregations only).'),
  sort: z.array(z.unknown()).optional(),
  /**
   * Bounds on following `composite` aggregations: every top-level composite is paged through
   * (`after_key`) and its buckets merged into one array, so a per-entity condition sees every entity.
   */
  paging: pagingSchema
    .optional()
    .describe('Bounds on paging through top-level composite aggregations (every page is followed and merged into one buckets array).'),
});

const namedSearch = z.strictObject({ name: name('a search name'), search: searchSchema });

const joinPairSchema = z.strictObject({ left: pathSchema, right: pathSchema });

export const joinSchema = z.strictObject({
  left: namedSearch,
  right: namedSearch,
  /** Fields that must be equal on both sides, `{ left: host.hostname, right: host.hostname }`. */
  on: z.array(joinPairSchema).default([]).describe('Fields that must be equal on both sides.'),
  /**
   * Fields that say where a hit was written from (sshd's `process.pid`). With them the join names one
   * `source.ip` per left hit from the strongest evidence, or says it is ambiguous, instead of pairing
   * every hit (watches/README.md, "Joins that name a source").
   */
  origin: z
    .array(joinPairSchema)
    .min(1)
    .optional()
    .describe("Fields that say where a hit was written from (sshd's process.pid): the join then names one source.ip per left hit, or says it is ambiguous."),
  /** Largest time difference between a left and a right hit that still joins them. */
  within: durationSchema({ description: 'Largest time difference between a left and a right hit that still pairs them.' }),
  /** The time field of both sides' hits. */
  time_field: z.string().default('@timestamp'),
});

/** An IPv4 or IPv6 address or CIDR range, as text (checked again, exactly, when the input runs). */
const cidrText = z.string().regex(/^(?:[0-9.]+|[0-9a-fA-F:.]+)(?:\/\d{1,3})?$/, 'must be an address or a CIDR range such as 10.0.0.0/8 or fd00::/8');

const DAY_MS = 86_400_000;

/**
 * The most frequent attacking source addresses (seed 004), by Elasticsearch aggregations over the
 * event indices: each period is `payload.<name>` = `{rows, other_sources, other_events, truncated}`,
 * each row `{ip, count, first_seen, last_seen, datasets, actions, blocked, blocked_on}`.
 */
export const topSourcesInputSchema = z.strictObject({
  /** Named periods ending at the run (`last_24h: 24h`, `last_90d: 90d`): `payload.last_24h.rows[]`. */
  periods: z
    .record(name('a period name'), durationSchema({ min: 60_000, max: 400 * DAY_MS, description: 'How far back from the run the period reaches.' }))
    .refine((p) => Object.keys(p).length > 0 && Object.keys(p).length <= 5, 'must name 1 to 5 periods')
    .describe('Named periods ending at the run, each payload.<name>: { rows, other_sources, other_events, truncated }.'),
  /** Rows per period, most events first (default 20). */
  limit: z.number().int().min(1).max(1000).default(20).describe('Rows per period, most events first (default 20, at most 1000).'),
  /** Leave out sources with fewer events (default 1). */
  min: z.number().int().min(1).default(1).describe('Leave out sources with fewer events than this (default 1).'),
  /** Left out: default the local networks (loopback, RFC 1918, link-local, CGNAT, ULA), as the seed's SQL; `[]` leaves nothing out. */
  exclude: z.array(cidrText).max(1000).optional().describe('Source ranges left out; default the local networks (as the responder allowlist defaults); [] leaves nothing out.'),
  /** Count every event with a source address, not only attack evidence. */
  all_events: z.boolean().default(false).describe('Count every event with a source.ip, not only attack evidence (failures, alerts, firewall denials, SYN captures).'),
  /** `payload.daily[]` = `{day, count}` for every UTC day of this period back from the run (a timeline). */
  daily: durationSchema({ min: DAY_MS, max: 400 * DAY_MS, description: 'payload.daily: events per UTC day over this period, for a timeline.' }).optional(),
});

export const inputSchema = z
  .strictObject({
    search: searchSchema.optional(),
    /** Searches run in order; each result is `inputs.<name>`, and a later query may use earlier ones. */
    chain: z
      .array(namedSearch)
      .min(1)
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, i) => {
          if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate search name "${item.name}"` });
          seen.add(item.name);
        });
      })
      .optional(),
    /** Two searches whose hits are paired when close in time (and equal on `on`): `joined[]`. */
    join: joinSchema.optional(),
    /** The most frequent attacking sources over named periods, and whether each is blocked now (reports). */
    top_sources: topSourcesInputSchema.optional(),
  })
  .superRefine(exactlyOne(['search', 'chain', 'join', 'top_sources'], 'input'));

export const compareOps = ['gt', 'gte', 'lt', 'lte', 'eq', 'not_eq'] as const;

export const conditionSchema = z
  .strictObject({
    always: z.literal(true).optional(),
    never: z.literal(true).optional(),
    /** Fires once (for the watch as a whole) when the value at `path` compares true with `value`. */
    compare: z
      .strictObject({ path: pathSchema, op: z.enum(compareOps), value: z.union([z.number(), z.string(), z.boolean(), z.null()]) })
      .optional()
      .describe('One alert for the watch when the value at `path` compares true with `value`.'),
    /**
     * Per entity: one alert candidate per element at `path` (with `[]` steps) where `where` holds.
     * `key` names the entity: alert field → path in the element's scope, in which every `[]` level
     * is reachable by its aggregation name (`by_source.key`) and the element's own fields directly.
     */
    buckets: z
      .strictObject({
        path: pathSchema.refine((p) => p.includes('[]'), 'must step into an array with [], for example aggregations.by_source.buckets[]'),
        key: z.record(z.string().min(1), pathSchema).refine((k) => Object.keys(k).length > 0, 'needs at least one key field'),
        where: expressionSchema.optional(),
      })
      .optional()
      .describe('One alert per element at `path` ([] steps) where `where` holds; `key` names the entity (field → path).'),
  })
  .superRefine(exactlyOne(['always', 'never', 'compare', 'buckets'], 'condition'));

/** Fields of the alert's payload, built per entity from its scope, in this order. */
export const transformSchema = z.strictObject({
  /** `payload name → path`. */
  pick: z.record(z.string().min(1), pathSchema).optional(),
  /** `payload name → expression`, evaluated over the scope plus the picked fields. */
  compute: z.record(z.string().min(1), expressionSchema).optional(),
  /** `payload name → Handlebars template`, rendered over `{ watch, entity, payload, window }`. */
  template: z.record(z.string().min(1), templateSchemaFor({ secrets: false })).optional(),
});

export const throttleSchema = z.strictObject({
  /** No notification for the same entity within this period of the last one (ongoing alerts). */
  period: durationSchema({ description: 'No notification for the same entity within this period of the last one.' }),
  /** Throttle on these entity fields only (default: all key fields), e.g. per attacker across targets. */
  key: z.array(z.string().min(1)).min(1).optional().describe('Throttle on these entity fields only (default: all key fields).'),
  /** Exponential re-alert: each notification of an ongoing alert multiplies the period, up to `max`. */
  realert: z
    .strictObject({ multiplier: z.number().min(1).max(100), max: durationSchema() })
    .optional()
    .describe('Each notification of an ongoing alert multiplies the period, up to `max`.'),
});

export const severities = ['low', 'medium', 'high', 'critical'] as const;

/** Fields every action has, whatever its type. */
export const actionBaseShape = {
  /** Runs the action only for alerts where this expression holds over `{ entity, payload, alert }`. */
  condition: expressionSchema.optional(),
};

/** An action type's options schema; `type` is added by {@link createWatchSchema}. */
export type ActionOptionsSchema = z.ZodObject;

/**
 * The watch schema for a set of action types (the actions package's registry supplies them, so
 * core need not know every type). Unknown action types are errors naming the accepted ones.
 */
export function createWatchSchema(actionTypes: Readonly<Record<string, ActionOptionsSchema>>) {
  const types = Object.keys(actionTypes);
  const variants = types.map((type) => z.strictObject({ type: z.literal(type), ...actionBaseShape, ...actionTypes[type]!.shape }));
  const action = z.discriminatedUnion('type', variants as [(typeof variants)[number], ...(typeof variants)[number][]], {
    error: (issue) => (issue.code === 'invalid_union' ? `unknown or missing action type: expected one of ${types.join(', ')}` : undefined),
  });
  const actions = z.record(name('an action name'), action);
  return z.strictObject({
    /** Stable id, used in indices, queues and alert keys: `<area>.<file name>` for files under watches/. */
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'must be 1-128 lower-case letters, digits, ".", "_" or "-"')
      .describe('Stable id: <area>.<file name> for watches/<area>/<file name>.yaml.'),
    name: z.string().min(1).describe('Shown in alerts and lists.'),
    description: z.string().default(''),
    severity: z.enum(severities).default('medium'),
    /** Free tags, such as MITRE ATT&CK technique ids (`attack.t1046`). */
    tags: z.array(z.string().min(1)).default([]),
    enabled: z.boolean().default(true),
    schedule: scheduleSchema,
    input: inputSchema,
    condition: conditionSchema,
    transform: transformSchema.optional(),
    throttle: throttleSchema.optional(),
    actions: actions.default({}).describe('Named actions, each a `type` with its options and an optional `condition`.'),
    /** Run once for an entity whose alert resolves (its condition no longer holds). */
    on_resolve: actions.optional().describe("Actions run once when an entity's alert resolves."),
    /**
     * Run once for each outcome a responder reports on a block this watch's `block_ip` requested:
     * `{{response.outcome}}` is `blocked`, `refused` or `failed`, with `response.host`, `response.ip`,
     * `response.expires`; an action's `condition` sees `response` too (`response.outcome == "blocked"`).
     */
    on_response: actions
      .optional()
      .describe('Actions run once for each outcome a responder reports on a block this watch requested (response.outcome: blocked, refused or failed; response.host, response.ip, response.expires); conditions see response too.'),
    /** Free data for templates: `{{metadata.runbook}}`. */
    metadata: z.record(z.string(), z.unknown()).default({}),
    /**
     * Let this watch's searches run scripts: `script` and `script_score` queries, `script` keys,
     * `runtime_mappings`, `script_fields`, `_script` sorts, scripted aggregations (`scripted_metric`,
     * `bucket_script`, `bucket_selector`, `moving_fn`). Off by default: a script is code run in the
     * cluster with the watcher's rights, and every shipped watch does without.
     */
    allow_scripts: z
      .boolean()
      .default(false)
      .describe('Allow scripts in this watch\'s searches (script queries and keys, runtime_mappings, script_fields, scripted aggregations); default false.'),
  })
    .superRefine((watch, ctx) => {
      for (const { search, path } of searchesOf(watch.input)) {
        for (const problem of searchDslProblems(search, watch.allow_scripts)) ctx.addIssue({ code: 'custom', path: [...path, ...problem.path], message: problem.message });
      }
      for (const problem of referenceProblems(watch)) if (problem.severity === 'error') ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    })
    .superRefine((watch, ctx) => {
      if (watch.schedule.every !== undefined) return;
      for (const { search, path } of searchesOf(watch.input)) {
        if (search.window.within !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'window', 'within'], message: 'within needs schedule.every (a cron schedule has no fixed step to widen the window by): use size, or an every schedule' });
      }
    })
    .transform((watch) => {
      for (const { search } of searchesOf(watch.input)) if (search.window.within !== undefined) search.window.size = search.window.within + watch.schedule.every!;
      return watch;
    });
}

/** Every search of an input, with its path in the watch file (for error locations). */
function searchesOf(input: z.output<typeof inputSchema>): { search: z.output<typeof searchSchema>; path: (string | number)[] }[] {
  if (input.search !== undefined) return [{ search: input.search, path: ['input', 'search'] }];
  if (input.chain !== undefined) return input.chain.map((step, i) => ({ search: step.search, path: ['input', 'chain', i, 'search'] }));
  if (input.join !== undefined) return (['left', 'right'] as const).map((side) => ({ search: input.join![side].search, path: ['input', 'join', side, 'search'] }));
  return [];
}

export type WatchSchema = ReturnType<typeof createWatchSchema>;
/** A validated watch (durations in milliseconds, defaults applied). */
export type Watch = z.output<WatchSchema>;
export type WatchSearch = z.output<typeof searchSchema>;
/** A `top_sources` input, validated (durations in ms). */
export type TopSourcesInput = z.output<typeof topSourcesInputSchema>;
export type WatchCondition = z.output<typeof conditionSchema>;
export type WatchAction = Watch['actions'][string];
