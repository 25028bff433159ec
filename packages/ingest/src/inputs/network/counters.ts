/**
 * What every stream input counts, besides the lines it reads (those go to the shared
 * `IngestCounters.linesIn`, which the input's sink and the metrics read too). Plain numbers, read at
 * scrape time.
 */
export interface StreamCounters {
  /** Bytes received (datagram payloads, TCP or pipe bytes). */
  bytes: number;
  /** Socket and stream errors, refused connections, and records the target refused to take. */
  errors: number;
  /** Records received and not yet taken by the target (queued in memory, or spilled to disk). */
  backlog: number;
}

/** Counters of a TCP input. */
export interface ConnectionCounters extends StreamCounters {
  /** Connections accepted since start. */
  connections: number;
  /** Connections open now. */
  openConnections: number;
  /** Connections not being read right now because the target is busy with their records. */
  pausedConnections: number;
  /** Connections refused: `maxConnections` were open, or TLS or the client certificate was not accepted. */
  refusedConnections: number;
}

export function newConnectionCounters(): ConnectionCounters {
  return { bytes: 0, errors: 0, backlog: 0, connections: 0, openConnections: 0, pausedConnections: 0, refusedConnections: 0 };
}
