import { z } from 'zod';
import { statement } from './store';

/** Webhooks, notifications and delivery attempts (migration 0071). */

export const WEBHOOKS_TABLE = 'notify_webhooks';
export const EVENTS_TABLE = 'notify_events';
export const DELIVERIES_TABLE = 'notify_deliveries';

export const WebhookRow = z.object({
  id: z.string(),
  revision: z.coerce.number(),
  ts: z.string(),
  name: z.string(),
  url: z.string(),
  format: z.string(),
  kinds: z.array(z.string()),
  salt: z.string(),
  enabled: z.coerce.number(),
  deleted: z.coerce.number(),
  actor_email: z.string(),
});
export type WebhookRow = z.infer<typeof WebhookRow>;

/** Each webhook's latest revision, deleted ones left out. */
export const LatestWebhooksParams = z.object({ id: z.string() });
export const LatestWebhooksSql = statement(
  `
SELECT * FROM (
  SELECT id, revision, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, name, url, format, kinds, salt, enabled, deleted, actor_email
  FROM notify_webhooks
  WHERE ({id:String} = '' OR id = {id:String})
  ORDER BY id, revision DESC
  LIMIT 1 BY id
)
WHERE deleted = 0
ORDER BY name, id
LIMIT 200`,
  LatestWebhooksParams,
  WebhookRow,
);

export const NotificationRow = z.object({
  id: z.string(),
  ts: z.string(),
  kind: z.string(),
  device_class: z.string(),
  plan_id: z.string(),
  text: z.string(),
});
export type NotificationRow = z.infer<typeof NotificationRow>;

export const NotificationsParams = z.object({ kind: z.string(), limit: z.number() });
export const NotificationsSql = statement(
  `
SELECT id, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, kind, device_class, plan_id, text
FROM notify_events
WHERE ({kind:String} = '' OR kind = {kind:String})
ORDER BY notify_events.ts DESC, id
LIMIT {limit:UInt32}`,
  NotificationsParams,
  NotificationRow,
);

export const DeliveryRow = z.object({
  event_id: z.string(),
  webhook_id: z.string(),
  attempt: z.coerce.number(),
  ts: z.string(),
  kind: z.string(),
  status: z.string(),
  http_status: z.coerce.number(),
  error: z.string(),
  next_at: z.string().nullable(),
});
export type DeliveryRow = z.infer<typeof DeliveryRow>;

/** The latest attempt per (notification, webhook): the delivery's status. Newest first. */
export const DeliveriesParams = z.object({ webhookId: z.string(), limit: z.number() });
export const DeliveriesSql = statement(
  `
SELECT * FROM (
  SELECT event_id, webhook_id, attempt, formatDateTime(ts, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ts, kind, status, http_status, error,
         if(isNull(next_at), NULL, formatDateTime(assumeNotNull(next_at), '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC')) AS next_at
  FROM notify_deliveries
  WHERE ({webhookId:String} = '' OR webhook_id = {webhookId:String})
  ORDER BY event_id, webhook_id, attempt DESC
  LIMIT 1 BY event_id, webhook_id
)
ORDER BY ts DESC
LIMIT {limit:UInt32}`,
  DeliveriesParams,
  DeliveryRow,
);
