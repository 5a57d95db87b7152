import crypto from 'node:crypto';
import { z } from 'zod';
import { KIND_OF_CODE, ServiceError } from '../core/errors';
import { audit } from '../audit/log';
import { sessionSecret } from '../auth/secret';
import { logger } from '../observability/logger';
import { insert, query } from '../clickhouse/client';
import {
  DELIVERIES_TABLE,
  DeliveriesSql,
  DeliveryRow,
  EVENTS_TABLE,
  LatestWebhooksSql,
  NotificationRow,
  NotificationsSql,
  WEBHOOKS_TABLE,
  WebhookRow,
} from '../clickhouse/queries/notify';

/**
 * Rollout notifications: every event is kept for the console's list and sent to the webhooks that
 * chose its kind, signed, with retries and backoff. Sending never blocks the rollout action that
 * caused it: notify() returns at once and failures only show in the delivery status.
 */

export const NOTIFY_KINDS = ['advanced', 'held', 'rolled_back', 'srm', 'kill'] as const;
export const NotifyKind = z.enum(NOTIFY_KINDS);
export type NotifyKind = z.infer<typeof NotifyKind>;

export const WebhookFormat = z.enum(['slack', 'generic']);

export const WebhookInput = z.object({
  name: z.string().trim().min(1, 'A name is required.').max(100),
  url: z
    .string()
    .trim()
    .max(2000)
    .url('A full URL, e.g. https://hooks.slack.com/services/…')
    .refine((u) => /^https?:\/\//i.test(u), 'The URL must start with http:// or https://.'),
  format: WebhookFormat,
  kinds: z.array(NotifyKind).min(1, 'Choose at least one event kind.').max(NOTIFY_KINDS.length),
  enabled: z.boolean().default(true),
});
export type WebhookInput = z.infer<typeof WebhookInput>;

export const NotifyEnv = z.object({
  /** First retry after this many ms; each further retry waits 4× longer. */
  SWARMDECK_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  SWARMDECK_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(5),
  SWARMDECK_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
});
function settings() {
  return NotifyEnv.parse(process.env);
}

/** A webhook request the caller must fix: a ServiceError, mapped in server/core/errors.ts. */
export class NotifyError extends ServiceError {
  constructor(
    readonly code: 'BAD_REQUEST' | 'NOT_FOUND',
    message: string,
  ) {
    super(KIND_OF_CODE[code], message);
    this.name = 'NotifyError';
  }
}

export interface Webhook {
  id: string;
  name: string;
  /** Shown masked: webhook URLs (Slack's especially) are themselves credentials. */
  urlMasked: string;
  format: 'slack' | 'generic';
  kinds: NotifyKind[];
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
}

export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    const tail = (u.pathname + u.search).slice(-4);
    return `${u.protocol}//${u.host}/…${tail}`;
  } catch {
    return '…';
  }
}

function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    name: r.name,
    urlMasked: maskUrl(r.url),
    format: r.format === 'slack' ? 'slack' : 'generic',
    kinds: r.kinds.filter((k): k is NotifyKind => (NOTIFY_KINDS as readonly string[]).includes(k)),
    enabled: r.enabled === 1,
    updatedAt: r.ts,
    updatedBy: r.actor_email,
  };
}

