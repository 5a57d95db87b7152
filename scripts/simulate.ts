/**
 * `npm run simulate -- --sessions 2000 --speed 60 --url http://localhost:3000 --key <ingest key>`
 *
 * A simulated fleet reporting through the SDK to the real ingestion API (each player's address in
 * X-Forwarded-For: start the console with TRUSTED_PROXIES=127.0.0.1,::1) and reading its P2P settings
 * over OFREP. Flags:
 *   --url U            console base URL (default http://localhost:3000)
 *   --key K            ingest key (default $SWARMDECK_INGEST_KEY)
 *   --sessions N       stop after N sessions (default: run until Ctrl-C)
 *   --concurrency C    viewers at the evening peak (default 300)
 *   --speed S          virtual time S× faster than real, never ahead of the real clock (default 1)
 *   --since D          start the virtual clock D ago: 90m, 2h, 1d (default 0; with --speed > 1: 2h, or with
 *                      --sessions long enough for them to arrive and finish before it meets the real clock)
 *   --interval D       report interval, virtual (default 10s)
 *   --refresh D        flag re-evaluation per player, real time (default 30s)
 *   --seed N           random seed (default 42)
 *   --tally-json FILE  write the simulator's own tally there at the end
 *   --fault SPEC       a fault on purpose in one class's p2p cohort, to watch the guardrails catch it
 *                      (repeatable): class:metric+N%[@delay], metric rebuffer | startup | failure,
 *                      class a device class or *; e.g. mobile:rebuffer+50%, *:startup+30%@10m
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { describeFault, parseFaults } from '../sim/fault';
import { runLive } from '../sim/live';
import { lookupIp } from '../server/ingest/geo';

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new Error(`not a duration: ${s} (e.g. 30s, 90m, 2h, 7d)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(Number(m[1]) * unit);
}

/**
 * Without --since, a sped-up run starts far enough back that N sessions can arrive (at the average of
 * the daily curve) and mostly finish before the virtual clock reaches the real one.
 */
function defaultSince(speed: number, concurrency: number, sessions?: number): number {
  if (speed <= 1) return 0;
  if (sessions === undefined) return 2 * 3_600_000;
  const arrivalsPerMin = (concurrency * 0.45) / 26;
  return Math.min(6.5 * 86_400_000, Math.round((sessions / arrivalsPerMin) * 60_000 + 2 * 3_600_000));
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:3000' },
      key: { type: 'string', default: process.env.SWARMDECK_INGEST_KEY },
      sessions: { type: 'string' },
      concurrency: { type: 'string', default: '300' },
      speed: { type: 'string', default: '1' },
      since: { type: 'string' },
      interval: { type: 'string', default: '10s' },
      refresh: { type: 'string', default: '30s' },
      'send-every': { type: 'string', default: '2s' },
      'max-in-flight': { type: 'string', default: '32' },
      seed: { type: 'string', default: '42' },
      'tally-json': { type: 'string' },
      fault: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    const src = fs.readFileSync(new URL(import.meta.url), 'utf8');
    console.log(
      /\/\*\*([\s\S]*?)\*\//
        .exec(src)![1]!
        .replace(/^ \* ?/gm, '')
        .trim(),
    );
    return;
  }
  if (!values.key) throw new Error('no ingest key: pass --key or set SWARMDECK_INGEST_KEY');
  const speed = Number(values.speed);
  if (!(speed >= 1)) throw new Error('--speed must be ≥ 1');
  const ac = new AbortController();
  let stops = 0;
  const stop = () => {
    if (++stops > 1) process.exit(130);
    console.error('stopping: sending what is left (Ctrl-C again to quit at once)');
    ac.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const log = values.quiet ? () => {} : (l: string) => console.log(`[sim] ${l}`);
  const faults = parseFaults(values.fault);
  for (const f of faults) console.log(`[sim] FAULT ON PURPOSE: ${describeFault(f)}`);
  const tally = await runLive({
    url: values.url!,
    key: values.key,
    countryOfIp: (ip) => lookupIp(ip).country,
    sessions: values.sessions ? Number(values.sessions) : undefined,
    concurrency: Number(values.concurrency),
    speed,
    sinceMs: values.since
      ? parseDuration(values.since)
      : defaultSince(speed, Number(values.concurrency), values.sessions ? Number(values.sessions) : undefined),
    intervalMs: parseDuration(values.interval!),
    refreshMs: parseDuration(values.refresh!),
    sendEveryMs: parseDuration(values['send-every']!),
    maxInFlight: Number(values['max-in-flight']),
    seed: Number(values.seed),
    log,
    signal: ac.signal,
    faults,
  });
  console.log(tally.summary());
  if (values['tally-json']) fs.writeFileSync(values['tally-json'], JSON.stringify(tally.toJSON(), null, 2));
  process.exit(0);
}

if (process.argv[1] && /simulate\.ts$/.test(process.argv[1])) {
  main().catch((err) => {
    console.error(`simulate: ${(err as Error).message}`);
    process.exit(1);
  });
}
