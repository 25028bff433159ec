export { capturePortScan, type PortScanCapture, type PortScanOptions } from './capture.ts';
export { createNetnsPair, type NetnsEnd, type NetnsPair, type NetnsPairOptions, type RunResult } from './pair.ts';
export { findTool, requireRoot } from './tools.ts';
export { createFirewallLab, requireTools, SBIN_PATH, type FirewallLab } from './firewall.ts';
export { createSshdLab, type SshdLab, type SshdLabOptions, type SshLogin, type SshLoginResult } from './sshd.ts';
