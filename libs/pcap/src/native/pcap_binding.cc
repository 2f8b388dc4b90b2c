// Shakewatch's Node-API binding over libpcap: the only code in the project that touches
// libpcap. Packets are read on the JavaScript thread: the capture handle is non-blocking,
// its selectable descriptor is watched with a uv_poll, and each wake-up drains the kernel
// ring with pcap_dispatch into a batch (one Buffer of packet bytes back to back plus
// parallel typed arrays, all allocated by JavaScript and reused), then makes ONE
// JavaScript call per batch. Timestamps are libpcap's own header timestamps (the kernel's,
// in nanoseconds when the platform supports it), never the time JavaScript saw a packet.
//
// Errors are thrown as JavaScript Errors carrying `code`, `pcapStatus` and `pcapMessage`;
// src/index.ts turns them into the messages users read (hints included).
//
// The flow bypass (bypass_table.h, header_peek.h): a capture given a NativeBypassTable
// looks at each packet's TCP header in C, before it goes into the batch, and drops the
// segments of connections the agent put in the table (counted), never those with SYN,
// FIN or RST.

#include <napi.h>
#include <pcap/pcap.h>
#include <uv.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bypass_table.h"

namespace {

Napi::Error PcapError(Napi::Env env, const char* code, int status, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  err.Set("pcapStatus", Napi::Number::New(env, status));
  err.Set("pcapMessage", Napi::String::New(env, message));
  return err;
}

const char* CodeForActivateStatus(int status) {
  switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE: return "ENODEV";
    case PCAP_ERROR_PERM_DENIED: return "EPERM";
    case PCAP_ERROR_PROMISC_PERM_DENIED: return "EPERM";
    case PCAP_ERROR_IFACE_NOT_UP: return "ENETDOWN";
    default: return "EPCAP";
  }
}

std::string FormatAddress(const struct sockaddr* sa) {
  if (sa == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const struct sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const struct sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  }
  return text;
}

Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_if_t* all = nullptr;
  if (pcap_findalldevs(&all, errbuf) != 0) throw PcapError(env, "EPCAP", PCAP_ERROR, errbuf);
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (pcap_if_t* d = all; d != nullptr; d = d->next) {
    Napi::Object dev = Napi::Object::New(env);
    dev.Set("name", d->name);
    if (d->description != nullptr) dev.Set("description", d->description);
    Napi::Array addresses = Napi::Array::New(env);
    uint32_t k = 0;
    for (pcap_addr_t* a = d->addresses; a != nullptr; a = a->next) {
      std::string text = FormatAddress(a->addr);
      if (!text.empty()) addresses.Set(k++, text);
    }
    dev.Set("addresses", addresses);
    dev.Set("loopback", Napi::Boolean::New(env, (d->flags & PCAP_IF_LOOPBACK) != 0));
    dev.Set("up", Napi::Boolean::New(env, (d->flags & PCAP_IF_UP) != 0));
    dev.Set("running", Napi::Boolean::New(env, (d->flags & PCAP_IF_RUNNING) != 0));
    out.Set(n++, dev);
  }
  pcap_freealldevs(all);
  return out;
}

template <typename T>
T* TypedArrayData(Napi::Object holder, const char* name, size_t* length) {
  Napi::Value v = holder.Get(name);
  if (!v.IsTypedArray()) throw Napi::TypeError::New(holder.Env(), std::string("batch.") + name + " must be a typed array");
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  if (ta.ElementSize() != sizeof(T)) throw Napi::TypeError::New(holder.Env(), std::string("batch.") + name + " has the wrong element size");
  *length = ta.ElementLength();
  uint8_t* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  return reinterpret_cast<T*>(base);
}

