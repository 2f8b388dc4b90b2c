import { listDevices, PcapError } from '@shakewatch/pcap';
import { CliError } from './cli-error';

/** `devices`: what `run --interface` can open, as libpcap sees it. */
export function devicesCommand(opts: { json?: boolean }): void {
  let devices;
  try {
    devices = listDevices();
  } catch (e) {
    throw new CliError(e instanceof PcapError ? e.message : `cannot list devices: ${(e as Error).message}`);
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(devices)}\n`);
    return;
  }
  const width = Math.max(6, ...devices.map((d) => d.name.length));
  process.stdout.write(`${'device'.padEnd(width)}  ${'state'.padEnd(20)}  addresses\n`);
  for (const d of devices) {
    const state = [d.up ? 'up' : 'down', d.running ? 'running' : '', d.loopback ? 'loopback' : ''].filter(Boolean).join(',');
    process.stdout.write(`${d.name.padEnd(width)}  ${state.padEnd(20)}  ${d.addresses.join(' ') || '-'}${d.description ? `  (${d.description})` : ''}\n`);
  }
}
