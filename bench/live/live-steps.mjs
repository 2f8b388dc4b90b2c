// The steps of the live benchmark (started by run-live.sh, which makes the namespaces
// and starts the TLS server). Two scenarios, each capturer in turn on the server's veth:
//
// - handshake: for each offered rate, start the capturer, start the TLS load at that rate
//   for LIVE_SECONDS (new connections, a small request and response each), let the last
//   packets land, read the capturer's CPU time, stop it (SIGTERM) and read its counters;
// - bulk: LIVE_BULK_CONNECTIONS long TLS downloads filling the veth for LIVE_SECONDS, with
//   LIVE_BULK_CHURN new short TLS connections a second meanwhile; the same measurements.
//
// Prints the tables and the verdicts; writes bench/results/live-latest.json.
//
// Environment (set by run-live.sh): LIVE_NS_SRV, LIVE_NS_CLI, LIVE_IF, LIVE_SERVER_IP,
// LIVE_PORT, LIVE_RATES, LIVE_SECONDS, LIVE_BUFFER_MIB, LIVE_LOAD_WORKERS, LIVE_TOOLS,
// LIVE_SCENARIOS, LIVE_BULK_CONNECTIONS, LIVE_BULK_CHURN,
// LIVE_CAPTURE_CPUS / LIVE_TRAFFIC_CPUS (taskset lists, empty: no pinning), LIVE_RESULTS,
// LIVE_META (JSON: machine and setup facts gathered by the script).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const env = process.env;
const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const nsSrv = env.LIVE_NS_SRV;
const nsCli = env.LIVE_NS_CLI;
const iface = env.LIVE_IF;
const serverIp = env.LIVE_SERVER_IP;
const port = env.LIVE_PORT ?? '8443';
const rates = (env.LIVE_RATES ?? '250,500,1000,1500,2000,3000,4000').split(',').map(Number).filter((r) => r > 0);
const seconds = Number(env.LIVE_SECONDS ?? 10);
const bufferMiB = Number(env.LIVE_BUFFER_MIB ?? 32);
const loadWorkers = Number(env.LIVE_LOAD_WORKERS ?? 2);
const toolNames = (env.LIVE_TOOLS ?? 'agent,agent-nobypass,tcpdump').split(',').filter(Boolean);
const scenarios = (env.LIVE_SCENARIOS ?? 'handshake,bulk').split(',').filter(Boolean);
const bulkConnections = Number(env.LIVE_BULK_CONNECTIONS ?? 4);
const bulkChurn = Number(env.LIVE_BULK_CHURN ?? 100);
const captureCpus = env.LIVE_CAPTURE_CPUS ?? '';
const trafficCpus = env.LIVE_TRAFFIC_CPUS ?? '';
const warmupSeconds = Number(env.LIVE_WARMUP_SECONDS ?? 3);
const WARMUP_RATE = 500;
const agentMain = env.LIVE_AGENT ?? join(ROOT, 'dist/apps/agent/main.js');
const results = env.LIVE_RESULTS ?? join(ROOT, 'bench/results/live-latest.json');
const meta = JSON.parse(env.LIVE_META ?? '{}');
const log = (m) => process.stderr.write(`[live] ${m}\n`);

const pin = (cpus) => (cpus ? ['taskset', '-c', cpus] : []);
const inNs = (ns, cpus, cmd) => ['ip', 'netns', 'exec', ns, ...pin(cpus), ...cmd];

