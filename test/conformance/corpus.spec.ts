/**
 * Conformance against the public capture corpus: per TCP connection, our events must
 * agree with tshark 4.0.17 (connection set, client, iRTT, first RST sender) and with
 * Zeek's conn.log baselines (conn_state, history); per TLS handshake over TCP, with
 * tshark's hellos (version, cipher, SNI, ALPN, group, JA3/JA3S), FoxIO's JA4 outputs and
 * Zeek's ssl.log baselines; or be listed with a reason in exceptions.json. Run: SHAKEWATCH_CORPUS=/path/to/public npx jest --selectProjects conformance
 * (SHAKEWATCH_CONFORMANCE_REPORT=FILE also writes the printed report to FILE).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decodeCapture, ja4Outputs, listCaptures, readText, STREAMS_SUFFIX, zeekConnLogs, zeekSslLogs } from './corpus';
import { ExceptionIndex, validateExceptions, type ExceptionsFile } from './exceptions';
import { parseArkimeJa4, parseJa4Python, parseJa4Rust, parseSuricataJa4 } from './ja4-reference';
import { compareWithTshark, compareWithZeek, emptyTallies, FIELDS, ourConnection, type Disagreement, type Field, type Tallies } from './match';
import { formatReport, type CaptureResult } from './report';
import { compareJa4, compareTlsWithTshark, compareWithZeekSsl } from './tls-match';
import { parseSkeGroups, parseTsharkTls, udpPairs } from './tls-reference';
import { parseTsharkStreams } from './tshark-reference';
import { parseZeekConnLog } from './zeek-conn-log';
import { parseZeekSslLog } from './zeek-ssl-log';

/** tshark's ServerKeyExchange groups, which the corpus TSVs lack (see tools/tshark-ske-groups.mjs). */
const skeGroups = parseSkeGroups(readFileSync(join(__dirname, 'reference', 'tshark-ske-groups.tsv'), 'utf8'));

const corpus = process.env.SHAKEWATCH_CORPUS;

if (corpus === undefined || corpus === '') {
  describe('public corpus conformance', () => {
    it('needs SHAKEWATCH_CORPUS', () => {
      throw new Error(
        'SHAKEWATCH_CORPUS is not set: point it at the public capture corpus (the directory holding MANIFEST.md and the ' +
          `<source>/<capture>${STREAMS_SUFFIX} references), e.g. SHAKEWATCH_CORPUS=/work/shared/captures/public npx jest --selectProjects conformance`,
      );
    });
  });
} else if (!existsSync(corpus)) {
  describe('public corpus conformance', () => {
    it('finds SHAKEWATCH_CORPUS', () => {
      throw new Error(`SHAKEWATCH_CORPUS=${corpus} does not exist: point it at the public capture corpus (the directory holding MANIFEST.md)`);
    });
  });
} else {
  const captures = listCaptures(corpus);
  const exceptionsFile = JSON.parse(readFileSync(join(__dirname, 'exceptions.json'), 'utf8')) as ExceptionsFile;
  const exceptions = new ExceptionIndex(exceptionsFile);
  const results: CaptureResult[] = [];
  const totals = emptyTallies();

  describe('public corpus conformance', () => {
    it(`finds the corpus (${corpus})`, () => {
      expect(captures.length).toBeGreaterThan(0);
    });

    it('has a well-formed exceptions.json', () => {
      expect(validateExceptions(exceptionsFile)).toEqual([]);
    });

    describe.each(captures)('%s', (capture) => {
      it('agrees with tshark and zeek, or the difference is an explained exception', () => {
        const result = compareCapture(corpus, capture, exceptions);
        results.push(result);
        addTallies(totals, result.tallies);
        const unexplained = result.disagreements.filter((d) => d.explainedBy === null).map(describeDisagreement);
        expect(unexplained).toEqual([]);
      });
    });

    it('lists no stale exceptions', () => {
      const stale = exceptions.stale(new Set(captures), new Set(results.map((r) => r.capture)));
      expect(stale).toEqual([]);
    });

    afterAll(() => {
      const report = formatReport(results, totals);
      process.stdout.write(report);
      const reportFile = process.env.SHAKEWATCH_CONFORMANCE_REPORT;
      if (reportFile) writeFileSync(reportFile, report);
    });
  });
}

function compareCapture(root: string, capture: string, exceptions: ExceptionIndex): CaptureResult {
  const path = join(root, capture);
  const tallies = emptyTallies();
  const decoded = decodeCapture(path);
  const ours = decoded.events.map((e, i) => ourConnection(i, e));
  const segments = readText(`${path}.tshark.tsv`);
  const streams = parseTsharkStreams(readText(path + STREAMS_SUFFIX) ?? '', segments);
  const found: Disagreement[] = [];
  if (decoded.error !== null) found.push({ capture, field: 'read_error', id: 'file', detail: decoded.error });
  const tcp = compareWithTshark(capture, streams, ours, tallies);
  found.push(...tcp.disagreements);
  const tlsStreams = parseTsharkTls(segments ?? '');
  found.push(...compareTlsWithTshark(capture, tlsStreams, tcp.matched, decoded.sessions, skeGroups.get(capture), tallies));
  const ja4 = ja4Outputs(root, capture);
  const ja4Refs = [
    ...(ja4.python === null ? [] : parseJa4Python(ja4.python)),
    ...(ja4.rust === null ? [] : parseJa4Rust(ja4.rust)),
    ...(ja4.arkime === null ? [] : parseArkimeJa4(ja4.arkime)),
    ...ja4.suricata.flatMap(([test, text]) => parseSuricataJa4(text, test)),
  ];
  found.push(...compareJa4(capture, ja4Refs, ours, tcp.matched, decoded.sessions, tallies));
  const zeekLogs: string[] = [];
  for (const logPath of zeekConnLogs(root, capture)) {
    const log = parseZeekConnLog(readFileSync(logPath, 'utf8'));
    const logName = basename(logPath);
    if (log.unusable !== null) {
      zeekLogs.push(`${logName} (skipped: ${log.unusable})`);
      continue;
    }
    const differences = compareWithZeek(capture, logName, log, ours, tallies);
    if (differences === null) {
      zeekLogs.push(`${logName} (skipped: no 4-tuple, and not one row for one connection)`);
      continue;
    }
    zeekLogs.push(logName);
    found.push(...differences);
  }
  const udp = udpPairs(segments ?? '');
  for (const logPath of zeekSslLogs(root, capture)) {
    const log = parseZeekSslLog(readFileSync(logPath, 'utf8'));
    const logName = basename(logPath);
    if (log.unusable !== null) {
      zeekLogs.push(`${logName} (skipped: ${log.unusable})`);
      continue;
    }
    zeekLogs.push(logName);
    found.push(...compareWithZeekSsl(capture, logName, log, ours, decoded.sessions, udp, tallies));
  }
  return {
    capture,
    streams: streams.length,
    ours: ours.length,
    tlsStreams: tlsStreams.length,
    tallies,
    zeekLogs,
    disagreements: found.map((d) => ({ ...d, explainedBy: exceptions.explain(d) })),
  };
}

function describeDisagreement(d: Disagreement): string {
  return `${d.field} ${d.id}: ${d.detail}`;
}

function addTallies(into: Tallies, from: Tallies): void {
  for (const f of FIELDS as readonly Field[]) {
    into[f].agree += from[f].agree;
    into[f].total += from[f].total;
  }
}
