export type { LogParser, ParseContext, ParsedFields, ParseFailure, LogRecord, Line, RecordFramer, RecordBounds, BlockFormat } from './types.ts';
export { ECS_VERSION, HOST_OS_TYPES, isFailure, type HostOsType } from './types.ts';
export { lineFramer, startLineFramer, blockFramer, recordBounds, DEFAULT_RECORD_BOUNDS, type BlockFramerOptions } from './framing.ts';
export { toEvent, MAX_RECORD_BYTES } from './record.ts';
export { parsers, parserFor } from './registry.ts';
export { zonedToEpochMs, isoWithFraction, inferYear, monthNumber, isValidTimezone } from './time.ts';
export { autoParser } from './auto/index.ts';
