import { OTHER } from '@shakewatch/protocol';
import { PortLabeler } from './port-labeler';

describe('PortLabeler', () => {
  it('a port gets its own value only after a handshake to it completed', () => {
    const p = new PortLabeler({ maxPorts: 4 });
    expect(p.label(443)).toBe(OTHER);
    p.answered(443);
    expect(p.label(443)).toBe('443');
    expect(p.folded).toBe(1);
  });

  it('a port scan (SYNs refused or unanswered: no handshake) takes no slot', () => {
    const p = new PortLabeler({ maxPorts: 2 });
    for (let port = 1; port <= 1000; port++) expect(p.label(port)).toBe(OTHER);
    expect(p.folded).toBe(1000);
    p.answered(22);
    p.answered(443);
    expect([p.label(22), p.label(443)]).toEqual(['22', '443']);
  });

  it('at most maxPorts ports, first come; later ones and port 0 fold, each fold counted', () => {
    const p = new PortLabeler({ maxPorts: 2 });
    for (const port of [80, 443, 8080, 0]) p.answered(port);
    expect(p.ports).toEqual([80, 443]);
    expect([p.label(80), p.label(8080), p.label(8080), p.label(0)]).toEqual(['80', OTHER, OTHER, OTHER]);
    expect(p.folded).toBe(3);
  });

  it('a configured list: exactly those ports, whatever answers', () => {
    const p = new PortLabeler({ ports: [443, 8443], maxPorts: 16 });
    p.answered(80);
    expect([p.label(443), p.label(8443), p.label(80)]).toEqual(['443', '8443', OTHER]);
    expect(p.folded).toBe(1);
  });

  it('defaults to DEFAULT_PORT_LABELS (16) ports', () => {
    const p = new PortLabeler();
    for (let port = 1; port <= 40; port++) p.answered(port);
    expect(p.ports).toHaveLength(16);
  });
});
