import type { IngestCounters } from '../../sink.ts';
import { TcpInput, type TcpInputOptions } from '../network/tcp-input.ts';
import type { StreamDecoder } from '../network/tcp-server.ts';
import { SyslogFrameDecoder } from './framing.ts';

/**
 * Options of {@link SyslogTcpInput}: one record per syslog message. No parser option: RFC 6587
 * framing already delimits records (an octet-counted message keeps its newlines). `tls` (see
 * {@link TcpInputOptions}) makes it RFC 5425 syslog over TLS, the same framing inside the TLS stream.
 */
export type SyslogTcpOptions = TcpInputOptions;

/**
 * Syslog over TCP (RFC 6587): octet-counted and newline/NUL-terminated framing, detected per message,
 * so rsyslog (`@@host:port`, either framing), syslog-ng and OSSEC can all send here. Each connection
 * is read only while its previous records are taken by the target: when Elasticsearch is slow, TCP
 * slows the senders instead of memory filling up. A connection closed mid-message still delivers the
 * part that arrived. Ids are random: syslog has no identity that a resend would repeat.
 *
 * With `tls`, this is RFC 5425 (syslog over TLS, rsyslog `gtls`, syslog-ng `tls()`): senders use
 * octet counting there, which the decoder reads as it does over plain TCP.
 */
export class SyslogTcpInput extends TcpInput {
  constructor(options: SyslogTcpOptions) {
    super(options, countingDecoder);
  }
}

/** A syslog decoder that counts each message as a line read. */
function countingDecoder(lines: IngestCounters): StreamDecoder {
  const decoder = new SyslogFrameDecoder();
  const count = (messages: string[]) => {
    lines.linesIn += messages.length;
    return messages;
  };
  return { push: (chunk) => count(decoder.push(chunk)), end: () => count(decoder.end()) };
}
