import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as bulkRoute from '@/app/ofrep/v1/evaluate/flags/route';
import * as telemetry from '@/app/api/v1/telemetry/route';
import { query } from '@/server/clickhouse/client';
import { resetIngestConfig } from '@/server/ingest/config';
import { refreshSnapshot } from '@/server/rollout/snapshot';
import { serveRoutes, type RouteModule } from '../helpers/http';
import { packAndInstallSdk, type InstalledSdk } from '../helpers/sdk-package';
import { withFreshStore } from '../helpers/store';

/*
 * The SDK as a player team gets it: `npm pack`, installed from the tarball into an empty app, used from
 * there through its Node entry (ESM and CommonJS) against the real endpoints, resolved through its
 * browser entry by a bundler, and type-checked through its own declarations.
 */

const run = promisify(execFile);
const KEY = 'sdk-package-ingest-key-0001';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY, SWARMDECK_INGEST_IP_RATE: '0', SWARMDECK_INGEST_LINGER_MS: '0' });

let sdk: InstalledSdk;
let url = '';
let close: () => Promise<void>;
beforeAll(async () => {
  resetIngestConfig();
  await refreshSnapshot();
  sdk = await packAndInstallSdk();
  const s = await serveRoutes({
    '/api/v1/telemetry': telemetry as unknown as RouteModule,
    '/ofrep/v1/evaluate/flags/:key':
      (await import('@/app/ofrep/v1/evaluate/flags/[key]/route')) as unknown as RouteModule,
    '/ofrep/v1/evaluate/flags': bulkRoute as unknown as RouteModule,
  });
  url = s.url;
  close = s.close;
}, 180_000);
afterAll(async () => {
  await close?.();
  sdk?.cleanup();
});

const N = z.object({ n: z.coerce.number(), cdn: z.coerce.number() });