/** The HMAC key of a webhook: derived, never stored, so a copy of the store cannot forge deliveries. */
export function signingSecret(id: string, salt: string): string {
  return crypto
    .createHmac('sha256', sessionSecret())
    .update(`webhook-signing\u0000${id}\u0000${salt}`)
    .digest('base64url');
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`), as the receiver recomputes it. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

async function rows(id = ''): Promise<WebhookRow[]> {
  return query(LatestWebhooksSql, { id });
}

export async function listWebhooks(): Promise<Webhook[]> {
  return (await rows()).map(toWebhook);
}

async function row(id: string): Promise<WebhookRow> {
  const [r] = await rows(id);
  if (!r) throw new NotifyError('NOT_FOUND', `No webhook ${id}.`);
  return r;
}

async function writeWebhook(r: Omit<WebhookRow, 'ts'>): Promise<void> {
  await insert(WEBHOOKS_TABLE, [{ ...r, ts: Date.now() }]);
}

type Who = { id: string; email: string };

/** Register a webhook; the signing secret is returned this once. */
export async function createWebhook(
  actor: Who,
  input: WebhookInput,
): Promise<{ webhook: Webhook; signingSecret: string }> {
  const w = WebhookInput.parse(input);
  const id = crypto.randomUUID();
  const salt = crypto.randomBytes(16).toString('base64url');
  await writeWebhook({
    id,
    revision: 1,
    name: w.name,
    url: w.url,
    format: w.format,
    kinds: w.kinds,
    salt,
    enabled: w.enabled ? 1 : 0,
    deleted: 0,
    actor_email: actor.email,
  });
  await audit({
    actor: { kind: 'user', id: actor.id, email: actor.email },
    action: 'notify.webhook_created',
    target: { type: 'webhook', id },
    after: { name: w.name, format: w.format, kinds: w.kinds, url: maskUrl(w.url) },
  });
  return { webhook: toWebhook(await row(id)), signingSecret: signingSecret(id, salt) };
}

/** Change a webhook; the URL stays unless a new one is given (it is never sent back to the browser). */
export async function updateWebhook(
  actor: Who,
  id: string,
  input: Omit<WebhookInput, 'url'> & { url?: string },
): Promise<Webhook> {
  const cur = await row(id);
  const w = WebhookInput.parse({ ...input, url: input.url || cur.url });
  await writeWebhook({
    ...cur,
    revision: cur.revision + 1,
    name: w.name,
    url: w.url,
    format: w.format,
    kinds: w.kinds,
    enabled: w.enabled ? 1 : 0,
    actor_email: actor.email,
  });
  await audit({
    actor: { kind: 'user', id: actor.id, email: actor.email },
    action: 'notify.webhook_updated',
    target: { type: 'webhook', id },
    after: { name: w.name, format: w.format, kinds: w.kinds, enabled: w.enabled },
  });
  return toWebhook(await row(id));
}

export async function deleteWebhook(actor: Who, id: string): Promise<void> {
  const cur = await row(id);
  await writeWebhook({ ...cur, revision: cur.revision + 1, deleted: 1, actor_email: actor.email });
  await audit({
    actor: { kind: 'user', id: actor.id, email: actor.email },
    action: 'notify.webhook_deleted',
    target: { type: 'webhook', id },
    before: { name: cur.name },
  });
}

export interface NotifyPayload {
  deviceClass: string;
  planId?: string;
  text: string;
}

interface EventRecord extends NotifyPayload {
  id: string;
  ts: string;
  kind: NotifyKind | 'test';
}

function bodyFor(format: 'slack' | 'generic', e: EventRecord): string {
  if (format === 'slack')
    return JSON.stringify({ text: `*Swarmdeck rollout — ${e.kind.replace('_', ' ')}*\n${e.text}` });
  return JSON.stringify({
    id: e.id,
    kind: e.kind,
    ts: e.ts,
    deviceClass: e.deviceClass,
    planId: e.planId ?? null,
    text: e.text,
  });
}

/** One POST; the response body is not read beyond the status (a receiver's answer is not our business). */
async function attemptOnce(r: WebhookRow, e: EventRecord): Promise<{ ok: boolean; httpStatus: number; error: string }> {
  const format = r.format === 'slack' ? 'slack' : 'generic';
  const body = bodyFor(format, e);
  const ts = String(Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(r.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Swarmdeck-Webhooks/1',
        'x-swarmdeck-event': e.kind,
        'x-swarmdeck-delivery': e.id,
        'x-swarmdeck-timestamp': ts,
        'x-swarmdeck-signature': signature(signingSecret(r.id, r.salt), ts, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(settings().SWARMDECK_WEBHOOK_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => undefined);
    return {
      ok: res.status >= 200 && res.status < 300,
      httpStatus: res.status,
      error: res.status >= 200 && res.status < 300 ? '' : `HTTP ${res.status}`,
    };
  } catch (err) {
    // Only the error's kind: a message could carry the URL, which is a credential.
    const e2 = err as Error & { cause?: { code?: string } };
    return {
      ok: false,
      httpStatus: 0,
      error: e2.name === 'TimeoutError' ? 'timed out' : (e2.cause?.code ?? e2.name ?? 'network error'),
    };
  }
}

async function record(
  e: EventRecord,
  hookId: string,
  attempt: number,
  status: string,
  httpStatus: number,
  error: string,
  nextAt: number | null,
) {
  await insert(DELIVERIES_TABLE, [
    {
      event_id: e.id,
      webhook_id: hookId,
      attempt,
      ts: Date.now(),
      kind: e.kind,
      status,
      http_status: httpStatus,
      error,
      next_at: nextAt,
    },
  ]);
}

/** Attempts with exponential backoff (base, 4×base, 16×base, …) until a 2xx or the attempts run out. */
async function deliver(
  r: WebhookRow,
  e: EventRecord,
  attempts = settings().SWARMDECK_WEBHOOK_ATTEMPTS,
): Promise<{ ok: boolean; httpStatus: number; error: string; attempts: number }> {
  const base = settings().SWARMDECK_WEBHOOK_BACKOFF_MS;
  for (let a = 1; ; a++) {
    const res = await attemptOnce(r, e);
    const last = a >= attempts;
    const wait = base * 4 ** (a - 1);
    await record(
      e,
      r.id,
      a,
      res.ok ? 'delivered' : last ? 'failed' : 'retrying',
      res.httpStatus,
      res.error,
      res.ok || last ? null : Date.now() + wait,
    );
    if (res.ok || last) return { ...res, attempts: a };
    await new Promise((done) => setTimeout(done, wait).unref?.());
  }
}

const inflight = new Set<Promise<unknown>>();

/**
 * Record a notification and send it to every enabled webhook that chose its kind. Returns at once;
 * nothing here can throw into, or slow down, the rollout action that called it.
 */
export function notify(kind: NotifyKind, payload: NotifyPayload): void {
  const e: EventRecord = { ...payload, id: crypto.randomUUID(), ts: new Date().toISOString(), kind };
  const p = (async () => {
    await insert(EVENTS_TABLE, [
      { id: e.id, ts: Date.parse(e.ts), kind, device_class: e.deviceClass, plan_id: e.planId ?? '', text: e.text },
    ]);
    const hooks = (await rows()).filter((r) => r.enabled === 1 && r.kinds.includes(kind));
    await Promise.all(hooks.map((h) => deliver(h, e)));
  })().catch((err: Error) => logger({ area: 'notify' }).error({ kind, err: err.message }, 'notification failed'));
  inflight.add(p);
  void p.finally(() => inflight.delete(p));
}

/** Wait for every notification started so far (tests, graceful shutdown). */
export async function notifyIdle(): Promise<void> {
  while (inflight.size) await Promise.all([...inflight]);
}

/** Send a test delivery now (one attempt) and say how it went. */
export async function testWebhook(actor: Who, id: string): Promise<{ ok: boolean; httpStatus: number; error: string }> {
  const r = await row(id);
  const e: EventRecord = {
    id: crypto.randomUUID(),
    ts: new Date().toISOString(),
    kind: 'test',
    deviceClass: '',
    text: `Test delivery from Swarmdeck, sent by ${actor.email}.`,
  };
  const res = await deliver(r, e, 1);
  return { ok: res.ok, httpStatus: res.httpStatus, error: res.error };
}

export async function listNotifications(input: { kind?: NotifyKind; limit?: number } = {}): Promise<NotificationRow[]> {
  return query(NotificationsSql, { kind: input.kind ?? '', limit: input.limit ?? 100 });
}

export async function listDeliveries(input: { webhookId?: string; limit?: number } = {}): Promise<DeliveryRow[]> {
  return query(DeliveriesSql, { webhookId: input.webhookId ?? '', limit: input.limit ?? 100 });
}
