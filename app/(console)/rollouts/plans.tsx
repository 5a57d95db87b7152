'use client';

import { Card, Text, Title } from '@tremor/react';
import { Badge } from '@/components/ui/badge';
import { Legend } from '@/components/charts/legend';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { can, type Role } from '@/lib/auth/access';
import { METRIC_INFO, type GuardrailMetric } from '@/lib/rollout/plan';
import { DEVICE_CLASSES } from '@/lib/rollout/rule';
import type { AppRouter } from '@/server/api/root';
import { useTRPC } from '../../_trpc/client';
import { LineChart } from './line-chart';
import { buttonClass, formatDate, inputClass, linkButtonClass, Modal, MutationError } from './ui';

const GUARDRAIL_SERIES = ['Difference p2p − holdback', 'Band low', 'Band high', 'Threshold'] as const;
const GUARDRAIL_COLORS = ['blue', 'slate', 'slate', 'red'] as const;

type Out = inferRouterOutputs<AppRouter>;
type Plan = Out['rolloutPlans']['list'][number];
type Look = Out['rolloutPlans']['get']['looks'][number];

const STATUS_COLOR: Record<string, 'emerald' | 'amber' | 'red' | 'gray' | 'blue'> = {
  running: 'emerald',
  completed: 'blue',
  pending_approval: 'amber',
  paused: 'amber',
  held: 'red',
  rolled_back: 'red',
  stopped: 'red',
  cancelled: 'gray',
  rejected: 'gray',
};

/** A difference in the metric's unit, signed: ratios in percentage points. */
function fmtDiff(metric: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const info = METRIC_INFO[metric as GuardrailMetric];
  const sign = v >= 0 ? '+' : '−';
  return info?.unit === '%'
    ? `${sign}${Math.abs(v * 100).toFixed(2)} pp`
    : `${sign}${Math.abs(v).toFixed(0)} ${info?.unit ?? ''}`;
}

function fmtValue(metric: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const info = METRIC_INFO[metric as GuardrailMetric];
  return info?.unit === '%' ? `${(v * 100).toFixed(2)} %` : `${v.toFixed(0)} ${info?.unit ?? ''}`;
}

export function PlansPanel({ role }: { role: Role | null }) {
  const trpc = useTRPC();
  const plans = useQuery({ ...trpc.rolloutPlans.list.queryOptions({}), refetchInterval: 15_000 });
  const [creating, setCreating] = useState(false);
  return (
    <Card data-testid="plans">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <Title>Guarded rollout plans</Title>
          <Text>
            Staged exposure per class, advanced by the server only while every guardrail holds against the class&apos;s
            holdback.
          </Text>
        </div>
        {can(role, 'rollouts:propose') && (
          <button type="button" className={buttonClass} onClick={() => setCreating(true)}>
            New plan
          </button>
        )}
      </div>
      {plans.isPending ? (
        <LoadingState />
      ) : plans.isError ? (
        <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />
      ) : plans.data.length === 0 ? (
        <Text className="mt-3">
          No plans yet. A plan ramps a class in stages (e.g. 1 → 5 → 10 → 25 → 50 → 90 %) and is approved once, for its
          last stage.
        </Text>
      ) : (
        <div className="mt-4 grid gap-4">
          {plans.data.map((p) => (
            <PlanCard key={p.id} p={p} role={role} />
          ))}
        </div>
      )}
      {creating && <PlanForm onClose={() => setCreating(false)} />}
    </Card>
  );
}