describe('the packed SDK in a throwaway app', () => {
  it('ships dist only, with an exports map and peer dependencies, and no console code', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(sdk.pkgDir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@swarmdeck/player-sdk');
    expect(Object.keys(pkg.exports['.'])).toEqual(expect.arrayContaining(['browser', 'node', 'import', 'require']));
    expect(Object.keys(pkg.peerDependencies)).toEqual(
      expect.arrayContaining([
        '@openfeature/web-sdk',
        '@openfeature/ofrep-web-provider',
        '@openfeature/server-sdk',
        '@openfeature/ofrep-provider',
        'hls.js',
        'p2p-media-loader-core',
        'p2p-media-loader-hlsjs',
      ]),
    );
    expect(pkg.dependencies ?? {}).toEqual({});
    const files = fs.readdirSync(path.join(sdk.pkgDir, 'dist'));
    expect(files).toEqual(
      expect.arrayContaining([
        'index.js',
        'index.cjs',
        'index.d.ts',
        'index.d.cts',
        'node.js',
        'node.cjs',
        'node.d.ts',
      ]),
    );
    for (const f of files.filter((x) => /\.(c?js|d\.c?ts)$/.test(x))) {
      const text = fs.readFileSync(path.join(sdk.pkgDir, 'dist', f), 'utf8');
      expect(text, f).not.toMatch(/from ['"](\.\.\/)+(lib|server)\/|require\(['"](\.\.\/)+(lib|server)\/|['"]zod['"]/);
    }
  });

  it('reports and evaluates flags from Node through the node entry (ESM and CommonJS)', async () => {
    const esm = `
      import { createReporter, createNodeFlags, gzipNode } from '@swarmdeck/player-sdk';
      const flags = createNodeFlags({ baseUrl: process.env.BASE, ingestKey: process.env.KEY });
      const ev = await flags.evaluate({ targetingKey: 'pkg-device', deviceClass: 'smart_tv' });
      const reporter = createReporter({ endpoint: process.env.BASE + '/api/v1/telemetry', ingestKey: process.env.KEY, compress: gzipNode, autoStart: false,
        session: { deviceId: 'pkg-device', deviceClass: 'smart_tv', clientVersion: '1.0.0', contentId: 'pkg-esm', swarmId: 'pkg/1' },
        config: ev.ok ? ev.settings : undefined });
      reporter.counters.addCdn(1234);
      await new Promise((r) => setTimeout(r, 5));
      await reporter.close();
      await flags.close();
      console.log(JSON.stringify({ ev, stats: reporter.stats() }));
    `;
    const cjs = `
      const sdk = require('@swarmdeck/player-sdk');
      const reporter = sdk.createReporter({ endpoint: process.env.BASE + '/api/v1/telemetry', ingestKey: process.env.KEY, compress: sdk.gzipNode, autoStart: false,
        session: { deviceId: 'pkg-device', deviceClass: 'smart_tv', clientVersion: '1.0.0', contentId: 'pkg-cjs', swarmId: 'pkg/1' } });
      reporter.counters.addCdn(4321);
      setTimeout(() => reporter.close().then(() => console.log(JSON.stringify({ stats: reporter.stats(), hasNodeFlags: typeof sdk.createNodeFlags }))), 5);
    `;
    fs.writeFileSync(path.join(sdk.appDir, 'use.mjs'), esm);
    fs.writeFileSync(path.join(sdk.appDir, 'use.cjs'), cjs);
    const env = { ...process.env, BASE: url, KEY };
    const a = JSON.parse((await run(process.execPath, ['use.mjs'], { cwd: sdk.appDir, env })).stdout.trim());
    expect(a.ev).toMatchObject({ ok: true, settings: { p2pMode: 'off', source: 'ofrep' } });
    expect(a.stats).toMatchObject({ accepted: 1, queued: 0 });
    const b = JSON.parse((await run(process.execPath, ['use.cjs'], { cwd: sdk.appDir, env })).stdout.trim());
    expect(b).toMatchObject({ stats: { accepted: 1, queued: 0 }, hasNodeFlags: 'function' });
    const [esmRow] = await query(
      "SELECT count() AS n, sum(bytes_cdn) AS cdn FROM telemetry_raw WHERE content_id = 'pkg-esm'",
      {},
      N,
    );
    const [cjsRow] = await query(
      "SELECT count() AS n, sum(bytes_cdn) AS cdn FROM telemetry_raw WHERE content_id = 'pkg-cjs'",
      {},
      N,
    );
    expect(esmRow).toEqual({ n: 1, cdn: 1234 });
    expect(cjsRow).toEqual({ n: 1, cdn: 4321 });
  });

  it('resolves the browser entry for a bundler: no Node built-ins, attachSwarmdeck included', async () => {
    fs.writeFileSync(
      path.join(sdk.appDir, 'web.js'),
      "export { attachSwarmdeck, createReporter } from '@swarmdeck/player-sdk';\n",
    );
    const out = await build({
      entryPoints: [path.join(sdk.appDir, 'web.js')],
      absWorkingDir: sdk.appDir,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('node_modules/@swarmdeck/player-sdk/dist/index.js'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('node:') || /player-sdk\/dist\/node\./.test(i))).toEqual([]);
    expect(out.outputFiles[0]!.text).toContain('attachSwarmdeck');
  });

  it('type-checks an app against the bundled declarations (the report type included)', async () => {
    fs.writeFileSync(
      path.join(sdk.appDir, 'typed.ts'),
      `import type { TelemetryReport, AttachOptions, P2pSettings } from '@swarmdeck/player-sdk';
       const r: TelemetryReport['p2pMode'] = 'download';
       const bad: TelemetryReport['deviceClass'] = 'smart_tv';
       export const x: [typeof r, typeof bad, AttachOptions['baseUrl'], P2pSettings['maxPeers']] = [r, bad, 'https://c.example', 8];
       // @ts-expect-error not a device class of the contract
       export const y: TelemetryReport['deviceClass'] = 'toaster';\n`,
    );
    fs.writeFileSync(
      path.join(sdk.appDir, 'tsconfig.json'),
      // A Node app: the node entry's declarations use the OpenFeature server SDK, whose types need @types/node.
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2022', 'DOM'],
          typeRoots: [path.join(process.cwd(), 'node_modules/@types')],
          types: ['node'],
        },
        files: ['typed.ts'],
      }),
    );
    const tsc = path.join(process.cwd(), 'node_modules/typescript/bin/tsc');
    const res = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: sdk.appDir }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect('stdout' in res ? res.stdout : '').toBe('');
  });
});
