import type { Hello, Snapshot } from '@shakewatch/protocol';

/** Test messages: a valid hello and a small valid snapshot. */
export function hello(agentId: string, bootId = 'boot-0001', intervalSeconds = 10, extra: Partial<Hello> = {}): Hello {
  return { type: 'hello', protocol: 1, agentId, agentVersion: '1.2.3', hostname: `${agentId}.example`, bootId, startedAt: 1_700_000_000, intervalSeconds, capture: { source: 'live', interfaces: ['eth0'] }, ...extra };
}

export function snapshot(bootId: string, seq: number, packets: number, extra: Partial<Snapshot> = {}): Snapshot {
  return { type: 'snapshot', bootId, seq, time: 1_700_000_000_000 + seq, families: { shakewatch_capture_packets_total: [[[], packets]] }, ...extra };
}