// Address bytes of an IPv4 (4) or IPv6 (16) address given as a Uint8Array.
const uint8_t* AddressArg(const Napi::Value& v, int version) {
  if (!v.IsTypedArray()) throw Napi::TypeError::New(v.Env(), "address must be a Uint8Array");
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  size_t want = version == 4 ? 4 : 16;
  if (ta.TypedArrayType() != napi_uint8_array || ta.ElementLength() != want) {
    throw Napi::TypeError::New(v.Env(), version == 4 ? "an IPv4 address is a Uint8Array of 4 bytes" : "an IPv6 address is a Uint8Array of 16 bytes");
  }
  return static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
}

int VersionArg(const Napi::Value& v) {
  int version = v.ToNumber().Int32Value();
  if (version != 4 && version != 6) throw Napi::TypeError::New(v.Env(), "ipVersion must be 4 or 6");
  return version;
}

uint16_t PortArg(const Napi::Value& v) {
  int port = v.ToNumber().Int32Value();
  if (port < 0 || port > 65535) throw Napi::RangeError::New(v.Env(), "a port is 0 to 65535");
  return static_cast<uint16_t>(port);
}

// (ipVersion, addressA, portA, addressB, portB) from info[first...] as a connection's key.
void FlowKeyArgs(const Napi::CallbackInfo& info, size_t first, shakewatch::FlowKey* key) {
  int version = VersionArg(info[first]);
  const uint8_t* a = AddressArg(info[first + 1], version);
  uint16_t pa = PortArg(info[first + 2]);
  const uint8_t* b = AddressArg(info[first + 3], version);
  uint16_t pb = PortArg(info[first + 4]);
  shakewatch::MakeFlowKey(version, a, pa, b, pb, key);
}

// new NativeBypassTable({ maxEntries, idleMs, refreshMs }): shared by the captures given it.
class NativeBypassTable : public Napi::ObjectWrap<NativeBypassTable> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeBypassTable",
                       {
                           InstanceMethod<&NativeBypassTable::Add>("add"),
                           InstanceMethod<&NativeBypassTable::Remove>("remove"),
                           InstanceMethod<&NativeBypassTable::Stats>("stats"),
                           InstanceMethod<&NativeBypassTable::Filter>("filter"),
                           InstanceMethod<&NativeBypassTable::AdvanceTo>("advanceTo"),
                       });
  }

  explicit NativeBypassTable(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeBypassTable>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "options object expected");
    Napi::Object o = info[0].As<Napi::Object>();
    double maxEntries = o.Get("maxEntries").ToNumber().DoubleValue();
    double idleMs = o.Get("idleMs").ToNumber().DoubleValue();
    double refreshMs = o.Get("refreshMs").ToNumber().DoubleValue();
    if (!(maxEntries >= 1 && maxEntries <= (1 << 24))) throw Napi::RangeError::New(env, "maxEntries must be 1 to 16777216");
    if (!(idleMs > 0) || !(refreshMs > 0)) throw Napi::RangeError::New(env, "idleMs and refreshMs must be positive");
    table_ = std::make_unique<shakewatch::BypassTable>(static_cast<uint32_t>(maxEntries), static_cast<int64_t>(idleMs * 1e6), static_cast<int64_t>(refreshMs * 1e6));
  }

  shakewatch::BypassTable* table() { return table_.get(); }

 private:
  // add(ipVersion, addressA, portA, addressB, portB): 0 added, 1 already in, 2 full (not bypassed).
  Napi::Value Add(const Napi::CallbackInfo& info) {
    shakewatch::FlowKey key;
    FlowKeyArgs(info, 0, &key);
    return Napi::Number::New(info.Env(), static_cast<double>(table_->Add(key)));
  }

  Napi::Value Remove(const Napi::CallbackInfo& info) {
    shakewatch::FlowKey key;
    FlowKeyArgs(info, 0, &key);
    return Napi::Boolean::New(info.Env(), table_->Remove(key));
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const shakewatch::BypassStats& s = table_->stats();
    Napi::Object out = Napi::Object::New(env);
    auto set = [&](const char* name, double v) { out.Set(name, Napi::Number::New(env, v)); };
    set("entries", table_->size());
    set("capacity", table_->capacity());
    set("added", static_cast<double>(s.added));
    set("alreadyIn", static_cast<double>(s.alreadyIn));
    set("full", static_cast<double>(s.full));
    set("hits", static_cast<double>(s.bypassedPackets + s.passedFlags + s.passedRefresh));
    set("bypassedPackets", static_cast<double>(s.bypassedPackets));
    set("bypassedBytes", static_cast<double>(s.bypassedBytes));
    set("passedFlags", static_cast<double>(s.passedFlags));
    set("passedRefresh", static_cast<double>(s.passedRefresh));
    set("notUnderstood", static_cast<double>(s.notUnderstood));
    set("expired", static_cast<double>(s.expired));
    set("removed", static_cast<double>(s.removed));
    set("late", static_cast<double>(s.late));
    return out;
  }

  // filter(linkType, frame, wireLength, seconds, nanoseconds): what a capture does with a
  // packet (true: dropped), for tests without a live capture.
  Napi::Value Filter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[1].IsTypedArray()) throw Napi::TypeError::New(env, "frame must be a Uint8Array");
    Napi::TypedArray ta = info[1].As<Napi::TypedArray>();
    const uint8_t* bytes = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    int64_t ns = static_cast<int64_t>(info[3].ToNumber().DoubleValue()) * 1000000000LL + info[4].ToNumber().Int64Value();
    shakewatch::PeekedTcp p;
    bool peeked = false;
    bool dropped = table_->Filter(info[0].ToNumber().Int32Value(), bytes, static_cast<uint32_t>(ta.ByteLength()), info[2].ToNumber().Uint32Value(), ns, &p, &peeked);
    return Napi::Boolean::New(env, dropped);
  }

  // advanceTo(seconds, nanoseconds): the table's clock without a packet (idle entries leave).
  Napi::Value AdvanceTo(const Napi::CallbackInfo& info) {
    int64_t ns = static_cast<int64_t>(info[0].ToNumber().DoubleValue()) * 1000000000LL + info[1].ToNumber().Int64Value();
    table_->AdvanceTo(ns);
    table_->SweepAll();
    return info.Env().Undefined();
  }

  std::unique_ptr<shakewatch::BypassTable> table_;
};

