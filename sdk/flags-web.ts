import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { NOOP_PROVIDER, OpenFeature, ProviderEvents, type EvaluationContext } from '@openfeature/web-sdk';
import { FLAG_KEYS, OFF_SETTINGS, settingsFromDetails, type P2pSettings } from './settings';

export interface WebFlagsOptions {
  /** The console's origin, e.g. `https://console.example.com` (OFREP paths are added by the provider). */
  baseUrl: string;
  ingestKey: string;
  /** `targetingKey` (the device id) and `deviceClass` are required by the rollout contract. */
  context: EvaluationContext & { targetingKey: string; deviceClass: string; clientVersion?: string };
  /** Re-evaluate this often (default 30 s) so a rollout change reaches the player within a minute. */
  pollIntervalMs?: number;
  /** OpenFeature domain, so the player's flags do not clash with the app's own provider. */
  domain?: string;
  /** Settings while the endpoint is unreachable (default: P2P off). */
  fallback?: P2pSettings;
}

export interface WebFlags {
  settings(): P2pSettings;
  onChange(listener: (s: P2pSettings) => void): () => void;
  close(): Promise<void>;
}

/** P2P settings in the browser through the real OpenFeature web SDK and its OFREP provider (bulk evaluation, ETag, polling). */
export async function createWebFlags(o: WebFlagsOptions): Promise<WebFlags> {
  const domain = o.domain ?? 'swarmdeck-p2p';
  const provider = new OFREPWebProvider({
    baseUrl: o.baseUrl,
    headers: [['Authorization', `Bearer ${o.ingestKey}`]],
    pollInterval: o.pollIntervalMs ?? 30_000,
  });
  try {
    await OpenFeature.setProviderAndWait(domain, provider, o.context);
  } catch {
    // Not ready: evaluations return defaults with an error code, and settings() falls back below.
  }
  const client = OpenFeature.getClient(domain);
  const settings = (): P2pSettings =>
    settingsFromDetails(
      client.getStringDetails(FLAG_KEYS.mode, 'off'),
      client.getNumberDetails(FLAG_KEYS.uploadCap, 0),
      client.getNumberDetails(FLAG_KEYS.maxPeers, 0),
    ) ??
    o.fallback ??
    OFF_SETTINGS;
  return {
    settings,
    onChange(listener) {
      const h = () => listener(settings());
      client.addHandler(ProviderEvents.ConfigurationChanged, h);
      client.addHandler(ProviderEvents.Ready, h);
      return () => {
        client.removeHandler(ProviderEvents.ConfigurationChanged, h);
        client.removeHandler(ProviderEvents.Ready, h);
      };
    },
    // Only this domain's provider: the app's own OpenFeature setup stays as it is.
    close: () => OpenFeature.setProviderAndWait(domain, NOOP_PROVIDER),
  };
}
