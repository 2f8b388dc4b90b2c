import { Injectable } from '@nestjs/common';
import { HUB_FAMILIES, REJECT_REASON_CODES, type RejectReason } from '@shakewatch/protocol';
import { Counter, Gauge, Registry } from 'prom-client';
import { AgentRegistry } from '../registry/agent-registry';

const F = HUB_FAMILIES;

/**
 * The hub's own health, in a prom-client registry of its own (no default metrics, no
 * `agent` label): a handful of series, so prom-client's cost per series does not matter.
 */
@Injectable()
export class HubHealth {
  readonly registry = new Registry();
  private readonly accepted = new Counter({ name: F.messagesAccepted.name, help: F.messagesAccepted.help, labelNames: ['type'] as const, registers: [this.registry] });
  private readonly handovers = new Counter({ name: F.handovers.name, help: F.handovers.help, registers: [this.registry] });
  private readonly ignored = new Counter({ name: F.messagesIgnored.name, help: F.messagesIgnored.help, registers: [this.registry] });
  private readonly rejects = new Counter({ name: F.rejected.name, help: F.rejected.help, labelNames: ['reason'] as const, registers: [this.registry] });
  private readonly scrapeDuration = new Gauge({ name: F.scrapeDuration.name, help: F.scrapeDuration.help, registers: [this.registry] });
  private readonly scrapeBytes = new Gauge({ name: F.scrapeBytes.name, help: F.scrapeBytes.help, registers: [this.registry] });
  private readonly scrapeSeries = new Gauge({ name: F.scrapeSeries.name, help: F.scrapeSeries.help, registers: [this.registry] });

  constructor(agents: AgentRegistry) {
    new Gauge({ name: F.connectedAgents.name, help: F.connectedAgents.help, registers: [this.registry], collect() { this.set(agents.connectedCount); } });
    new Gauge({ name: F.knownAgents.name, help: F.knownAgents.help, registers: [this.registry], collect() { this.set(agents.size); } });
    // Every series exists from the start: a rate() over a reason that first appears mid-range misses its first increase.
    for (const reason of REJECT_REASON_CODES) this.rejects.inc({ reason }, 0);
    for (const type of ['hello', 'snapshot']) this.accepted.inc({ type }, 0);
  }

  rejected(reason: RejectReason): void {
    this.rejects.inc({ reason });
  }

  acceptedMessage(type: 'hello' | 'snapshot'): void {
    this.accepted.inc({ type });
  }

  /** An agent came from another hub and is hidden for the handover. */
  handover(): void {
    this.handovers.inc();
  }

  ignoredSnapshot(): void {
    this.ignored.inc();
  }

  scraped(seconds: number, bytes: number, series: number): void {
    this.scrapeDuration.set(seconds);
    this.scrapeBytes.set(bytes);
    this.scrapeSeries.set(series);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
