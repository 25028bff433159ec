import type { estypes } from '@elastic/elasticsearch';

/**
 * Shared sub-aggregations and the shapes of the buckets they answer with. A terms list is cut when
 * its `sum_other_doc_count` is above zero: every reader reports that rather than dropping it.
 */

/** The bucket of a `terms` aggregation (string keys: `source.ip`, `event.dataset`, `event.action`). */
export interface TermsBucket {
  key: string;
  doc_count: number;
}

export interface TermsAggregate<B extends TermsBucket = TermsBucket> {
  buckets: B[];
  sum_other_doc_count?: number;
  doc_count_error_upper_bound?: number;
}

/** Terms order: most documents first, ties by key, so that equal counts always come out in the same order. */
export const BY_COUNT: estypes.AggregationsAggregateOrder = [{ _count: 'desc' }, { _key: 'asc' }];

/** Label of events that have neither `event.action` nor `rule.name`. */
export const NO_ACTION = '(none)';

/**
 * What an event did: `event.action`, or for events without one (OSSEC/Wazuh alerts) the name of
 * the rule that raised it, so that an alert-only source still says what it was seen doing.
 */
export function actionAggs(size: number): Record<string, estypes.AggregationsAggregationContainer> {
  return {
    actions: { terms: { field: 'event.action', size, order: BY_COUNT } },
    no_action: { missing: { field: 'event.action' }, aggs: { rules: { terms: { field: 'rule.name', size, missing: NO_ACTION, order: BY_COUNT } } } },
  };
}

/** The buckets of {@link actionAggs}. */
export interface ActionBuckets {
  actions: TermsAggregate;
  no_action: { doc_count: number; rules: TermsAggregate };
}

/** The actions of a bucket with {@link actionAggs}, most frequent first, and whether a list was cut. */
export function actionsOf(bucket: ActionBuckets): { actions: TermsBucket[]; cut: boolean } {
  const named = bucket.actions.buckets;
  const rules = bucket.no_action.rules.buckets;
  const merged = [...named, ...rules].sort((a, b) => b.doc_count - a.doc_count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { actions: merged, cut: isCut(bucket.actions) || isCut(bucket.no_action.rules) };
}

export function isCut(terms: TermsAggregate): boolean {
  return (terms.sum_other_doc_count ?? 0) > 0;
}

/** `min`/`max` of `@timestamp` as ISO text, or undefined for a bucket without documents. */
export function isoOf(aggregate: { value: number | null } | undefined): string | undefined {
  return aggregate?.value === null || aggregate?.value === undefined ? undefined : new Date(aggregate.value).toISOString();
}
