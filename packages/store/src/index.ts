export { createElasticsearchClient, elasticsearchError } from './client.ts';
export { dayOf, eventIndex, systemIndex, dailySystemIndex, SYSTEM_INDICES, DAILY_SYSTEM_INDICES, type SystemIndex, type DailySystemIndex } from './indices.ts';
export { indexTemplates, eventProperties, type TemplateSpec } from './templates.ts';
export { setupIndices, missingTemplates, type SetupReport } from './setup.ts';
export { BulkWriter, type BulkDocument, type BulkStats, type BulkWriterOptions } from './bulk/writer.ts';