// The capturers: the same interface, filter, snapshot length and kernel buffer.
const TOOLS = {
  agent: {
    cmd: [agentMain, 'run', '-i', iface, '--print-metrics', '--interval-seconds', '3600', '--agent-id', 'live', '--log-level', 'info'],
    // The buffer through the environment: the --buffer-mib flag is refused at this commit
    // (commander names it bufferMib, the config schema expects bufferMiB).
    env: { SHAKEWATCH_AGENT_BUFFER_MIB: String(bufferMiB) },
    ready: /"msg":"capturing"/,
    comm: 'node',
  },
  // The agent as it was before the flow bypass (every segment decoded in JavaScript).
  'agent-nobypass': {
    cmd: [agentMain, 'run', '-i', iface, '--print-metrics', '--interval-seconds', '3600', '--agent-id', 'live', '--log-level', 'info', '--no-bypass'],
    env: { SHAKEWATCH_AGENT_BUFFER_MIB: String(bufferMiB) },
    ready: /"msg":"capturing"/,
    comm: 'node',
  },
  tcpdump: {
    cmd: ['tcpdump', '-i', iface, '-n', '-B', String(bufferMiB * 1024), '-Z', 'root', '-w', '/dev/null', 'tcp'],
    ready: /listening on/,
    comm: 'tcpdump',
  },
  // tcpdump in immediate mode: one wake-up per packet (the agent's ring layout before aabb5e4).
  'tcpdump-immediate': {
    cmd: ['tcpdump', '-i', iface, '-n', '--immediate-mode', '-B', String(bufferMiB * 1024), '-Z', 'root', '-w', '/dev/null', 'tcp'],
    ready: /listening on/,
    comm: 'tcpdump',
  },
};
// A/B of agent builds: LIVE_AGENT_VARIANTS="name=path,..." adds a tool `agent-name` per build
// (name them in LIVE_TOOLS), run the same way as `agent`.
for (const v of (env.LIVE_AGENT_VARIANTS ?? '').split(',').filter(Boolean)) {
  const [name, path] = v.split('=');
  TOOLS[`agent-${name}`] = { ...TOOLS.agent, cmd: [path, ...TOOLS.agent.cmd.slice(1)] };
}
for (const t of toolNames) if (!TOOLS[t]) throw new Error(`unknown tool in LIVE_TOOLS: ${t} (agent, agent-nobypass, tcpdump, tcpdump-immediate)`);
for (const sc of scenarios) if (sc !== 'handshake' && sc !== 'bulk') throw new Error(`unknown scenario in LIVE_SCENARIOS: ${sc} (handshake, bulk)`);

/**
 * CPU time of a process, all its threads, in seconds: the scheduler's run time in
 * nanoseconds (/proc/PID/task/TID/schedstat), since utime + stime count in 10 ms ticks and
 * tcpdump spends less than one tick in a whole step.
 */
function cpuSeconds(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e9;
}
/** Busy and total jiffies of the whole machine (every process, ours or not). */
function machineJiffies() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - f[4], total };
}

/** Packets and bytes the server's interface sent and received (both directions: what a capture sees). */
function wire() {
  const [link] = JSON.parse(execFileSync('ip', ['-n', nsSrv, '-s', '-j', 'link', 'show', iface], { encoding: 'utf8' }));
  const st = link.stats64 ?? link.stats;
  return { packets: st.rx.packets + st.tx.packets, bytes: st.rx.bytes + st.tx.bytes };
}

function waitFor(child, stream, re, what, ms = 15000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after ${ms} ms: ${text.slice(-500)}`)), ms);
    const on = (d) => {
      text += d;
      if (re.test(text)) {
        clearTimeout(timer);
        child[stream].off('data', on);
        resolve();
      }
    };
    child[stream].on('data', on);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready: ${text.slice(-500)}`)));
  });
}

function collect(child) {
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  return out;
}

const exited = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Last value of every series in Prometheus text (later snapshots override earlier ones). */
function samples(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    if (!line || line[0] === '#') continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}
const sumOf = (m, prefix) => [...m].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);

