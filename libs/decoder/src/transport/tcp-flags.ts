/** TCP header flag bits (byte 13), plus AE/NS from byte 12 shifted to bit 8. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  AE: 0x100,
} as const;

const ORDER: [number, string][] = [
  [TcpFlag.SYN, 'SYN'], [TcpFlag.FIN, 'FIN'], [TcpFlag.RST, 'RST'], [TcpFlag.PSH, 'PSH'],
  [TcpFlag.ACK, 'ACK'], [TcpFlag.URG, 'URG'], [TcpFlag.ECE, 'ECE'], [TcpFlag.CWR, 'CWR'], [TcpFlag.AE, 'AE'],
];

/** "SYN, ACK" as Wireshark's Info column writes it; for display only (allocates). */
export function flagNames(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of ORDER) if (flags & bit) names.push(name);
  return names.join(', ');
}
