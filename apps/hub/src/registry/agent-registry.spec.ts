import { HUB_STALE_INTERVALS } from '@shakewatch/protocol';
import { hello, snapshot } from '../testing/messages';
import { AgentRegistry } from './agent-registry';

describe('AgentRegistry', () => {
  let now: number;
  let reg: AgentRegistry;
  const opts = { maxAgents: 3, graceSeconds: 15, handoverSeconds: 25, agentTtlSeconds: 3600 };
  const HUB = 'hub-a:9464';
  beforeEach(() => {
    now = 1_000_000;
    reg = new AgentRegistry(opts, () => now);
  });
  /** The kept value of shakewatch_capture_packets_total, read back from the rendered bytes. */
  const packets = (id: string) => Number(/shakewatch_capture_packets_total\{[^}]*\} (\d+)/.exec(Buffer.concat(reg.get(id)!.rendered!.chunks).toString())?.[1]);

  it('keeps the newest snapshot of a boot and ignores stale or duplicate seqs', () => {
    expect(reg.admit(hello('a'), 1, HUB)).toEqual({ lastSeq: 0, holdMs: 0 });
    expect(reg.snapshot('a', 1, snapshot('boot-0001', 1, 10))).toBe('kept');
    expect(reg.snapshot('a', 1, snapshot('boot-0001', 3, 30))).toBe('kept');
    expect(reg.isStale('a', 'boot-0001', 3)).toBe(true);
    expect(reg.snapshot('a', 1, snapshot('boot-0001', 3, 99))).toBe('ignored');
    expect(reg.snapshot('a', 1, snapshot('boot-0001', 2, 20))).toBe('ignored');
    expect(packets('a')).toBe(30);
    expect(reg.get('a')!.seq).toBe(3);
  });

  it('tells a reconnecting agent the seq it holds for the same boot, and 0 for a new boot, whose totals replace the old', () => {
    reg.admit(hello('a', 'boot-0001'), 1, HUB);
    reg.snapshot('a', 1, snapshot('boot-0001', 7, 70));
    reg.disconnect('a', 1);
    expect(reg.admit(hello('a', 'boot-0001'), 2, HUB)).toEqual({ lastSeq: 7, holdMs: 0 });
    expect(packets('a')).toBe(70);
    reg.disconnect('a', 2);
    expect(reg.admit(hello('a', 'boot-0002'), 3, HUB)).toEqual({ lastSeq: 0, holdMs: 0 });
    expect(reg.get('a')!.rendered).toBeNull();
    expect(reg.snapshot('a', 3, snapshot('boot-0002', 1, 5))).toBe('kept');
    expect(packets('a')).toBe(5);
  });

  it('shows a connected agent only while it is fresh (HUB_STALE_INTERVALS of its interval)', () => {
    reg.admit(hello('a', 'boot-0001', 10), 1, HUB);
    reg.snapshot('a', 1, snapshot('boot-0001', 1, 1));
    const rec = reg.get('a')!;
    now += HUB_STALE_INTERVALS * 10_000;
    expect(reg.isVisible(rec)).toBe(true);
    expect(reg.isUp(rec)).toBe(true);
    now += 1;
    expect(reg.isVisible(rec)).toBe(false);
    expect(reg.isUp(rec)).toBe(false);
    reg.snapshot('a', 1, snapshot('boot-0001', 1, 1)); // a duplicate still says the agent is alive
    expect(reg.isVisible(rec)).toBe(true);
  });

  it('hides an agent that vanished at once, but keeps a cleanly stopped one for the grace period', () => {
    reg.admit(hello('gone'), 1, HUB);
    reg.snapshot('gone', 1, snapshot('boot-0001', 1, 1));
    reg.admit(hello('stopped'), 2, HUB);
    reg.snapshot('stopped', 2, snapshot('boot-0001', 1, 1, { final: true }));
    reg.disconnect('gone', 1);
    reg.disconnect('stopped', 2);
    const gone = reg.get('gone')!;
    const stopped = reg.get('stopped')!;
    expect(reg.isVisible(gone)).toBe(false);
    expect(reg.isVisible(stopped)).toBe(true);
    expect(reg.isUp(stopped)).toBe(false);
    now += 15_000;
    expect(reg.isVisible(stopped)).toBe(true);
    now += 1;
    expect(reg.isVisible(stopped)).toBe(false);
    expect(reg.connectedCount).toBe(0);
    expect(reg.size).toBe(2);
  });

  it('hides an agent that moved here from another hub until the handover has passed since it left that hub', () => {
    // left hub-b 5 s ago: hidden for the remaining 20 s of the 25 s handover, though up
    const moved = reg.admit(hello('a', 'boot-0001', 1, { movedFrom: { hubId: 'hub-b:9464', secondsAgo: 5 } }), 1, HUB)!;
    expect(moved.holdMs).toBe(20_000);
    reg.snapshot('a', 1, snapshot('boot-0001', 3, 30));
    const a = reg.get('a')!;
    now += 19_999;
    reg.snapshot('a', 1, snapshot('boot-0001', 4, 40));
    expect(reg.isUp(a)).toBe(true);
    expect(reg.isVisible(a)).toBe(false);
    now += 1;
    expect(reg.isVisible(a)).toBe(true);
    // back from this very hub (a cut connection), or long enough ago: no hold
    expect(reg.admit(hello('b', 'boot-0001', 1, { movedFrom: { hubId: HUB, secondsAgo: 0 } }), 2, HUB)!.holdMs).toBe(0);
    expect(reg.admit(hello('c', 'boot-0001', 1, { movedFrom: { hubId: 'hub-b:9464', secondsAgo: 25 } }), 3, HUB)!.holdMs).toBe(0);
    // a later hello that did not move ends a hold
    reg.admit(hello('a', 'boot-0001', 1, { movedFrom: { hubId: 'hub-b:9464', secondsAgo: 0 } }), 4, HUB);
    expect(reg.isVisible(reg.get('a')!)).toBe(false);
    reg.admit(hello('a', 'boot-0001', 1), 5, HUB);
    expect(reg.isVisible(reg.get('a')!)).toBe(true);
  });

  it('gives a final snapshot that came during a handover its grace period after the hold', () => {
    // A stopping agent whose hub died: it says its final totals to this hub and leaves within the hold.
    reg.admit(hello('a', 'boot-0001', 1, { movedFrom: { hubId: 'hub-b:9464', secondsAgo: 0 } }), 1, HUB);
    reg.snapshot('a', 1, snapshot('boot-0001', 9, 90, { final: true }));
    reg.disconnect('a', 1);
    const a = reg.get('a')!;
    expect(reg.isVisible(a)).toBe(false);
    now += 25_000;
    expect(reg.isVisible(a)).toBe(true);
    now += 15_000;
    expect(reg.isVisible(a)).toBe(true);
    now += 1;
    expect(reg.isVisible(a)).toBe(false);
  });

  it('a final snapshot followed by more data is not final any more', () => {
    reg.admit(hello('a'), 1, HUB);
    reg.snapshot('a', 1, snapshot('boot-0001', 1, 1, { final: true }));
    reg.snapshot('a', 1, snapshot('boot-0001', 2, 2));
    reg.disconnect('a', 1);
    expect(reg.isVisible(reg.get('a')!)).toBe(false);
  });

  it('ignores the close and the messages of a superseded connection', () => {
    reg.admit(hello('a'), 1, HUB);
    reg.admit(hello('a'), 2, HUB);
    expect(reg.connectedCount).toBe(1);
    expect(reg.snapshot('a', 1, snapshot('boot-0001', 1, 1))).toBe('ignored');
    reg.disconnect('a', 1);
    expect(reg.get('a')!.session).toBe(2);
    expect(reg.isUp(reg.get('a')!)).toBe(true);
    reg.disconnect('a', 2);
    expect(reg.connectedCount).toBe(0);
  });

  it('forgets an agent TTL after it left, not before', () => {
    reg.admit(hello('a'), 1, HUB);
    reg.disconnect('a', 1);
    now += 3600_000;
    expect(reg.sweep()).toBe(0);
    now += 1;
    expect(reg.sweep()).toBe(1);
    expect(reg.get('a')).toBeUndefined();
    expect(reg.sorted()).toEqual([]);
  });

  it('never forgets a connected agent, however quiet', () => {
    reg.admit(hello('a'), 1, HUB);
    now += 10 * 3600_000;
    expect(reg.sweep()).toBe(0);
    expect(reg.get('a')).toBeDefined();
  });

  it('holds at most maxAgents: drops the expired, then the one gone longest, and is full when all are connected', () => {
    reg.admit(hello('a'), 1, HUB);
    reg.admit(hello('b'), 2, HUB);
    reg.admit(hello('c'), 3, HUB);
    expect(reg.admit(hello('d'), 4, HUB)).toBeNull();
    reg.disconnect('b', 2);
    now += 1000;
    reg.disconnect('a', 1);
    expect(reg.admit(hello('d'), 4, HUB)).toEqual({ lastSeq: 0, holdMs: 0 });
    expect(reg.get('b')).toBeUndefined(); // gone longest
    expect(reg.get('a')).toBeDefined();
    expect(reg.admit(hello('a'), 5, HUB)).toEqual({ lastSeq: 0, holdMs: 0 }); // known agent: no room needed
    expect(reg.admit(hello('e'), 6, HUB)).toBeNull();
    expect(reg.size).toBe(3);
    expect(reg.sorted().map((r) => r.id)).toEqual(['a', 'c', 'd']);
  });
});
