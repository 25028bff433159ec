export { MemoryWatchRegistry } from './registry.ts';
export { MemoryAlertStore } from './alerts.ts';
export { MemoryHistoryStore } from './history.ts';
export { MemoryDeliveryLedger } from './deliveries.ts';