function PlanCard({ p, role }: { p: Plan; role: Role | null }) {
  const trpc = useTRPC();
  const open = ['running', 'paused', 'held', 'rolled_back', 'pending_approval', 'stopped'].includes(p.status);
  const [expanded, setExpanded] = useState(open);
  const detail = useQuery({
    ...trpc.rolloutPlans.get.queryOptions({ id: p.id }),
    enabled: expanded,
    refetchInterval: 15_000,
  });
  const lastLook = detail.data?.looks.at(-1);
  return (
    <section
      className="rounded-tremor-default border border-tremor-border p-4 dark:border-dark-tremor-border"
      data-testid={`plan-${p.deviceClass}`}
      aria-label={`Plan for ${p.deviceClass}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">{p.deviceClass}</span>
        <Badge color={STATUS_COLOR[p.status] ?? 'gray'} data-testid="plan-status">
          {p.status.replace('_', ' ')}
        </Badge>
        <Text>
          {p.plan.mode}, holdback {p.plan.holdbackPercentage} %, α {p.plan.alpha * 100} % per plan, on regression:{' '}
          {p.plan.onRegression.replace('_', ' ')}
        </Text>
        <button
          type="button"
          className={linkButtonClass}
          onClick={() => setExpanded((x) => !x)}
          aria-expanded={expanded}
        >
          {expanded ? 'Hide evidence' : 'Show evidence'}
        </button>
      </div>
      <StageTimeline p={p} timeline={detail.data?.timeline} />
      <p className="mt-2 text-tremor-default" data-testid="plan-decision">
        <span className="font-medium">Decision: </span>
        {p.status === 'running' && lastLook && lastLook.ts > (p.decision?.ts ?? '')
          ? lastLook.why
          : (p.decision?.words ?? '—')}
      </p>
      {can(role, 'rollouts:propose') && <PlanActions p={p} />}
      {expanded &&
        (detail.isPending ? (
          <LoadingState />
        ) : detail.isError ? (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        ) : (
          <Evidence looks={detail.data.looks} stage={p.stageIndex} />
        ))}
    </section>
  );
}

function StageTimeline({ p, timeline }: { p: Plan; timeline?: Out['rolloutPlans']['get']['timeline'] }) {
  const started = new Map<number, string>();
  for (const r of timeline ?? [])
    if (r.status === 'running' && !started.has(r.stageIndex)) started.set(r.stageIndex, r.updatedAt);
  return (
    <ol className="mt-3 flex flex-wrap gap-2" aria-label="Stages" data-testid="stage-timeline">
      {p.plan.stages.map((s, i) => {
        const state = i < p.stageIndex || p.status === 'completed' ? 'done' : i === p.stageIndex ? 'current' : 'next';
        return (
          <li
            key={i}
            data-state={state}
            className={`rounded-tremor-small border px-2 py-1 text-tremor-label ${
              state === 'current'
                ? 'border-tremor-brand font-semibold'
                : state === 'done'
                  ? 'border-emerald-500'
                  : 'border-tremor-border dark:border-dark-tremor-border'
            }`}
          >
            {state === 'done' ? '✓ ' : state === 'current' ? '▶ ' : ''}
            {s.percentage} %
            <span className="text-tremor-content dark:text-dark-tremor-content">
              {' '}
              · ≥ {s.minDurationMinutes} min · ≥ {s.minDevicesPerCohort} devices
            </span>
            {started.get(i) && (
              <span className="block text-tremor-content dark:text-dark-tremor-content">
                from {formatDate(started.get(i))}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function Evidence({ looks, stage }: { looks: Look[]; stage: number }) {
  if (looks.length === 0)
    return <Text className="mt-3">No looks yet: the evaluator checks running plans every minute.</Text>;
  const latestTs = looks.at(-1)!.ts;
  const latest = looks.filter((l) => l.ts === latestTs);
  const srmP = latest[0]!.srm_p;
  const metrics = [...new Set(looks.map((l) => l.metric))];
  return (
    <div className="mt-4 grid gap-4">
      <div className="flex flex-wrap gap-4 text-tremor-default" data-testid="plan-samples">
        <span>
          Devices: <strong>{latest[0]!.n_treatment.toLocaleString('en')}</strong> p2p /{' '}
          <strong>{latest[0]!.n_control.toLocaleString('en')}</strong> holdback
        </span>
        <span data-testid="srm-status">
          Split check (SRM):{' '}
          {srmP < 0.001 ? (
            <Badge color="red">mismatch, p = {srmP.toExponential(1)}</Badge>
          ) : (
            <Badge color="emerald">ok, p = {srmP.toFixed(3)}</Badge>
          )}
        </span>
        <span>Misreported cohorts excluded: {latest[0]!.mismatches.toLocaleString('en')}</span>
        <span className="text-tremor-content dark:text-dark-tremor-content">as of {formatDate(latestTs)}</span>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {metrics.map((m) => (
          <GuardrailChart
            key={m}
            metric={m}
            looks={looks.filter((l) => l.metric === m && l.stage_index === stage)}
            latest={latest.find((l) => l.metric === m)}
          />
        ))}
      </div>
    </div>
  );
}

function GuardrailChart({ metric, looks, latest }: { metric: string; looks: Look[]; latest?: Look }) {
  const info = METRIC_INFO[metric as GuardrailMetric];
  const scale = info?.unit === '%' ? 100 : 1;
  const data = looks
    .filter((l) => l.diff !== null)
    .map((l) => ({
      time: new Date(l.ts).toISOString().slice(11, 16),
      'Difference p2p − holdback': l.diff! * scale,
      'Band low': l.lower! * scale,
      'Band high': l.upper! * scale,
      Threshold: l.threshold! * scale,
    }));
  const unit = info?.unit === '%' ? 'pp' : info?.unit;
  return (
    <figure
      data-testid={`guardrail-${metric}`}
      className="rounded-tremor-small border border-tremor-border p-3 dark:border-dark-tremor-border"
    >
      <figcaption className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{info?.label ?? metric}</span>
        {latest && (
          <Badge color={latest.status === 'regressed' ? 'red' : latest.status === 'holds' ? 'emerald' : 'gray'}>
            {latest.status === 'insufficient' ? 'too little data' : latest.status}
          </Badge>
        )}
        {latest && (
          <Text>
            p2p {fmtValue(metric, latest.treatment)} vs holdback {fmtValue(metric, latest.control)}; difference{' '}
            {fmtDiff(metric, latest.diff)} [{fmtDiff(metric, latest.lower)}, {fmtDiff(metric, latest.upper)}], tolerated{' '}
            {fmtDiff(metric, latest.threshold)}
          </Text>
        )}
      </figcaption>
      {data.length === 0 ? (
        <Text className="mt-2">Too little data in this stage to draw a confidence band yet.</Text>
      ) : (
        <div className="mt-2">
          <Legend categories={[...GUARDRAIL_SERIES]} colors={GUARDRAIL_COLORS} />
          <LineChart
            className="h-48"
            data={data}
            index="time"
            categories={[...GUARDRAIL_SERIES]}
            colors={[...GUARDRAIL_COLORS]}
            valueFormatter={(v: number) => `${v.toFixed(info?.unit === '%' ? 2 : 0)} ${unit}`}
            yAxisWidth={72}
            connectNulls
            showLegend={false}
          />
        </div>
      )}
    </figure>
  );
}

function PlanActions({ p }: { p: Plan }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const done = () => {
    setReason('');
    void qc.invalidateQueries({ queryKey: trpc.rolloutPlans.list.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.rolloutPlans.get.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.rollouts.list.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.rollouts.requests.queryKey() });
  };
  const pause = useMutation(trpc.rolloutPlans.pause.mutationOptions({ onSuccess: done }));
  const resume = useMutation(trpc.rolloutPlans.resume.mutationOptions({ onSuccess: done }));
  const rollback = useMutation(trpc.rolloutPlans.rollback.mutationOptions({ onSuccess: done }));
  const cancel = useMutation(trpc.rolloutPlans.cancel.mutationOptions({ onSuccess: done }));
  const err = pause.error ?? resume.error ?? rollback.error ?? cancel.error;
  const r = reason.trim();
  if (['completed', 'cancelled', 'rejected'].includes(p.status)) return null;
  return (
    <div className="mt-3 flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor={`reason-${p.id}`}>
        Reason
      </label>
      <input
        id={`reason-${p.id}`}
        className={`${inputClass} max-w-xs`}
        placeholder="Reason (required)"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      {p.status === 'running' && (
        <button
          type="button"
          className={linkButtonClass}
          disabled={r.length < 3}
          onClick={() => pause.mutate({ id: p.id, reason: r })}
        >
          Pause
        </button>
      )}
      {['paused', 'held', 'rolled_back', 'stopped'].includes(p.status) && (
        <button
          type="button"
          className={linkButtonClass}
          disabled={r.length < 3}
          onClick={() => resume.mutate({ id: p.id, reason: r })}
        >
          {p.status === 'paused' ? 'Resume' : 'Request resume (needs approval)'}
        </button>
      )}
      {['running', 'paused', 'held', 'rolled_back'].includes(p.status) && p.stageIndex > 0 && (
        <button
          type="button"
          className={linkButtonClass}
          disabled={r.length < 3}
          onClick={() => rollback.mutate({ id: p.id, toStage: p.stageIndex - 1, reason: r })}
        >
          Back to {p.plan.stages[p.stageIndex - 1]!.percentage} %
        </button>
      )}
      {['running', 'paused', 'held', 'rolled_back'].includes(p.status) && p.stageIndex >= 0 && (
        <button
          type="button"
          className={linkButtonClass}
          disabled={r.length < 3}
          onClick={() => rollback.mutate({ id: p.id, toStage: null, reason: r })}
        >
          Roll back to 0 %
        </button>
      )}
      <button
        type="button"
        className={linkButtonClass}
        disabled={r.length < 3}
        onClick={() => cancel.mutate({ id: p.id, reason: r })}
      >
        Cancel plan
      </button>
      <MutationError error={err} />
    </div>
  );
}

function PlanForm({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [f, setF] = useState({
    deviceClass: 'smart_tv',
    mode: 'download',
    holdbackPercentage: '10',
    stages: '1, 5, 10, 25, 50, 90',
    minDurationMinutes: '60',
    minDevicesPerCohort: '500',
    onRegression: 'hold',
    uploadCapKbps: '0',
    maxPeers: '8',
    reason: '',
  });
  const create = useMutation(
    trpc.rolloutPlans.create.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries({ queryKey: trpc.rolloutPlans.list.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.rollouts.requests.queryKey() });
        onClose();
      },
    }),
  );
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setF({ ...f, [k]: e.target.value });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    create.mutate({
      plan: {
        deviceClass: f.deviceClass,
        mode: f.mode,
        holdbackPercentage: Number(f.holdbackPercentage),
        uploadCapKbps: Number(f.uploadCapKbps),
        maxPeers: Number(f.maxPeers),
        onRegression: f.onRegression,
        stages: f.stages
          .split(/[,\s→]+/)
          .filter(Boolean)
          .map((s) => ({
            percentage: Number(s),
            minDurationMinutes: Number(f.minDurationMinutes),
            minDevicesPerCohort: Number(f.minDevicesPerCohort),
          })),
      },
      reason: f.reason,
    });
  };
  const field = (label: string, k: keyof typeof f, hint?: string) => (
    <label className="grid gap-1 text-tremor-default">
      {label}
      <input className={inputClass} value={f[k]} onChange={set(k)} />
      {hint && <span className="text-tremor-label text-tremor-content dark:text-dark-tremor-content">{hint}</span>}
    </label>
  );
  return (
    <Modal title="New guarded rollout plan" onClose={onClose}>
      <form className="grid gap-3" onSubmit={submit}>
        <label className="grid gap-1 text-tremor-default">
          Device class
          <select className={inputClass} value={f.deviceClass} onChange={set('deviceClass')}>
            {DEVICE_CLASSES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="grid gap-1 text-tremor-default">
          Mode
          <select className={inputClass} value={f.mode} onChange={set('mode')}>
            <option value="download">download (receive from peers)</option>
            <option value="full">full (receive and upload)</option>
          </select>
        </label>
        {field(
          'Stages (% of the class, rising)',
          'stages',
          'e.g. 1, 5, 10, 25, 50, 90 — the last one is what gets approved',
        )}
        {field('Holdback (%)', 'holdbackPercentage', 'the control the guardrails compare against; must be above 0')}
        {field('Minimum minutes per stage', 'minDurationMinutes')}
        {field('Minimum devices per cohort per stage', 'minDevicesPerCohort')}
        {field('Upload cap (kbps, full mode)', 'uploadCapKbps')}
        {field('Max peers', 'maxPeers')}
        <label className="grid gap-1 text-tremor-default">
          On a regression
          <select className={inputClass} value={f.onRegression} onChange={set('onRegression')}>
            <option value="hold">hold the stage</option>
            <option value="rollback_previous">roll back to the previous stage</option>
            <option value="rollback_zero">roll back to 0 %</option>
          </select>
        </label>
        {field('Reason', 'reason')}
        <Text>
          Guardrails (defaults): rebuffer ratio +0.2 pp, start-up +10 %, failures +0.5 pp, bitrate −5 %; α 5 % for the
          whole plan.
        </Text>
        <MutationError error={create.error} />
        <div className="flex gap-2">
          <button type="submit" className={buttonClass} disabled={create.isPending}>
            Request approval
          </button>
          <button type="button" className={linkButtonClass} onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function NotificationsPanel() {
  const trpc = useTRPC();
  const notes = useQuery({ ...trpc.notify.notifications.queryOptions({ limit: 30 }), refetchInterval: 15_000 });
  return (
    <Card data-testid="notifications">
      <Title>Notifications</Title>
      {notes.isPending ? (
        <LoadingState />
      ) : notes.isError ? (
        <ErrorState error={notes.error} onRetry={() => void notes.refetch()} />
      ) : notes.data.length === 0 ? (
        <Text className="mt-2">
          No notifications yet: stage advances, holds, rollbacks, sample-ratio mismatches and kills appear here.
        </Text>
      ) : (
        <ul className="mt-2 grid gap-1 text-tremor-default">
          {notes.data.map((n) => (
            <li key={n.id} className="flex flex-wrap gap-x-2">
              <span className="text-tremor-content dark:text-dark-tremor-content">{formatDate(n.ts)}</span>
              <Badge color={n.kind === 'advanced' ? 'emerald' : n.kind === 'kill' ? 'red' : 'amber'}>
                {n.kind.replace('_', ' ')}
              </Badge>
              <span>{n.text}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function WebhooksPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const hooks = useQuery(trpc.notify.webhooks.queryOptions());
  const deliveries = useQuery({ ...trpc.notify.deliveries.queryOptions({ limit: 20 }), refetchInterval: 15_000 });
  const [f, setF] = useState({
    name: '',
    url: '',
    format: 'slack' as 'slack' | 'generic',
    kinds: ['held', 'rolled_back', 'srm', 'kill'] as string[],
  });
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.notify.webhooks.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.notify.deliveries.queryKey() });
  };
  const create = useMutation(
    trpc.notify.createWebhook.mutationOptions({
      onSuccess: (r) => {
        setSecret(r.signingSecret);
        setF({ ...f, name: '', url: '' });
        refresh();
      },
    }),
  );
  const test = useMutation(trpc.notify.testWebhook.mutationOptions({ onSuccess: refresh }));
  const del = useMutation(trpc.notify.deleteWebhook.mutationOptions({ onSuccess: refresh }));
  const KINDS = ['advanced', 'held', 'rolled_back', 'srm', 'kill'] as const;
  return (
    <Card data-testid="webhooks">
      <Title>Webhooks</Title>
      <Text>
        Slack-compatible or generic JSON (signed: X-Swarmdeck-Signature = sha256 HMAC of “timestamp.body”). Failing
        webhooks are retried with backoff and never block a rollout action.
      </Text>
      {hooks.isPending ? (
        <LoadingState />
      ) : hooks.isError ? (
        <ErrorState error={hooks.error} onRetry={() => void hooks.refetch()} />
      ) : hooks.data.length === 0 ? (
        <Text className="mt-2">No webhooks registered.</Text>
      ) : (
        <ul className="mt-2 grid gap-1 text-tremor-default">
          {hooks.data.map((h) => {
            const last = deliveries.data?.find((d) => d.webhook_id === h.id);
            return (
              <li key={h.id} className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{h.name}</span>
                <span>{h.urlMasked}</span>
                <Badge color="gray">{h.format}</Badge>
                <span>{h.kinds.join(', ')}</span>
                {last && (
                  <Badge color={last.status === 'delivered' ? 'emerald' : last.status === 'failed' ? 'red' : 'amber'}>
                    last: {last.status}{' '}
                    {last.http_status ? `(HTTP ${last.http_status})` : last.error ? `(${last.error})` : ''}, attempt{' '}
                    {last.attempt}
                  </Badge>
                )}
                <button type="button" className={linkButtonClass} onClick={() => test.mutate({ id: h.id })}>
                  Send test
                </button>
                <button type="button" className={linkButtonClass} onClick={() => del.mutate({ id: h.id })}>
                  Delete
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {test.data && (
        <p role="status" className="mt-2 text-tremor-default">
          Test delivery:{' '}
          {test.data.ok
            ? `delivered (HTTP ${test.data.httpStatus})`
            : `failed (${test.data.error || `HTTP ${test.data.httpStatus}`})`}
        </p>
      )}
      <form
        className="mt-3 grid gap-2 md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            name: f.name,
            url: f.url,
            format: f.format,
            kinds: f.kinds as (typeof KINDS)[number][],
            enabled: true,
          });
        }}
      >
        <label className="grid gap-1 text-tremor-default">
          Name
          <input className={inputClass} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
        </label>
        <label className="grid gap-1 text-tremor-default">
          URL
          <input
            className={inputClass}
            value={f.url}
            onChange={(e) => setF({ ...f, url: e.target.value })}
            placeholder="https://hooks.slack.com/services/…"
          />
        </label>
        <label className="grid gap-1 text-tremor-default">
          Format
          <select
            className={inputClass}
            value={f.format}
            onChange={(e) => setF({ ...f, format: e.target.value as 'slack' | 'generic' })}
          >
            <option value="slack">Slack-compatible</option>
            <option value="generic">generic JSON (signed)</option>
          </select>
        </label>
        <fieldset className="flex flex-wrap gap-3 text-tremor-default">
          <legend>Events</legend>
          {KINDS.map((k) => (
            <label key={k} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={f.kinds.includes(k)}
                onChange={(e) =>
                  setF({ ...f, kinds: e.target.checked ? [...f.kinds, k] : f.kinds.filter((x) => x !== k) })
                }
              />
              {k.replace('_', ' ')}
            </label>
          ))}
        </fieldset>
        <MutationError error={create.error ?? test.error ?? del.error} />
        <div>
          <button type="submit" className={buttonClass} disabled={create.isPending}>
            Add webhook
          </button>
        </div>
      </form>
      {secret && (
        <p role="status" className="mt-2 break-all text-tremor-default">
          Signing secret (shown once, copy it now): <code>{secret}</code>
        </p>
      )}
    </Card>
  );
}
