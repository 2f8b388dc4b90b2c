// The flow bypass (Suricata's "local bypass"): connections the agent has nothing left to
// learn from, by 4-tuple (either direction), whose segments without SYN, FIN or RST are
// counted and dropped here, per packet, before any JavaScript call. SYN, FIN and RST
// segments are passed up (so conn_state, history, resets and teardown stay exact) and
// take their connection out of the table. Bounded: at most `maxEntries` connections (a
// full table refuses new ones, counted); an entry also leaves when its connection has
// been idle `idleNs` (packet time), or when the agent removes it. Every `refreshNs` one
// segment of a bypassed connection is passed up anyway, so the agent's tracker still sees
// the connection alive (it ends connections idle past its own timeout).
//
// Plain C++, single-threaded (every capture of the process reads on the JavaScript thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "header_peek.h"

namespace shakewatch {

struct BypassStats {
  uint64_t added = 0;          // connections put in the table
  uint64_t alreadyIn = 0;      // adds of a connection already in it
  uint64_t full = 0;           // adds refused: the table was full (those connections are not bypassed)
  uint64_t bypassedPackets = 0;  // segments counted and dropped
  uint64_t bypassedBytes = 0;    // their frame bytes on the wire
  uint64_t passedFlags = 0;    // segments of bypassed connections with SYN, FIN or RST: passed up, entry out
  uint64_t passedRefresh = 0;  // segments passed up to keep the connection's clock
  uint64_t notUnderstood = 0;  // frames the header peek could not read: passed up untouched
  uint64_t expired = 0;        // entries out after idleNs without a packet
  uint64_t removed = 0;        // entries taken out by the agent
};

class BypassTable {
 public:
  enum AddResult { kAdded = 0, kAlreadyIn = 1, kFull = 2 };

  BypassTable(uint32_t maxEntries, int64_t idleNs, int64_t refreshNs)
      : maxEntries_(maxEntries == 0 ? 1 : maxEntries), idleNs_(idleNs), refreshNs_(refreshNs) {
    size_t slots = 16;
    while (slots < static_cast<size_t>(maxEntries_) * 2) slots <<= 1;
    slots_.resize(slots);
    mask_ = slots - 1;
  }

  uint32_t size() const { return entries_; }
  uint32_t capacity() const { return maxEntries_; }
  const BypassStats& stats() const { return stats_; }

  AddResult Add(int version, const uint8_t* a, uint16_t pa, const uint8_t* b, uint16_t pb) {
    Entry key;
    MakeKey(version, a, pa, b, pb, &key);
    if (Find(key) != kNone) {
      stats_.alreadyIn++;
      return kAlreadyIn;
    }
    if (entries_ >= maxEntries_) {
      stats_.full++;
      return kFull;
    }
    size_t i = key.hash & mask_;
    while (slots_[i].used) i = (i + 1) & mask_;
    key.used = 1;
    key.lastSeenNs = clockNs_;
    key.lastUpNs = clockNs_;  // the packet that taught the agent the last thing just went up
    slots_[i] = key;
    entries_++;
    stats_.added++;
    return kAdded;
  }

  bool Remove(int version, const uint8_t* a, uint16_t pa, const uint8_t* b, uint16_t pb) {
    Entry key;
    MakeKey(version, a, pa, b, pb, &key);
    size_t i = Find(key);
    if (i == kNone) return false;
    EraseAt(i);
    stats_.removed++;
    return true;
  }

  // One captured frame: true when it is a bypassed connection's segment to drop (counted).
  bool Filter(int linkType, const uint8_t* bytes, uint32_t caplen, uint32_t wireLen, int64_t tsNs) {
    if (tsNs > clockNs_) clockNs_ = tsNs;
    if (clockNs_ >= nextSweepNs_) SweepSome();
    PeekedTcp p;
    if (!PeekTcp(linkType, bytes, caplen, &p)) {
      stats_.notUnderstood++;
      return false;
    }
    if (entries_ == 0) return false;
    Entry key;
    MakeKey(p.ipVersion, p.src, p.srcPort, p.dst, p.dstPort, &key);
    size_t i = Find(key);
    if (i == kNone) return false;
    Entry& e = slots_[i];
    if ((p.flags & (peek::kTcpSyn | peek::kTcpFin | peek::kTcpRst)) != 0) {
      // Up it goes, and the connection leaves: its teardown (or a new connection on the
      // tuple) is read whole by the agent.
      stats_.passedFlags++;
      EraseAt(i);
      return false;
    }
    e.lastSeenNs = tsNs > e.lastSeenNs ? tsNs : e.lastSeenNs;
    if (tsNs - e.lastUpNs >= refreshNs_) {
      e.lastUpNs = tsNs;
      stats_.passedRefresh++;
      return false;
    }
    stats_.bypassedPackets++;
    stats_.bypassedBytes += wireLen;
    return true;
  }

