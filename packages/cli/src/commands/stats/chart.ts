import { barChartPng, CHART_LIMITS } from '@vigil/charts';
import type { SourceRow } from '@vigil/store';

// Loaded only with --chart: the renderer (resvg and its fonts) stays out of every other command.

/** The most bars one image holds; a longer list is charted in part, and the command says so. */
export const MAX_CHART_BARS: number = CHART_LIMITS.maxBars;

/** The PNG bar chart of a top-sources list, one bar per address in list order (the first {@link MAX_CHART_BARS}); no rows: an image saying so. */
export function sourcesChart(title: string, rows: readonly SourceRow[], valueLabel: string): Buffer {
  return barChartPng({ title, rows: rows.slice(0, MAX_CHART_BARS).map((r) => ({ label: r.ip, value: r.count })), valueLabel });
}
