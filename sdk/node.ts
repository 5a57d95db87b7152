// Node-only extras of the SDK: a node:zlib compressor and P2P settings through the OpenFeature
// server SDK + its OFREP provider (one provider, evaluation context per device).
import { AsyncLocalStorage } from 'node:async_hooks';
import zlib from 'node:zlib';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { NOOP_PROVIDER, OpenFeature, type EvaluationContext } from '@openfeature/server-sdk';
import { FLAG_KEYS, settingsFromDetails, type P2pSettings } from './settings';
import type { Compressor } from './transport';

export * from './index';

export const gzipNode: Compressor = (data) =>
  new Promise((resolve, reject) =>
    zlib.gzip(data, (err, out) =>
      err ? reject(err) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)),
    ),
  );

export interface NodeFlagsOptions {
  baseUrl: string;
  ingestKey: string;
  domain?: string;
  fetch?: typeof fetch;
}

export type Evaluation = { ok: true; settings: P2pSettings } | { ok: false; error: string };

export interface NodeFlags {
  /**
   * Evaluates the three P2P flags for one device. `headers` are added to this evaluation's requests
   * only (a relay or simulator passes the device's `X-Forwarded-For`).
   */
  evaluate(
    context: EvaluationContext & { targetingKey: string; deviceClass: string },
    headers?: Record<string, string>,
  ): Promise<Evaluation>;
  close(): Promise<void>;
}

export function createNodeFlags(o: NodeFlagsOptions): NodeFlags {
  const perCall = new AsyncLocalStorage<Record<string, string>>();
  const domain = o.domain ?? 'swarmdeck-p2p';
  const provider = new OFREPProvider({
    baseUrl: o.baseUrl,
    headers: [['Authorization', `Bearer ${o.ingestKey}`]],
    headersFactory: () => perCall.getStore() ?? {},
    ...(o.fetch ? { fetchImplementation: o.fetch } : {}),
  });
  OpenFeature.setProvider(domain, provider);
  const client = OpenFeature.getClient(domain);
  return {
    evaluate(context, headers = {}) {
      return perCall.run(headers, async () => {
        const [mode, cap, peers] = await Promise.all([
          client.getStringDetails(FLAG_KEYS.mode, 'off', context),
          client.getNumberDetails(FLAG_KEYS.uploadCap, 0, context),
          client.getNumberDetails(FLAG_KEYS.maxPeers, 0, context),
        ]);
        const settings = settingsFromDetails(mode, cap, peers);
        return settings
          ? { ok: true as const, settings }
          : { ok: false as const, error: `${mode.errorCode}${mode.errorMessage ? `: ${mode.errorMessage}` : ''}` };
      });
    },
    close: () => OpenFeature.setProviderAndWait(domain, NOOP_PROVIDER),
  };
}