// peekHeader(linkType, frame): the header peek on one frame (tests compare it with the
// TypeScript decoder): null when not understood, else { ipVersion, src, dst, srcPort,
// dstPort, flags, payloadLength } (addresses copied).
Napi::Value PeekHeader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[1].IsTypedArray()) throw Napi::TypeError::New(env, "peekHeader(linkType, frame: Uint8Array)");
  Napi::TypedArray ta = info[1].As<Napi::TypedArray>();
  const uint8_t* bytes = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  shakewatch::PeekedTcp p;
  if (!shakewatch::PeekTcp(info[0].ToNumber().Int32Value(), bytes, ta.ByteLength(), &p)) return env.Null();
  size_t len = p.ipVersion == 4 ? 4 : 16;
  Napi::Object out = Napi::Object::New(env);
  out.Set("ipVersion", Napi::Number::New(env, p.ipVersion));
  out.Set("src", Napi::Buffer<uint8_t>::Copy(env, p.src, len));
  out.Set("dst", Napi::Buffer<uint8_t>::Copy(env, p.dst, len));
  out.Set("srcPort", Napi::Number::New(env, p.srcPort));
  out.Set("dstPort", Napi::Number::New(env, p.dstPort));
  out.Set("flags", Napi::Number::New(env, p.flags));
  out.Set("payloadLength", Napi::Number::New(env, p.payloadLength));
  return out;
}

