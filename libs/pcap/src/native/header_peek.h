// The header peek: the only packet parsing in C. It reads what the flow bypass needs of a
// frame — the TCP 4-tuple and flags — for the link types a Linux capture gives (Ethernet
// with up to two VLAN tags, Linux cooked v1 and v2, raw IP, BSD loopback) and IPv4 or
// IPv6 (with up to 8 extension headers) directly after them. It follows the TypeScript
// decoder's rules (libs/decoder: link/, network/, transport/tcp.ts) on everything it
// accepts, and gives up (false: "not understood") on everything else — tunnels, MPLS,
// PPPoE, LLC, fragments, truncated or malformed headers, other link types — so that a
// frame it reads names the same connection and flags as the decoder reads, and a frame it
// does not read is passed up untouched. test/pcap/header-peek.spec.ts checks both on every
// capture the project has.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shakewatch {

struct PeekedTcp {
  uint8_t ipVersion = 0;  // 4 or 6
  const uint8_t* src = nullptr;  // 4 or 16 bytes, into the frame
  const uint8_t* dst = nullptr;
  uint16_t srcPort = 0;
  uint16_t dstPort = 0;
  // Byte 13 of the TCP header, and the AE (ex-NS) bit of byte 12 as bit 8: the decoder's TcpFlag.
  uint16_t flags = 0;
  // TCP payload bytes by the IP header's lengths (what sequence numbers count).
  uint32_t payloadLength = 0;
};

namespace peek {

constexpr uint16_t kTcpFin = 0x01;
constexpr uint16_t kTcpSyn = 0x02;
constexpr uint16_t kTcpRst = 0x04;

// libpcap's DLT_ values on Linux and the LINKTYPE_ values of capture files.
constexpr int kLinkNull = 0;
constexpr int kLinkEthernet = 1;
constexpr int kLinkRawDlt = 12;  // DLT_RAW on Linux (LINKTYPE_RAW in files is 101)
constexpr int kLinkRawBsdos = 14;
constexpr int kLinkRaw = 101;
constexpr int kLinkLoop = 108;
constexpr int kLinkLinuxSll = 113;
constexpr int kLinkIpv4 = 228;
constexpr int kLinkIpv6 = 229;
constexpr int kLinkLinuxSll2 = 276;

constexpr int kMaxVlanTags = 2;
constexpr int kMaxIpv6Extensions = 8;

inline uint32_t U16(const uint8_t* p) { return (static_cast<uint32_t>(p[0]) << 8) | p[1]; }
inline uint32_t U32be(const uint8_t* p) { return (U16(p) << 16) | U16(p + 2); }
inline uint32_t U32le(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24); }

// transport/tcp.ts: the fixed header within the IP layer's bytes [t, end).
inline bool Tcp(const uint8_t* b, int64_t t, int64_t end, int64_t ipPayload, PeekedTcp* out) {
  if (end - t < 20) return false;
  int64_t hlen = (b[t + 12] >> 4) * 4;
  if (hlen < 20) return false;
  out->srcPort = static_cast<uint16_t>(U16(b + t));
  out->dstPort = static_cast<uint16_t>(U16(b + t + 2));
  out->flags = static_cast<uint16_t>(b[t + 13] | ((b[t + 12] & 0x01) << 8));
  int64_t payload = ipPayload - hlen;
  out->payloadLength = payload > 0 ? static_cast<uint32_t>(payload) : 0;
  return true;
}

// network/ipv4.ts: options skipped, fragments not read, a total length of 0 meaning the captured bytes.
inline bool Ipv4(const uint8_t* b, int64_t o, int64_t end, PeekedTcp* out) {
  if (end - o < 20) return false;
  if ((b[o] >> 4) != 4) return false;
  int64_t ihl = (b[o] & 0x0f) * 4;
  if (ihl < 20 || end - o < ihl) return false;
  int64_t total = U16(b + o + 2);
  if (total == 0) total = end - o;
  if (total < ihl) return false;
  if ((U16(b + o + 6) & 0x3fff) != 0) return false;  // MF or a fragment offset
  if (b[o + 9] != 6) return false;
  out->ipVersion = 4;
  out->src = b + o + 12;
  out->dst = b + o + 16;
  int64_t layerEnd = end < o + total ? end : o + total;
  return Tcp(b, o + ihl, layerEnd, total - ihl, out);
}

