// The steps of the live benchmark (started by run-live.sh, which makes the namespaces
// and starts the TLS server). For each offered rate, for each capturing tool in turn:
// start the capturer on the server's veth, start the TLS load at that rate for
// LIVE_SECONDS, let the last packets land, read the capturer's CPU time, stop it (SIGTERM)
// and read its counters. Prints a table and the verdict; writes bench/results/live-latest.json.
//
// Environment (set by run-live.sh): LIVE_NS_SRV, LIVE_NS_CLI, LIVE_IF, LIVE_SERVER_IP,
// LIVE_PORT, LIVE_RATES, LIVE_SECONDS, LIVE_BUFFER_MIB, LIVE_LOAD_WORKERS, LIVE_TOOLS,
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
const toolNames = (env.LIVE_TOOLS ?? 'agent,tcpdump').split(',').filter(Boolean);
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
for (const t of toolNames) if (!TOOLS[t]) throw new Error(`unknown tool in LIVE_TOOLS: ${t} (agent, tcpdump, tcpdump-immediate)`);

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

/** Packets the server's interface sent and received (both directions: what a capture sees). */
function wirePackets() {
  const [link] = JSON.parse(execFileSync('ip', ['-n', nsSrv, '-s', '-j', 'link', 'show', iface], { encoding: 'utf8' }));
  const st = link.stats64 ?? link.stats;
  return st.rx.packets + st.tx.packets;
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
    return {
      packets: m.get('shakewatch_capture_packets_total{agent="live"}') ?? null,
      kernelDrops: m.get('shakewatch_capture_dropped_packets_total{agent="live",where="kernel"}') ?? null,
      interfaceDrops: m.get('shakewatch_capture_dropped_packets_total{agent="live",where="interface"}') ?? null,
      connections: sumOf(m, 'shakewatch_tcp_connections_total{'),
      tlsHandshakes: sumOf(m, 'shakewatch_tls_handshakes_total{'),
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

/** The TLS load at `rate` connections/s for `secs` seconds; resolves to its tally. */
async function load(rate, secs) {
  const cmd = inNs(nsCli, trafficCpus, [process.execPath, join(ROOT, 'bench/live/tls-load.mjs'), serverIp, port, String(rate), String(secs), String(loadWorkers)]);
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = collect(child);
  const code = await exited(child);
  if (code !== 0) throw new Error(`load generator exited ${code}: ${out.stderr.slice(-500)}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

async function runStep(tool, rate) {
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
    const w0 = wirePackets();
    const t0 = process.hrtime.bigint();
    const traffic = await load(rate, seconds);
    await sleep(500); // the last packets reach the capturer
    const cpu1 = cpuSeconds(cap.pid);
    const m1 = machineJiffies();
    const w1 = wirePackets();
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
    const windowPackets = w1 - w0;
    return {
      tool, rate, traffic, ...counters, windowPackets,
      windowPacketsPerSecond: Math.round(windowPackets / wall),
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
for (const rate of rates) {
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
const compare = toolNames.includes('agent') && toolNames.includes('tcpdump');
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
  steps, verdict, durationSeconds: Math.round((Date.now() - started) / 1000),
};
mkdirSync(dirname(results), { recursive: true });
writeFileSync(results, `${JSON.stringify(result, null, 2)}\n`);

// The table.
const n = (x, d = 0) => (x === null || x === undefined ? '-' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
console.log(`\nlive capture on ${iface} (veth between two namespaces), filter "tcp", ${bufferMiB} MiB kernel buffer, ${seconds} s per step, ${loadWorkers} load workers`);
console.log(`machine: ${result.machine.cpu}, ${result.machine.cores} cores shared by load generator, TLS server and capturer; node ${process.version}\n`);
console.log('offered/s  tool               achieved/s  p50 ms  packets/s  captured  kernel drops   cpu s  cpu %core  us/pkt  machine busy');
for (const s of steps) {
  for (const [tool, r] of Object.entries(s.tools)) {
    console.log(`${n(s.rate).padStart(9)}  ${tool.padEnd(17)} ${n(r.traffic.achievedRate).padStart(10)} ${n(r.traffic.connectMs.p50, 1).padStart(7)} ${n(r.windowPacketsPerSecond).padStart(10)} ${n(r.packets).padStart(9)} ${n(r.kernelDrops).padStart(13)} ${n(r.cpuSeconds, 3).padStart(7)} ${n(r.cpuPercentOfOneCore, 2).padStart(10)} ${n(r.cpuMicrosPerPacket, 2).padStart(7)} ${n(r.machineBusyPercent, 0).padStart(12)}%`);
  }
}
console.log('(packets/s: both directions on the interface during the measured window; captured: the capturer\'s own count, warm-up included;');
console.log(' cpu: the capturer\'s run time over the window, all threads; us/pkt: cpu over the window\'s packets)');
if (toolNames.includes('agent')) {
  for (const s of steps) {
    const a = s.tools.agent;
    if (a) log(`${s.rate}/s: the agent counted ${a.connections} TCP connections and ${a.tlsHandshakes} TLS handshakes; the load opened ${a.connectionsOpened}`);
  }
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
  console.log(`target: agent keeps up wherever tcpdump does      ${ok(verdict.keepsUpWhereTcpdumpDoes)}`);
  console.log(`target: agent CPU <= 2x tcpdump's at those rates  ${ok(verdict.cpuAtMostTwiceTcpdump)}`);
}
console.log(`\nwrote ${results} (${result.durationSeconds} s)`);
process.exitCode = env.LIVE_STRICT === '1' && verdict && !verdict.met ? 1 : 0;