class Capture : public Napi::ObjectWrap<Capture> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeCapture",
                       {
                           InstanceMethod<&Capture::Start>("start"),
                           InstanceMethod<&Capture::Stats>("stats"),
                           InstanceMethod<&Capture::SetFilter>("setFilter"),
                           InstanceMethod<&Capture::Close>("close"),
                           InstanceMethod<&Capture::SetRef>("setRef"),
                           InstanceMethod<&Capture::SetBypass>("setBypass"),
                           InstanceMethod<&Capture::AddBypass>("addBypass"),
                       });
  }

  // new NativeCapture({ device, snaplen, bufferSize, promiscuous, immediate, timeoutMs, nanosecond, filter })
  explicit Capture(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Capture>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "options object expected");
    Napi::Object o = info[0].As<Napi::Object>();
    std::string device = o.Get("device").ToString().Utf8Value();
    int snaplen = o.Get("snaplen").ToNumber().Int32Value();
    int bufferSize = o.Has("bufferSize") && o.Get("bufferSize").IsNumber() ? o.Get("bufferSize").ToNumber().Int32Value() : 0;
    bool promiscuous = o.Get("promiscuous").ToBoolean();
    bool immediate = o.Get("immediate").ToBoolean();
    int timeoutMs = o.Has("timeoutMs") && o.Get("timeoutMs").IsNumber() ? o.Get("timeoutMs").ToNumber().Int32Value() : -1;
    bool nanosecond = o.Get("nanosecond").ToBoolean();

    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_ = pcap_create(device.c_str(), errbuf);
    if (pcap_ == nullptr) throw PcapError(env, "EPCAP", PCAP_ERROR, errbuf);
    pcap_set_snaplen(pcap_, snaplen);
    pcap_set_promisc(pcap_, promiscuous ? 1 : 0);
    pcap_set_immediate_mode(pcap_, immediate ? 1 : 0);
    if (timeoutMs >= 0) pcap_set_timeout(pcap_, timeoutMs);
    if (bufferSize > 0) pcap_set_buffer_size(pcap_, bufferSize);
    if (nanosecond && pcap_set_tstamp_precision(pcap_, PCAP_TSTAMP_PRECISION_NANO) != 0) {
      pcap_set_tstamp_precision(pcap_, PCAP_TSTAMP_PRECISION_MICRO);  // unsupported here: micro
    }

    int status = pcap_activate(pcap_);
    if (status < 0) {
      // pcap_geterr holds the detail for PCAP_ERROR, NO_SUCH_DEVICE and the PERM_DENIED pair;
      // pcap_statustostr names the status for the rest.
      std::string detail = pcap_geterr(pcap_);
      std::string message = detail.empty() ? pcap_statustostr(status) : detail;
      pcap_close(pcap_);
      pcap_ = nullptr;
      throw PcapError(env, CodeForActivateStatus(status), status, message);
    }
    if (status > 0) {
      std::string detail = pcap_geterr(pcap_);
      warning_ = std::string(pcap_statustostr(status)) + (detail.empty() ? "" : ": " + detail);
    }
    if (pcap_setnonblock(pcap_, 1, errbuf) != 0) Fail(env, "EPCAP", PCAP_ERROR, errbuf);
    fd_ = pcap_get_selectable_fd(pcap_);
    if (fd_ < 0) Fail(env, "EPCAP", PCAP_ERROR, "this capture device offers no selectable file descriptor");
    nano_ = pcap_get_tstamp_precision(pcap_) == PCAP_TSTAMP_PRECISION_NANO;

    Napi::Value filter = o.Get("filter");
    if (filter.IsString()) ApplyFilter(env, filter.As<Napi::String>().Utf8Value(), true);

    Napi::Object self = info.This().As<Napi::Object>();
    linkType_ = pcap_datalink(pcap_);
    self.Set("linkType", Napi::Number::New(env, linkType_));
    self.Set("snapshotLength", Napi::Number::New(env, pcap_snapshot(pcap_)));
    self.Set("timestampPrecision", Napi::String::New(env, nano_ ? "nano" : "micro"));
    if (!warning_.empty()) self.Set("warning", Napi::String::New(env, warning_));
  }

  ~Capture() override { Shutdown(false); }

 private:
  static constexpr int kMaxBatchesPerWake = 16;  // then yield to the event loop (uv_poll is level-triggered)

  [[noreturn]] void Fail(Napi::Env env, const char* code, int status, const std::string& message) {
    pcap_close(pcap_);
    pcap_ = nullptr;
    throw PcapError(env, code, status, message);
  }

  void ApplyFilter(Napi::Env env, const std::string& expression, bool closeOnError) {
    struct bpf_program program;
    if (pcap_compile(pcap_, &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      std::string message = pcap_geterr(pcap_);
      if (closeOnError) Fail(env, "EFILTER", PCAP_ERROR, message);
      throw PcapError(env, "EFILTER", PCAP_ERROR, message);
    }
    int rc = pcap_setfilter(pcap_, &program);
    pcap_freecode(&program);
    if (rc != 0) {
      std::string message = pcap_geterr(pcap_);
      if (closeOnError) Fail(env, "EFILTER", PCAP_ERROR, message);
      throw PcapError(env, "EFILTER", PCAP_ERROR, message);
    }
  }

  Napi::Value SetFilter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (pcap_ == nullptr) throw PcapError(env, "ECLOSED", 0, "the capture is closed");
    ApplyFilter(env, info[0].ToString().Utf8Value(), false);
    return env.Undefined();
  }

  // start(batch, onBatch): batch = { data: Buffer, offsets, capturedLengths, originalLengths,
  // timestampSeconds, timestampNanoseconds }; onBatch(count) is called once per batch.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (pcap_ == nullptr) throw PcapError(env, "ECLOSED", 0, "the capture is closed");
    if (poll_ != nullptr) throw Napi::Error::New(env, "the capture is already started");
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) throw Napi::TypeError::New(env, "start(batch, callback)");
    Napi::Object batch = info[0].As<Napi::Object>();
    Napi::Value data = batch.Get("data");
    if (!data.IsBuffer()) throw Napi::TypeError::New(env, "batch.data must be a Buffer");
    Napi::Buffer<uint8_t> buffer = data.As<Napi::Buffer<uint8_t>>();
    data_ = buffer.Data();
    dataCapacity_ = buffer.Length();
    size_t n[5];
    offsets_ = TypedArrayData<uint32_t>(batch, "offsets", &n[0]);
    capturedLengths_ = TypedArrayData<uint32_t>(batch, "capturedLengths", &n[1]);
    originalLengths_ = TypedArrayData<uint32_t>(batch, "originalLengths", &n[2]);
    seconds_ = TypedArrayData<double>(batch, "timestampSeconds", &n[3]);
    nanoseconds_ = TypedArrayData<uint32_t>(batch, "timestampNanoseconds", &n[4]);
    maxPackets_ = n[0];
    for (size_t i = 1; i < 5; i++) maxPackets_ = std::min(maxPackets_, n[i]);
    if (maxPackets_ == 0) throw Napi::RangeError::New(env, "the batch arrays are empty");
    flagLog_ = std::make_unique<shakewatch::FlagLog>(maxPackets_ + 1);
    if (dataCapacity_ < static_cast<size_t>(pcap_snapshot(pcap_))) throw Napi::RangeError::New(env, "batch.data is smaller than the snapshot length");

    batchRef_ = Napi::Persistent(batch);
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
    asyncContext_ = std::make_unique<Napi::AsyncContext>(env, "shakewatch.pcap.batch");

    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) throw Napi::Error::New(env, "no event loop");
    poll_ = new uv_poll_t;
    int rc = uv_poll_init(loop, poll_, fd_);
    if (rc == 0) {
      poll_->data = this;
      rc = uv_poll_start(poll_, UV_READABLE, OnReadable);
    }
    if (rc != 0) {
      ClosePoll();
      throw PcapError(env, "EPCAP", PCAP_ERROR, std::string("uv_poll: ") + uv_strerror(rc));
    }
    if (!referenced_) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    Ref();  // alive while polling, even if JavaScript drops every reference
    selfRef_ = true;
    napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
    cleanupHook_ = true;
    return env.Undefined();
  }

  Napi::Value SetRef(const Napi::CallbackInfo& info) {
    referenced_ = info[0].ToBoolean();
    if (poll_ != nullptr) {
      if (referenced_) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
      else uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
    }
    return info.Env().Undefined();
  }

  // setBypass(table | null): packets of the connections in the table are counted and
  // dropped before they reach the batch (see bypass_table.h).
  Napi::Value SetBypass(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info[0].IsNull() || info[0].IsUndefined()) {
      bypass_ = nullptr;
      bypassRef_.Reset();
      return env.Undefined();
    }
    Napi::FunctionReference* tableClass = env.GetInstanceData<Napi::FunctionReference>();
    if (!info[0].IsObject() || tableClass == nullptr || !info[0].As<Napi::Object>().InstanceOf(tableClass->Value())) {
      throw Napi::TypeError::New(env, "setBypass(table: NativeBypassTable | null)");
    }
    NativeBypassTable* wrapped = NativeBypassTable::Unwrap(info[0].As<Napi::Object>());
    bypassRef_ = Napi::Persistent(info[0].As<Napi::Object>());
    bypass_ = wrapped->table();
    return env.Undefined();
  }

  // addBypass(index, ipVersion, addressA, portA, addressB, portB), from a listener reading
  // the batch's packet `index`: the connection into the bypass table, unless a SYN, FIN or
  // RST of it comes later in this batch or is held back for the next (let through before the
  // connection was in the table, so the table would never see it leave): 0 added, 1 already
  // in, 2 full, 3 late (not bypassed). Index -1: the packet is not from this capture's batch.
  Napi::Value AddBypass(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (bypass_ == nullptr) throw Napi::Error::New(env, "addBypass: no bypass table (setBypass first)");
    double index = info[0].ToNumber().DoubleValue();
    shakewatch::FlowKey key;
    FlowKeyArgs(info, 1, &key);
    auto r = flagLog_ != nullptr && inCallback_ && index >= 0 && flagLog_->Last(key) > index ? bypass_->Late() : bypass_->Add(key);
    return Napi::Number::New(env, static_cast<double>(r));
  }

  // libpcap's counters are 32 bits; widen them (a stats() call every 2^32 packets keeps them exact).
  bool ReadStats() {
    struct pcap_stat ps;
    std::memset(&ps, 0, sizeof ps);
    if (pcap_stats(pcap_, &ps) != 0) return false;
    received_ += static_cast<uint32_t>(ps.ps_recv - lastRaw_[0]);
    dropped_ += static_cast<uint32_t>(ps.ps_drop - lastRaw_[1]);
    interfaceDropped_ += static_cast<uint32_t>(ps.ps_ifdrop - lastRaw_[2]);
    lastRaw_[0] = ps.ps_recv;
    lastRaw_[1] = ps.ps_drop;
    lastRaw_[2] = ps.ps_ifdrop;
    return true;
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (pcap_ != nullptr && !ReadStats()) throw PcapError(env, "EPCAP", PCAP_ERROR, pcap_geterr(pcap_));
    Napi::Object out = Napi::Object::New(env);
    out.Set("received", Napi::Number::New(env, static_cast<double>(received_)));
    out.Set("dropped", Napi::Number::New(env, static_cast<double>(dropped_)));
    out.Set("interfaceDropped", Napi::Number::New(env, static_cast<double>(interfaceDropped_)));
    return out;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown(true);
    return info.Env().Undefined();
  }

  static void OnEnvCleanup(void* arg) {
    Capture* self = static_cast<Capture*>(arg);
    self->cleanupHook_ = false;  // being run: not to be removed
    self->Shutdown(false);
  }

  void ClosePoll() {
    if (poll_ == nullptr) return;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
  }

  // Idempotent. Stops the poll before libpcap closes the descriptor; references to the
  // JavaScript side are dropped (after the running callback returns, if inside one).
  void Shutdown(bool fromJs) {
    if (pcap_ == nullptr) return;
    ReadStats();  // keep the final counts for stats() after close
    ClosePoll();
    pcap_close(pcap_);
    pcap_ = nullptr;
    if (cleanupHook_) {
      napi_remove_env_cleanup_hook(Env(), OnEnvCleanup, this);
      cleanupHook_ = false;
    }
    if (!inCallback_) ReleaseJs();
    if (selfRef_ && fromJs) {
      selfRef_ = false;
      Unref();
    }
  }

  void ReleaseJs() {
    callback_.Reset();
    batchRef_.Reset();
    asyncContext_.reset();
    bypass_ = nullptr;
    bypassRef_.Reset();
  }

  static void OnPacket(u_char* user, const struct pcap_pkthdr* h, const u_char* bytes) {
    Capture* self = reinterpret_cast<Capture*>(user);
    if (self->bypass_ != nullptr) {
      int64_t ns = static_cast<int64_t>(h->ts.tv_sec) * 1000000000LL + (self->nano_ ? h->ts.tv_usec : h->ts.tv_usec * 1000LL);
      shakewatch::PeekedTcp p;
      bool peeked = false;
      if (self->bypass_->Filter(self->linkType_, bytes, h->caplen, h->len, ns, &p, &peeked)) return;
      // Its place: in this batch, or (held back when the batch is full) after all of it.
      if (peeked && shakewatch::HasSynFinRst(p)) self->NoteFlags(p, self->count_);
    }
    if (self->used_ + h->caplen > self->dataCapacity_) {
      // The batch is full: keep this packet for the next one and stop pcap_dispatch.
      self->pending_.assign(bytes, bytes + h->caplen);
      self->pendingHeader_ = *h;
      self->hasPending_ = true;
      pcap_breakloop(self->pcap_);
      return;
    }
    self->Append(h, bytes);
  }

  void NoteFlags(const shakewatch::PeekedTcp& p, size_t index) {
    shakewatch::FlowKey key;
    shakewatch::MakeFlowKey(p.ipVersion, p.src, p.srcPort, p.dst, p.dstPort, &key);
    flagLog_->Note(key, static_cast<uint32_t>(index));
  }

  // A new batch: the log of its SYN, FIN and RST segments starts empty, and the packet held
  // back from the last batch (already looked at by the table) opens it.
  void StartBatch() {
    count_ = 0;
    used_ = 0;
    if (flagLog_ != nullptr) flagLog_->Clear();
    if (!hasPending_) return;
    hasPending_ = false;
    if (bypass_ != nullptr) {
      shakewatch::PeekedTcp p;
      if (shakewatch::PeekTcp(linkType_, pending_.data(), pendingHeader_.caplen, &p) && shakewatch::HasSynFinRst(p)) NoteFlags(p, 0);
    }
    Append(&pendingHeader_, pending_.data());
  }

  void Append(const struct pcap_pkthdr* h, const u_char* bytes) {
    size_t i = count_++;
    std::memcpy(data_ + used_, bytes, h->caplen);
    offsets_[i] = static_cast<uint32_t>(used_);
    capturedLengths_[i] = h->caplen;
    originalLengths_[i] = h->len;
    seconds_[i] = static_cast<double>(h->ts.tv_sec);
    nanoseconds_[i] = nano_ ? static_cast<uint32_t>(h->ts.tv_usec) : static_cast<uint32_t>(h->ts.tv_usec) * 1000u;
    used_ += h->caplen;
  }

  // Fills one batch. Returns true when the batch filled up (the ring may hold more).
  bool Fill(std::string* error) {
    StartBatch();
    for (;;) {
      size_t slots = maxPackets_ - count_;
      if (slots == 0) return true;
      int n = pcap_dispatch(pcap_, static_cast<int>(std::min<size_t>(slots, 1 << 30)), OnPacket, reinterpret_cast<u_char*>(this));
      if (n == PCAP_ERROR_BREAK) return true;
      if (n < 0) {
        *error = pcap_geterr(pcap_);
        return false;
      }
      if (n == 0) return false;
    }
  }

  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    static_cast<Capture*>(handle->data)->Drain(status);
  }

  void Drain(int status) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    std::string error;
    if (status < 0) error = std::string("poll: ") + uv_strerror(status);
    for (int round = 0; error.empty() && pcap_ != nullptr && round < kMaxBatchesPerWake; round++) {
      bool full = Fill(&error);
      if (count_ > 0 && !Deliver()) return;
      if (!full) break;
    }
    if (hasPending_ && pcap_ != nullptr) {
      // Yielding with a packet held back from a full batch: it is out of the ring, so
      // nothing would wake us for it. Hand it over alone now.
      StartBatch();
      if (!Deliver()) return;
    }
    if (!error.empty() && pcap_ != nullptr) {
      Napi::Error err = PcapError(env, "EPCAP", PCAP_ERROR, "capture failed: " + error);
      Shutdown(true);
      napi_fatal_exception(env, err.Value());
    }
  }

  // One JavaScript call for the batch. Returns false when the capture is gone afterwards
  // (then `this` must not be touched again: the callback may have dropped the last
  // reference to it, so it is held only for the duration of the call).
  bool Deliver() {
    Napi::Env env = Env();
    Napi::Function fn = callback_.Value();
    Napi::Value thrown;
    Ref();
    inCallback_ = true;
    try {
      fn.MakeCallback(env.Global(), {Napi::Number::New(env, static_cast<double>(count_))}, *asyncContext_);
    } catch (const Napi::Error& e) {
      thrown = e.Value();
    }
    inCallback_ = false;
    bool open = pcap_ != nullptr;
    if (!open) ReleaseJs();  // closed from the callback
    Unref();
    // Like any throwing I/O callback: 'uncaughtException' (by default the process ends).
    if (!thrown.IsEmpty()) napi_fatal_exception(env, thrown);
    return open;
  }

  pcap_t* pcap_ = nullptr;
  int fd_ = -1;
  int linkType_ = 0;
  bool nano_ = false;
  shakewatch::BypassTable* bypass_ = nullptr;  // owned by the JavaScript object bypassRef_ holds
  Napi::ObjectReference bypassRef_;
  std::unique_ptr<shakewatch::FlagLog> flagLog_;  // made with the batch (start)
  std::string warning_;
  uv_poll_t* poll_ = nullptr;
  bool referenced_ = true;
  bool selfRef_ = false;
  bool cleanupHook_ = false;
  bool inCallback_ = false;
  Napi::FunctionReference callback_;
  Napi::ObjectReference batchRef_;
  std::unique_ptr<Napi::AsyncContext> asyncContext_;

  uint8_t* data_ = nullptr;
  size_t dataCapacity_ = 0;
  uint32_t* offsets_ = nullptr;
  uint32_t* capturedLengths_ = nullptr;
  uint32_t* originalLengths_ = nullptr;
  double* seconds_ = nullptr;
  uint32_t* nanoseconds_ = nullptr;
  size_t maxPackets_ = 0;
  size_t count_ = 0;
  size_t used_ = 0;
  std::vector<uint8_t> pending_;
  struct pcap_pkthdr pendingHeader_ {};
  bool hasPending_ = false;

  uint64_t received_ = 0, dropped_ = 0, interfaceDropped_ = 0;
  u_int lastRaw_[3] = {0, 0, 0};
};

Napi::Value LibVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), pcap_lib_version());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("listDevices", Napi::Function::New<ListDevices>(env, "listDevices"));
  exports.Set("libVersion", Napi::Function::New<LibVersion>(env, "libVersion"));
  exports.Set("NativeCapture", Capture::Define(env));
  Napi::Function bypass = NativeBypassTable::Define(env);
  env.SetInstanceData<Napi::FunctionReference>(new Napi::FunctionReference(Napi::Persistent(bypass)));
  exports.Set("NativeBypassTable", bypass);
  exports.Set("peekHeader", Napi::Function::New<PeekHeader>(env, "peekHeader"));
  return exports;
}

}  // namespace

NODE_API_MODULE(shakewatch_pcap, Init)
