export { capturePortScan, type PortScanCapture, type PortScanOptions } from './capture.ts';
export { createNetnsPair, type NetnsEnd, type NetnsPair, type NetnsPairOptions, type RunResult } from './pair.ts';
export { findTool, requireRoot } from './tools.ts';
export { createFirewallLab, requireTools, SBIN_PATH, type FirewallLab } from './firewall.ts';
export { createSshdLab, type SshdLab, type SshdLabOptions, type SshLogin, type SshLoginResult, type SyslogPlace } from './sshd.ts';
export { startRsyslog, type Rsyslog, type RsyslogOptions } from './rsyslog.ts';
export { relayIntoNamespace, type Relay, type RelayOptions } from './relay.ts';
export { createAttackLab, SEED000_FIREWALL, type AttackLab, type AttackLabOptions, type PasswordLogin, type PasswordLoginResult, type SynStream } from './attack-lab.ts';
