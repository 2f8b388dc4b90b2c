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

// A connection's key: its two endpoints in a fixed order (the lower address, then port,
// first), so both directions of a connection make the same key.
struct FlowKey {
  uint8_t a[16];
  uint8_t b[16];
  uint16_t pa;
  uint16_t pb;
  uint8_t version;
  uint32_t hash;
};

inline uint32_t Mix32(uint32_t h, uint32_t v) {
  v *= 0xcc9e2d51u;
  v = (v << 15) | (v >> 17);
  v *= 0x1b873593u;
  h ^= v;
  h = (h << 13) | (h >> 19);
  return h * 5 + 0xe6546b64u;
}

inline uint32_t Word(const uint8_t* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

inline void MakeFlowKey(int version, const uint8_t* a, uint16_t pa, const uint8_t* b, uint16_t pb, FlowKey* k) {
  size_t len = version == 4 ? 4 : 16;
  int c = std::memcmp(a, b, len);
  bool swap = c > 0 || (c == 0 && pa > pb);
  const uint8_t* lo = swap ? b : a;
  const uint8_t* hi = swap ? a : b;
  std::memcpy(k->a, lo, len);
  std::memcpy(k->b, hi, len);
  if (len == 4) {
    std::memset(k->a + 4, 0, 12);
    std::memset(k->b + 4, 0, 12);
  }
  k->pa = swap ? pb : pa;
  k->pb = swap ? pa : pb;
  k->version = static_cast<uint8_t>(version);
  // murmur3's 32-bit mixing over the key's words, then its finalizer (linear probing wants well-spread low bits).
  uint32_t h = static_cast<uint32_t>(version);
  for (size_t i = 0; i < len; i += 4) h = Mix32(h, Word(k->a + i));
  for (size_t i = 0; i < len; i += 4) h = Mix32(h, Word(k->b + i));
  h = Mix32(h, (static_cast<uint32_t>(k->pa) << 16) | k->pb);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  k->hash = h;
}

inline bool SameFlow(const FlowKey& x, const FlowKey& y) {
  return x.hash == y.hash && x.version == y.version && x.pa == y.pa && x.pb == y.pb && std::memcmp(x.a, y.a, 16) == 0 && std::memcmp(x.b, y.b, 16) == 0;
}

inline bool HasSynFinRst(const PeekedTcp& p) { return (p.flags & (peek::kTcpSyn | peek::kTcpFin | peek::kTcpRst)) != 0; }

// The SYN, FIN and RST segments a capture has let through but JavaScript has not read yet
// (the batch being delivered, and a packet held back for the next one), by connection:
// the last one's place in the batch. A connection the agent names from the middle of a
// batch is not bypassed when one of those comes after that place: the agent will read it,
// and the table would never see it (it was looked at before the connection was in it).
class FlagLog {
 public:
  explicit FlagLog(size_t maxPackets) {
    size_t slots = 16;
    while (slots < maxPackets * 2) slots <<= 1;
    slots_.resize(slots);
    mask_ = slots - 1;
    used_.reserve(64);
  }

  void Clear() {
    for (size_t i : used_) slots_[i].used = false;
    used_.clear();
  }

  void Note(const FlowKey& k, uint32_t index) {
    for (size_t i = k.hash & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        if (used_.size() * 2 >= slots_.size()) return;  // never with batches of at most maxPackets
        s.used = true;
        s.key = k;
        s.index = index;
        used_.push_back(i);
        return;
      }
      if (SameFlow(s.key, k)) {
        if (index > s.index) s.index = index;
        return;
      }
    }
  }

  // The last place of a noted segment of the connection, or -1.
  int64_t Last(const FlowKey& k) const {
    for (size_t i = k.hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return -1;
      if (SameFlow(s.key, k)) return s.index;
    }
  }

 private:
  struct Slot {
    FlowKey key;
    uint32_t index;
    bool used;
  };
  std::vector<Slot> slots_;
  std::vector<size_t> used_;
  size_t mask_ = 0;
};

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
  uint64_t late = 0;           // adds refused: a SYN, FIN or RST of the connection was already let through, unread
};

class BypassTable {
 public:
  enum AddResult { kAdded = 0, kAlreadyIn = 1, kFull = 2, kLate = 3 };

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

  AddResult Add(const FlowKey& key) {
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
    Entry& e = slots_[i];
    e.key = key;
    e.used = 1;
    e.lastSeenNs = clockNs_;
    e.lastUpNs = clockNs_;  // the packet that taught the agent the last thing just went up
    entries_++;
    stats_.added++;
    return kAdded;
  }

  // An add refused because the connection's SYN, FIN or RST was already let through (FlagLog).
  AddResult Late() {
    stats_.late++;
    return kLate;
  }

  bool Remove(const FlowKey& key) {
    size_t i = Find(key);
    if (i == kNone) return false;
    EraseAt(i);
    stats_.removed++;
    return true;
  }

  // One captured frame: true when it is a bypassed connection's segment to drop (counted).
  // `peeked` says whether the header peek read it (then `p` holds what it read).
  bool Filter(int linkType, const uint8_t* bytes, uint32_t caplen, uint32_t wireLen, int64_t tsNs, PeekedTcp* p, bool* peeked) {
    if (tsNs > clockNs_) clockNs_ = tsNs;
    if (clockNs_ >= nextSweepNs_) SweepSome();
    *peeked = PeekTcp(linkType, bytes, caplen, p);
    if (!*peeked) {
      stats_.notUnderstood++;
      return false;
    }
    if (entries_ == 0) return false;
    FlowKey key;
    MakeFlowKey(p->ipVersion, p->src, p->srcPort, p->dst, p->dstPort, &key);
    size_t i = Find(key);
    if (i == kNone) return false;
    Entry& e = slots_[i];
    if (HasSynFinRst(*p)) {
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
    FlowKey key;
    uint8_t used;
    int64_t lastSeenNs;
    int64_t lastUpNs;
  };

  static constexpr size_t kNone = ~static_cast<size_t>(0);
  // Idle entries are looked for a slice at a time: kSweepSlots slots every kSweepEveryNs of packet time.
  static constexpr size_t kSweepSlots = 4096;
  static constexpr int64_t kSweepEveryNs = 100 * 1000 * 1000;

  size_t Find(const FlowKey& k) const {
    for (size_t i = k.hash & mask_;; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (!e.used) return kNone;
      if (SameFlow(e.key, k)) return i;
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
        size_t home = slots_[j].key.hash & mask_;
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