  // The clock without packets (tests, or a caller that knows the time): entries idle past
  // idleNs leave at the next sweeps.
  void AdvanceTo(int64_t tsNs) {
    if (tsNs > clockNs_) clockNs_ = tsNs;
    if (clockNs_ >= nextSweepNs_) SweepSome();
  }

  // Every entry idle past idleNs out now (a whole pass).
  void SweepAll() {
    for (size_t advanced = 0; advanced <= mask_;) advanced += SweepSlot() ? 1 : 0;
  }

 private:
  struct Entry {
    uint8_t a[16];
    uint8_t b[16];
    uint16_t pa;
    uint16_t pb;
    uint8_t version;
    uint8_t used;
    uint32_t hash;
    int64_t lastSeenNs;
    int64_t lastUpNs;
  };

  static constexpr size_t kNone = ~static_cast<size_t>(0);
  // Idle entries are looked for a slice at a time: kSweepSlots slots every kSweepEveryNs of packet time.
  static constexpr size_t kSweepSlots = 4096;
  static constexpr int64_t kSweepEveryNs = 100 * 1000 * 1000;

  // The key with its two endpoints in a fixed order (the lower address, then port, first),
  // so both directions of a connection find the same entry.
  static void MakeKey(int version, const uint8_t* a, uint16_t pa, const uint8_t* b, uint16_t pb, Entry* k) {
    size_t len = version == 4 ? 4 : 16;
    int c = std::memcmp(a, b, len);
    bool swap = c > 0 || (c == 0 && pa > pb);
    std::memset(k, 0, sizeof *k);
    std::memcpy(k->a, swap ? b : a, len);
    std::memcpy(k->b, swap ? a : b, len);
    k->pa = swap ? pb : pa;
    k->pb = swap ? pa : pb;
    k->version = static_cast<uint8_t>(version);
    // FNV-1a over the key, then a murmur3 finalizer (linear probing wants well-spread low bits).
    uint32_t h = 2166136261u;
    auto mix = [&h](uint8_t x) { h = (h ^ x) * 16777619u; };
    mix(k->version);
    for (size_t i = 0; i < len; i++) mix(k->a[i]);
    for (size_t i = 0; i < len; i++) mix(k->b[i]);
    mix(static_cast<uint8_t>(k->pa >> 8));
    mix(static_cast<uint8_t>(k->pa));
    mix(static_cast<uint8_t>(k->pb >> 8));
    mix(static_cast<uint8_t>(k->pb));
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    k->hash = h;
  }

  static bool SameKey(const Entry& e, const Entry& k) {
    return e.hash == k.hash && e.version == k.version && e.pa == k.pa && e.pb == k.pb && std::memcmp(e.a, k.a, 16) == 0 && std::memcmp(e.b, k.b, 16) == 0;
  }

  size_t Find(const Entry& k) const {
    for (size_t i = k.hash & mask_;; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (!e.used) return kNone;
      if (SameKey(e, k)) return i;
    }
  }

  // Linear probing's deletion by backward shift: no tombstones, chains stay short.
  void EraseAt(size_t i) {
    size_t j = i;
    for (;;) {
      slots_[i].used = 0;
      for (;;) {
        j = (j + 1) & mask_;
        if (!slots_[j].used) {
          entries_--;
          return;
        }
        size_t home = slots_[j].hash & mask_;
        bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) break;
      }
      slots_[i] = slots_[j];
      i = j;
    }
  }

  // One look at the sweep's slot: false when its entry left (a later one may have moved
  // into it: the slot is looked at again), true when the sweep moved on.
  bool SweepSlot() {
    size_t i = sweepNext_;
    const Entry& e = slots_[i];
    if (e.used && clockNs_ - e.lastSeenNs >= idleNs_) {
      EraseAt(i);
      stats_.expired++;
      return false;
    }
    sweepNext_ = (i + 1) & mask_;
    return true;
  }

  void SweepSome() {
    nextSweepNs_ = clockNs_ + kSweepEveryNs;
    if (entries_ == 0) return;
    for (size_t n = 0; n < kSweepSlots; n++) SweepSlot();
  }

  std::vector<Entry> slots_;
  size_t mask_ = 0;
  uint32_t maxEntries_;
  uint32_t entries_ = 0;
  int64_t idleNs_;
  int64_t refreshNs_;
  int64_t clockNs_ = 0;
  int64_t nextSweepNs_ = 0;
  size_t sweepNext_ = 0;
  BypassStats stats_;
};

}  // namespace shakewatch
