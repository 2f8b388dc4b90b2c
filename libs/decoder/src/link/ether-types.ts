/**
 * Transparent Ethernet Bridging (EtherType 0x6558): a whole Ethernet frame follows. GRE
 * (NVGRE, RFC 7637) and Geneve carry it as their protocol type, and as an EtherType it
 * means the same after any header that names one.
 */
export const ETH_TRANSPARENT_BRIDGING = 0x6558;
