import { AGENT_FAMILIES, renderFamilies, type Snapshot } from '@shakewatch/protocol';

const FAMILIES = Object.values(AGENT_FAMILIES);

/** A snapshot as Prometheus text (libs/protocol's renderer), every series labelled `agent` with this agent's id. */
export function renderSnapshot(families: Snapshot['families'], agentId: string): string {
  return renderFamilies(FAMILIES, agentId, (f) => families[f.name]);
}

/** `--print-metrics`: each snapshot as Prometheus text on stdout. */
export class StdoutPublisher {
  constructor(private readonly agentId: string, private readonly out: NodeJS.WritableStream = process.stdout) {}

  publish(families: Snapshot['families']): void {
    this.out.write(renderSnapshot(families, this.agentId));
  }
}