// network/ipv6.ts: the extension-header chain (hop-by-hop, routing, destination options,
// AH, mobility, HIP, shim6), at most kMaxIpv6Extensions; a fragment header is not read.
inline bool Ipv6(const uint8_t* b, int64_t o, int64_t end, PeekedTcp* out) {
  if (end - o < 40) return false;
  if ((b[o] >> 4) != 6) return false;
  int64_t payload = U16(b + o + 4);
  if (payload == 0) payload = end - o - 40;  // jumbogram or offload capture
  int next = b[o + 6];
  int64_t h = o + 40;
  int64_t layerEnd = end < h + payload ? end : h + payload;
  for (int n = 0;; n++) {
    if (next == 44) return false;
    if (next != 0 && next != 43 && next != 60 && next != 51 && next != 135 && next != 139 && next != 140) break;
    if (n >= kMaxIpv6Extensions) return false;
    if (layerEnd - h < 8) return false;
    int64_t len = next == 51 ? (b[h + 1] + 2) * 4 : (b[h + 1] + 1) * 8;
    next = b[h];
    h += len;
  }
  if (h > layerEnd) return false;
  if (next != 6) return false;
  out->ipVersion = 6;
  out->src = b + o + 8;
  out->dst = b + o + 24;
  return Tcp(b, h, layerEnd, o + 40 + payload - h, out);
}

}  // namespace peek

// The TCP segment in a frame of `linkType`, or false when the peek does not understand it.
inline bool PeekTcp(int linkType, const uint8_t* b, size_t caplen, PeekedTcp* out) {
  using namespace peek;
  const int64_t end = static_cast<int64_t>(caplen);
  int64_t o = 0;
  uint32_t etherType = 0;
  int version = 0;  // 0: by the version nibble
  switch (linkType) {
    case kLinkEthernet:
      if (end < 14) return false;
      etherType = U16(b + 12);
      o = 14;
      break;
    case kLinkLinuxSll:
      if (end < 16) return false;
      etherType = U16(b + 14);
      o = 16;
      break;
    case kLinkLinuxSll2:
      if (end < 20) return false;
      etherType = U16(b);
      o = 20;
      break;
    case kLinkNull:
    case kLinkLoop: {
      // link/null-loopback.ts: DLT_NULL is in the capturing host's order, LOOP in network order.
      if (end < 4) return false;
      uint32_t be = U32be(b);
      uint32_t family = linkType == kLinkLoop ? be : (be > 0xffff ? U32le(b) : be);
      o = 4;
      if (family == 2) version = 4;
      else if (family == 10 || family == 24 || family == 28 || family == 30) version = 6;
      else return false;
      break;
    }
    case kLinkRawDlt:
    case kLinkRawBsdos:
    case kLinkRaw:
      break;
    case kLinkIpv4:
      version = 4;
      break;
    case kLinkIpv6:
      version = 6;
      break;
    default:
      return false;
  }
  if (linkType == kLinkEthernet || linkType == kLinkLinuxSll || linkType == kLinkLinuxSll2) {
    for (int tags = 0; etherType == 0x8100 || etherType == 0x88a8 || etherType == 0x9100; tags++) {
      if (tags == kMaxVlanTags || end - o < 4) return false;
      etherType = U16(b + o + 2);
      o += 4;
    }
    if (etherType == 0x0800) version = 4;
    else if (etherType == 0x86dd) version = 6;
    else return false;
  }
  if (version == 0) {
    if (o >= end) return false;
    version = b[o] >> 4;
  }
  if (version == 4) return Ipv4(b, o, end, out);
  if (version == 6) return Ipv6(b, o, end, out);
  return false;
}

}  // namespace shakewatch
