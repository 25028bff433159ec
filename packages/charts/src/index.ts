// @vigil/charts: bar charts and daily timelines as SVG and PNG, for mail reports and the CLI.
export type { BarChartRow, BarChartSpec, TimelinePoint, TimelineSpec } from './spec.ts';
export { BAR_COLOUR, CHART_LIMITS } from './spec.ts';
export { barChartSvg, barChartPng, barChartSize } from './bar.ts';
export { timelineSvg, timelinePng, timelineSize } from './timeline.ts';