function parseCounters(tool, out) {
  if (tool.startsWith('agent')) {
    const m = samples(out.stdout);
    const bypass = (k) => m.get(`shakewatch_agent_${k}`) ?? null;
    return {
      packets: m.get('shakewatch_capture_packets_total{agent="live"}') ?? null,
      kernelDrops: m.get('shakewatch_capture_dropped_packets_total{agent="live",where="kernel"}') ?? null,
      interfaceDrops: m.get('shakewatch_capture_dropped_packets_total{agent="live",where="interface"}') ?? null,
      connections: sumOf(m, 'shakewatch_tcp_connections_total{'),
      tlsHandshakes: sumOf(m, 'shakewatch_tls_handshakes_total{'),
      bypass: bypass('bypassed_bytes_total{agent="live"}') === null ? null : {
        bypassedPackets: bypass('bypass_packets_total{agent="live",result="bypassed"}'),
        bypassedBytes: bypass('bypassed_bytes_total{agent="live"}'),
        passedFlags: bypass('bypass_packets_total{agent="live",result="passed_flags"}'),
        passedRefresh: bypass('bypass_packets_total{agent="live",result="passed_refresh"}'),
        notUnderstood: bypass('bypass_packets_total{agent="live",result="not_understood"}'),
        added: bypass('bypass_table_total{agent="live",event="added"}'),
        late: bypass('bypass_table_total{agent="live",event="late"}'),
        full: bypass('bypass_table_total{agent="live",event="full"}'),
      },
    };
  }
  const n = (re) => {
    const x = out.stderr.match(re);
    return x ? Number(x[1]) : null;
  };
  return {
    packets: n(/(\d+) packets? captured/),
    received: n(/(\d+) packets? received by filter/),
    kernelDrops: n(/(\d+) packets? dropped by kernel/),
    interfaceDrops: n(/(\d+) packets? dropped by interface/) ?? 0,
  };
}

