export { capturePortScan, type PortScanCapture, type PortScanOptions } from './capture.ts';
export { createNetnsPair, type NetnsEnd, type NetnsPair, type NetnsPairOptions, type RunResult } from './pair.ts';
export { findTool, requireRoot } from './tools.ts';
