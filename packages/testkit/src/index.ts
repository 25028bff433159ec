export { startCaptureServer, type CaptureServer, type CaptureServerOptions } from './smtp-capture/server.ts';
export { listMessages, getMessage, waitForMessage, type MessageDetail, type MessageSummary } from './mail-api.ts';
export { serviceEnv, parseEnvFile, type ServiceEnv } from './services.ts';
export { uniquePrefix } from './prefix.ts';
export { repoRoot, fixturesDir, readFixture, fixtureLines } from './paths.ts';
export { dropPrefix } from './elasticsearch.ts';
export { freePort } from './net.ts';
export { TcpProxy } from './proxy.ts';
export { capturePortScan, createNetnsPair, findTool, type NetnsEnd, type NetnsPair, type PortScanCapture, type PortScanOptions } from './netns/index.ts';
