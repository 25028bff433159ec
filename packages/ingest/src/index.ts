export { LineSplitter } from './lines.ts';
export { CommitTracker } from './commit.ts';
export { recordId } from './ids.ts';
export { OffsetStore, type FileOffset } from './offsets.ts';
export { RecordSink, buildEvent, newCounters, type EventOptions, type IngestCounters, type RecordOrigin, type RecordSinkOptions } from './sink.ts';
export { ingestFileOnce, commitFinal, type FileOnceOptions, type FileOnceResult } from './inputs/file-once.ts';
export { FileTailInput, type FileTailOptions, type FileTailCounters, type RecordTarget } from './inputs/file/tail.ts';