/** A load generator in the client namespace; resolves to the JSON line it prints. */
async function generator(script, args) {
  const cmd = inNs(nsCli, trafficCpus, [process.execPath, join(ROOT, 'bench/live', script), serverIp, port, ...args.map(String)]);
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = collect(child);
  const code = await exited(child);
  if (code !== 0) throw new Error(`${script} exited ${code}: ${out.stderr.slice(-500)}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

/** The TLS load at `rate` connections/s for `secs` seconds; resolves to its tally. */
const load = (rate, secs) => generator('tls-load.mjs', [rate, secs, loadWorkers]);

/** The bulk scenario's traffic: the long downloads and the churn of short connections, at once. */
async function bulkTraffic(secs) {
  const [downloads, churn] = await Promise.all([
    generator('bulk-load.mjs', [bulkConnections, secs]),
    bulkChurn > 0 ? generator('tls-load.mjs', [bulkChurn, secs, 1]) : null,
  ]);
  // the connections' tally, as the handshake scenario's (achieved: the churn's rate)
  return { ...(churn ?? { started: 0, completed: 0, achievedRate: 0, connectMs: { p50: null } }), started: (churn?.started ?? 0) + downloads.connections, downloads, churn };
}

async function runStep(tool, rate, scenario = 'handshake') {
  const spec = TOOLS[tool];
  const capCmd = inNs(nsSrv, captureCpus, spec.cmd);
  const cap = spawn(capCmd[0], capCmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...spec.env } });
  const capOut = collect(cap);
  try {
    await waitFor(cap, 'stderr', spec.ready, tool);
    const comm = readFileSync(`/proc/${cap.pid}/comm`, 'utf8').trim();
    if (comm !== spec.comm) throw new Error(`pid ${cap.pid} is ${comm}, expected ${spec.comm} (ip netns exec / taskset should exec it)`);
    await sleep(300);
    // Warm-up, not measured, the same for every tool and rate: the agent's JIT compiles
    // its hot paths on the first tens of thousands of packets (a one-off cost a
    // long-running agent does not pay again).
    const warmup = warmupSeconds > 0 ? await load(WARMUP_RATE, warmupSeconds) : null;
    await sleep(300);

    const cpu0 = cpuSeconds(cap.pid);
    const m0 = machineJiffies();
    const w0 = wire();
    const t0 = process.hrtime.bigint();
    const traffic = scenario === 'bulk' ? await bulkTraffic(seconds) : await load(rate, seconds);
    await sleep(500); // the last packets reach the capturer
    const cpu1 = cpuSeconds(cap.pid);
    const m1 = machineJiffies();
    const w1 = wire();
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;

    cap.kill('SIGTERM');
    const capCode = await Promise.race([exited(cap), sleep(15000).then(() => 'timeout')]);
    if (capCode === 'timeout') {
      cap.kill('SIGKILL');
      throw new Error(`${tool} did not stop within 15 s of SIGTERM`);
    }
    const counters = parseCounters(tool, capOut);
    if (counters.packets === null || counters.kernelDrops === null) throw new Error(`${tool}: no counters in its output (exit ${capCode}): ${capOut.stderr.slice(-500)}`);
    const cpu = cpu1 - cpu0;
    const windowPackets = w1.packets - w0.packets;
    return {
      tool, rate, scenario, traffic, ...counters, windowPackets,
      windowPacketsPerSecond: Math.round(windowPackets / wall),
      windowMegabytesPerSecond: +((w1.bytes - w0.bytes) / 1e6 / wall).toFixed(1),
      // the capturer's CPU per new connection of the window (the handshake scenario's figure)
      cpuMicrosPerConnection: traffic.completed ? +((1e6 * cpu) / traffic.completed).toFixed(1) : null,
      connectionsOpened: traffic.started + (warmup?.started ?? 0), // warm-up included, like the capturer's counts
      cpuSeconds: +cpu.toFixed(4), wallSeconds: +wall.toFixed(3),
      cpuPercentOfOneCore: +((100 * cpu) / wall).toFixed(3),
      cpuMicrosPerPacket: windowPackets ? +((1e6 * cpu) / windowPackets).toFixed(3) : null,
      machineBusyPercent: +((100 * (m1.busy - m0.busy)) / (m1.total - m0.total)).toFixed(1),
      keptUp: counters.kernelDrops === 0 && (counters.interfaceDrops ?? 0) === 0,
    };
  } finally {
    if (cap.exitCode === null && cap.signalCode === null) {
      cap.kill('SIGKILL');
      await exited(cap);
    }
  }
}

const started = Date.now();
const steps = [];
for (const rate of scenarios.includes('handshake') ? rates : []) {
  const row = { rate, tools: {} };
  for (const tool of toolNames) {
    const r = await runStep(tool, rate);
    row.tools[tool] = r;
    log(`${String(rate).padStart(5)}/s ${tool.padEnd(17)} achieved ${r.traffic.achievedRate}/s (p50 ${r.traffic.connectMs.p50} ms), ${r.windowPackets} packets in the window (${r.packets} captured in all), ${r.kernelDrops} kernel drops, cpu ${r.cpuSeconds} s = ${r.cpuPercentOfOneCore}% of a core, machine ${r.machineBusyPercent}% busy`);
  }
  steps.push(row);
  // The generator is the ceiling: once it no longer reaches 95% of the offered rate,
  // higher offers only add queueing. Stop after that step.
  const saturated = Object.values(row.tools).every((r) => r.traffic.achievedRate < 0.95 * rate);
  if (saturated) {
    log(`the load generator reached less than 95% of ${rate}/s in every run: stopping here`);
    break;
  }
}

// The bulk scenario: each tool once, the same traffic shape.
const bulk = { tools: {} };
if (scenarios.includes('bulk')) {
  for (const tool of toolNames) {
    const r = await runStep(tool, 0, 'bulk');
    bulk.tools[tool] = r;
    log(`bulk ${tool.padEnd(17)} ${r.traffic.downloads.megabytesPerSecond} MB/s downloaded (${r.windowMegabytesPerSecond} MB/s, ${r.windowPacketsPerSecond} packets/s on the wire), churn ${r.traffic.churn?.achievedRate ?? 0}/s, ${r.kernelDrops} kernel drops, cpu ${r.cpuSeconds} s = ${r.cpuPercentOfOneCore}% of a core${r.bypass ? `, ${r.bypass.bypassedPackets} packets bypassed` : ''}`);
  }
}
const bulkVerdict = (() => {
  const a = bulk.tools.agent;
  const t = bulk.tools.tcpdump;
  if (!a || !t) return null;
  const ratio = t.cpuSeconds > 0 ? a.cpuSeconds / t.cpuSeconds : null;
  const nb = bulk.tools['agent-nobypass'];
  // per packet too: the downloads run as fast as the machine lets them, so each run moves a
  // slightly different number of packets (the capturer competes with them for the 2 cores)
  const perPacket = (x) => (x && x.cpuMicrosPerPacket && t.cpuMicrosPerPacket ? +(x.cpuMicrosPerPacket / t.cpuMicrosPerPacket).toFixed(2) : null);
  return {
    cpuRatio: ratio === null ? null : +ratio.toFixed(2),
    cpuRatioWithoutBypass: nb && t.cpuSeconds > 0 ? +(nb.cpuSeconds / t.cpuSeconds).toFixed(2) : null,
    cpuPerPacketRatio: perPacket(a),
    cpuPerPacketRatioWithoutBypass: perPacket(nb),
    keepsUpMet: !t.keptUp || a.keptUp,
    cpuMet: ratio !== null && ratio <= 2,
  };
})();

// Verdict: the agent keeps up (zero kernel drops) wherever tcpdump does, using at most 2x its CPU.
const highest = (tool) => {
  let best = null;
  for (const s of steps) {
    const r = s.tools[tool];
    if (!r) continue;
    if (!r.keptUp) break;
    best = { offered: s.rate, achieved: r.traffic.achievedRate };
  }
  return best;
};
const compare = toolNames.includes('agent') && toolNames.includes('tcpdump') && steps.length > 0;
const perStep = compare
  ? steps.map((s) => {
      const a = s.tools.agent;
      const t = s.tools.tcpdump;
      const ratio = t.cpuSeconds > 0 ? a.cpuSeconds / t.cpuSeconds : null;
      const ti = s.tools['tcpdump-immediate'];
      return {
        rate: s.rate,
        cpuRatioToTcpdumpImmediate: ti && ti.cpuSeconds > 0 ? +(a.cpuSeconds / ti.cpuSeconds).toFixed(2) : null,
        tcpdumpKeptUp: t.keptUp,
        agentKeptUp: a.keptUp,
        cpuRatio: ratio === null ? null : +ratio.toFixed(2),
        cpuMicrosPerConnection: a.cpuMicrosPerConnection,
        cpuMicrosPerConnectionWithoutBypass: s.tools['agent-nobypass']?.cpuMicrosPerConnection ?? null,
        keepsUpMet: !t.keptUp || a.keptUp,
        cpuMet: !t.keptUp || (ratio !== null && ratio <= 2),
      };
    })
  : [];
const verdict = compare
  ? {
      agentHighestZeroDrop: highest('agent'),
      tcpdumpHighestZeroDrop: highest('tcpdump'),
      keepsUpWhereTcpdumpDoes: perStep.every((p) => p.keepsUpMet),
      cpuAtMostTwiceTcpdump: perStep.every((p) => p.cpuMet),
      generatorLimited: steps.length > 0 && Object.values(steps[steps.length - 1].tools).every((r) => r.traffic.achievedRate < 0.95 * steps[steps.length - 1].rate),
      perStep,
    }
  : null;
if (verdict) verdict.met = verdict.keepsUpWhereTcpdumpDoes && verdict.cpuAtMostTwiceTcpdump;

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return (e.stderr ?? '').toString().trim() || null;
  }
};
const result = {
  date: new Date().toISOString(),
  commit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, kernel: os.release(), node: process.version,
    load_average_1m_at_end: +os.loadavg()[0].toFixed(2),
    tcpdump: (sh('tcpdump', ['--version']) ?? '').split('\n').slice(0, 2).join(' / '),
  },
  setup: {
    interface: iface, filter: 'tcp', snaplen: 262144, bufferMiB, secondsPerStep: seconds, warmup: `${warmupSeconds} s at ${WARMUP_RATE}/s`, loadWorkers,
    captureCpus: captureCpus || 'any', trafficCpus: trafficCpus || 'any', ...meta,
    tcpdumpCommand: TOOLS.tcpdump.cmd.join(' '), agentCommand: `SHAKEWATCH_AGENT_BUFFER_MIB=${bufferMiB} dist/apps/agent/main.js ${TOOLS.agent.cmd.slice(1).join(' ')}`,
  },
  scenarios, bulkSetup: { downloads: bulkConnections, churnPerSecond: bulkChurn, seconds },
  steps, verdict, bulk, bulkVerdict, durationSeconds: Math.round((Date.now() - started) / 1000),
};
mkdirSync(dirname(results), { recursive: true });
writeFileSync(results, `${JSON.stringify(result, null, 2)}\n`);

// The table.
const n = (x, d = 0) => (x === null || x === undefined ? '-' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
console.log(`\nlive capture on ${iface} (veth between two namespaces), filter "tcp", ${bufferMiB} MiB kernel buffer, ${seconds} s per step, ${loadWorkers} load workers`);
console.log(`machine: ${result.machine.cpu}, ${result.machine.cores} cores shared by load generator, TLS server and capturer; node ${process.version}`);
if (steps.length > 0) {
  console.log('\nhandshake scenario: new TLS connections, a small request and response each');
  console.log('offered/s  tool               achieved/s  p50 ms  packets/s  captured  kernel drops   cpu s  cpu %core  us/pkt  us/conn  machine busy');
  for (const s of steps) {
    for (const [tool, r] of Object.entries(s.tools)) {
      console.log(`${n(s.rate).padStart(9)}  ${tool.padEnd(17)} ${n(r.traffic.achievedRate).padStart(10)} ${n(r.traffic.connectMs.p50, 1).padStart(7)} ${n(r.windowPacketsPerSecond).padStart(10)} ${n(r.packets).padStart(9)} ${n(r.kernelDrops).padStart(13)} ${n(r.cpuSeconds, 3).padStart(7)} ${n(r.cpuPercentOfOneCore, 2).padStart(10)} ${n(r.cpuMicrosPerPacket, 2).padStart(7)} ${n(r.cpuMicrosPerConnection, 1).padStart(8)} ${n(r.machineBusyPercent, 0).padStart(12)}%`);
    }
  }
  console.log('(packets/s: both directions on the interface during the measured window; captured: the capturer\'s own count, warm-up included;');
  console.log(' cpu: the capturer\'s run time over the window, all threads; us/pkt: cpu over the window\'s packets; us/conn: cpu over the connections completed in it)');
}
if (Object.keys(bulk.tools).length > 0) {
  console.log(`\nbulk scenario: ${bulkConnections} long TLS downloads for ${seconds} s, ${bulkChurn} new short TLS connections/s meanwhile`);
  console.log('tool               MB/s down  wire MB/s  packets/s  churn/s  captured  kernel drops   cpu s  cpu %core  us/pkt  bypassed  machine busy');
  for (const [tool, r] of Object.entries(bulk.tools)) {
    const share = r.bypass && r.windowPackets ? `${n((100 * r.bypass.bypassedPackets) / r.packets, 1)}%` : '-';
    console.log(`${tool.padEnd(17)} ${n(r.traffic.downloads.megabytesPerSecond, 1).padStart(10)} ${n(r.windowMegabytesPerSecond, 1).padStart(10)} ${n(r.windowPacketsPerSecond).padStart(10)} ${n(r.traffic.churn?.achievedRate ?? 0).padStart(8)} ${n(r.packets).padStart(9)} ${n(r.kernelDrops).padStart(13)} ${n(r.cpuSeconds, 3).padStart(7)} ${n(r.cpuPercentOfOneCore, 2).padStart(10)} ${n(r.cpuMicrosPerPacket, 3).padStart(7)} ${share.padStart(9)} ${n(r.machineBusyPercent, 0).padStart(12)}%`);
  }
  console.log('(MB/s down: what the downloads read (TLS payload); wire MB/s and packets/s: both directions on the interface; bypassed: the agent\'s');
  console.log(' bypassed packets over all it captured, warm-up included)');
}
for (const tool of toolNames.filter((t) => t.startsWith('agent'))) {
  for (const s of steps) {
    const a = s.tools[tool];
    if (a) log(`${s.rate}/s: ${tool} counted ${a.connections} TCP connections and ${a.tlsHandshakes} TLS handshakes; the load opened ${a.connectionsOpened}`);
  }
  const b = bulk.tools[tool];
  if (b) log(`bulk: ${tool} counted ${b.connections} TCP connections and ${b.tlsHandshakes} TLS handshakes; the load opened ${b.connectionsOpened}`);
}
if (verdict) {
  const ok = (b) => (b ? 'met' : 'MISSED');
  const hi = (h) => (h ? `${n(h.achieved)}/s achieved (offered ${n(h.offered)}/s)` : 'none');
  console.log('');
  console.log(`highest rate at zero kernel drops: agent ${hi(verdict.agentHighestZeroDrop)}, tcpdump ${hi(verdict.tcpdumpHighestZeroDrop)}${verdict.generatorLimited ? ' (the load generator, not a capturer, was the ceiling)' : ''}`);
  console.log(`agent CPU / tcpdump CPU per step: ${perStep.map((p) => `${n(p.rate)}/s ${p.cpuRatio === null ? '-' : `${n(p.cpuRatio, 1)}x`}`).join(', ')}`);
  if (perStep.some((p) => p.cpuRatioToTcpdumpImmediate !== null)) {
    console.log(`agent CPU / tcpdump --immediate-mode CPU:  ${perStep.map((p) => `${n(p.rate)}/s ${p.cpuRatioToTcpdumpImmediate === null ? '-' : `${n(p.cpuRatioToTcpdumpImmediate, 2)}x`}`).join(', ')}`);
  }
  if (perStep.some((p) => p.cpuMicrosPerConnectionWithoutBypass !== null)) {
    console.log(`agent CPU per new TLS connection, bypass on / off: ${perStep.map((p) => `${n(p.rate)}/s ${n(p.cpuMicrosPerConnection, 0)} / ${n(p.cpuMicrosPerConnectionWithoutBypass, 0)} us`).join(', ')}`);
  }
  if (steps.some((s) => s.tools.agent?.bypass)) {
    // warm-up included, like "captured"
    console.log(`agent bypass per step (packets bypassed, share of captured; connections added / late): ${steps.map((s) => { const b = s.tools.agent?.bypass; return b ? `${n(s.rate)}/s ${n(b.bypassedPackets)}, ${n((100 * b.bypassedPackets) / s.tools.agent.packets, 1)}%; ${n(b.added)} / ${n(b.late)}` : `${n(s.rate)}/s -`; }).join(', ')}`);
  }
  console.log(`target: agent keeps up wherever tcpdump does      ${ok(verdict.keepsUpWhereTcpdumpDoes)}`);
  console.log(`target: agent CPU <= 2x tcpdump's at those rates  ${ok(verdict.cpuAtMostTwiceTcpdump)}`);
}
if (bulkVerdict) {
  const ok = (b) => (b ? 'met' : 'MISSED');
  console.log('');
  const x = (v) => (v === null ? '-' : `${n(v, 2)}x`);
  console.log(`bulk: agent CPU / tcpdump CPU ${x(bulkVerdict.cpuRatio)}, per packet ${x(bulkVerdict.cpuPerPacketRatio)}${bulkVerdict.cpuRatioWithoutBypass === null ? '' : ` (without the bypass: ${x(bulkVerdict.cpuRatioWithoutBypass)}, per packet ${x(bulkVerdict.cpuPerPacketRatioWithoutBypass)})`}`);
  const b = bulk.tools.agent.bypass;
  if (b) console.log(`bulk: the agent bypassed ${n(b.bypassedPackets)} packets (${n(b.bypassedBytes / 1e6, 1)} MB), passed up ${n(b.passedFlags)} with SYN/FIN/RST and ${n(b.passedRefresh)} refreshes; ${n(b.added)} connections added, ${n(b.late)} late, ${n(b.full)} refused (full), ${n(b.notUnderstood)} frames not understood`);
  console.log(`target (bulk): agent keeps up wherever tcpdump does   ${ok(bulkVerdict.keepsUpMet)}`);
  console.log(`target (bulk): agent CPU <= 2x tcpdump's              ${ok(bulkVerdict.cpuMet)}`);
}
console.log(`\nwrote ${results} (${result.durationSeconds} s)`);
process.exitCode = env.LIVE_STRICT === '1' && ((verdict && !verdict.met) || (bulkVerdict && !(bulkVerdict.keepsUpMet && bulkVerdict.cpuMet))) ? 1 : 0;
