import { AGENT_FAMILIES, renderFamilies, type Snapshot } from '@shakewatch/protocol';

const FAMILIES = Object.values(AGENT_FAMILIES);

/** Snapshots queued for a stdout nobody reads beyond this are dropped, not kept in memory. */
export const MAX_QUEUED_STDOUT_BYTES = 1024 * 1024;

/** A snapshot as Prometheus text (libs/protocol's renderer), every series labelled `agent` with this agent's id. */
export function renderSnapshot(families: Snapshot['families'], agentId: string): string {
  return renderFamilies(FAMILIES, agentId, (f) => families[f.name]);
}

/**
 * `--print-metrics`: each snapshot as Prometheus text on stdout. A write error (a full
 * disk, a closed pipe) goes to onError once and nothing more is written; a reader that
 * stopped reading costs at most MAX_QUEUED_STDOUT_BYTES (later snapshots are skipped:
 * each is cumulative, so the next one read is complete).
 */
export class StdoutPublisher {
  private failed = false;

  constructor(private readonly agentId: string, private readonly onError: (e: unknown) => void, private readonly out: NodeJS.WriteStream = process.stdout) {
    out.on('error', (e) => this.fail(e));
  }

  publish(families: Snapshot['families']): void {
    if (this.failed || this.out.writableLength > MAX_QUEUED_STDOUT_BYTES) return;
    try {
      // Files are written synchronously: their errors (ENOSPC) are thrown here, not emitted.
      this.out.write(renderSnapshot(families, this.agentId));
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.onError(e);
  }
}
