import { MemoryAlertStore, MemoryHistoryStore, MemoryWatchRegistry } from '../src/index.ts';
import { describeStoreContract } from './contract/stores.contract.ts';

describeStoreContract('in-memory', async () => ({ registry: new MemoryWatchRegistry(), alerts: new MemoryAlertStore(), history: new MemoryHistoryStore() }));
