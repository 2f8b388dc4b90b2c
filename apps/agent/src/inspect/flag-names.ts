import { TcpFlag } from '@shakewatch/decoder';

const ORDER: [number, string][] = [
  [TcpFlag.SYN, 'SYN'], [TcpFlag.FIN, 'FIN'], [TcpFlag.RST, 'RST'], [TcpFlag.PSH, 'PSH'],
  [TcpFlag.ACK, 'ACK'], [TcpFlag.URG, 'URG'], [TcpFlag.ECE, 'ECE'], [TcpFlag.CWR, 'CWR'], [TcpFlag.AE, 'AE'],
];

/** "SYN, ACK" as Wireshark's Info column writes it (SYN first, also with FIN), for the ladder. */
export function flagNames(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of ORDER) if (flags & bit) names.push(name);
  return names.join(', ');
}
