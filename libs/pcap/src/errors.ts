// libpcap's failures as errors a person can act on. The binding throws Errors with `code`
// (ENODEV, EPERM, ENETDOWN, EFILTER, EPCAP), `pcapStatus` and `pcapMessage` (libpcap's
// own text); the hints live here.

export type PcapErrorCode =
  | 'ENODEV' // no such device
  | 'EPERM' // not allowed to capture (or to capture promiscuously)
  | 'ENETDOWN' // the interface is down
  | 'EFILTER' // the BPF filter does not compile or cannot be set
  | 'EINVAL' // bad option
  | 'ECLOSED' // the capture was closed
  | 'ENOBINDING' // the binding was never built
  | 'EPCAP'; // any other libpcap failure

export class PcapError extends Error {
  readonly code: PcapErrorCode;
  /** libpcap's own message, when the error came from libpcap. */
  readonly pcapMessage?: string;
  readonly device?: string;
  readonly filter?: string;

  constructor(code: PcapErrorCode, message: string, extra: { pcapMessage?: string; device?: string; filter?: string } = {}) {
    super(message);
    this.name = 'PcapError';
    this.code = code;
    if (extra.pcapMessage !== undefined) this.pcapMessage = extra.pcapMessage;
    if (extra.device !== undefined) this.device = extra.device;
    if (extra.filter !== undefined) this.filter = extra.filter;
  }
}

export const SETCAP_HINT = 'setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which node))';

interface Context {
  device?: string;
  filter?: string;
  promiscuous?: boolean;
}

/** Turns what the binding threw into a PcapError with a message that says what to do. */
export function translateError(e: unknown, ctx: Context): Error {
  if (e instanceof PcapError) return e;
  const err = e as { code?: unknown; message?: unknown; pcapMessage?: unknown };
  if (typeof err?.code !== 'string') return e instanceof Error ? e : new Error(String(e));
  const code = err.code as PcapErrorCode;
  const pcapMessage = typeof err.pcapMessage === 'string' ? err.pcapMessage : String(err.message);
  const device = ctx.device ?? '';
  const extra = { pcapMessage, device: ctx.device, filter: ctx.filter };
  switch (code) {
    case 'ENODEV':
      return new PcapError(
        code,
        `no such capture device "${device}" (libpcap: ${pcapMessage}); ` +
          'list the devices with `shakewatch-agent devices` or `ip link`',
        extra,
      );
    case 'EPERM':
      return new PcapError(
        code,
        `permission denied capturing on "${device}"${ctx.promiscuous ? ' in promiscuous mode' : ''} (libpcap: ${pcapMessage}); ` +
          `run as root, or grant CAP_NET_RAW and CAP_NET_ADMIN to node: ${SETCAP_HINT}`,
        extra,
      );
    case 'ENETDOWN':
      return new PcapError(code, `capture device "${device}" is down (libpcap: ${pcapMessage}); bring it up: ip link set ${device} up`, extra);
    case 'EFILTER':
      return new PcapError(code, `bad capture filter "${ctx.filter ?? ''}" on "${device}": ${pcapMessage}`, extra);
    case 'ENOBINDING':
      return new PcapError(code, String(err.message), extra);
    case 'EPCAP':
      return new PcapError(code, ctx.device ? `capture on "${device}" failed: ${pcapMessage}` : `libpcap: ${pcapMessage}`, extra);
    default:
      return e as Error;
  }
}
