'use client';

import { Card, Text, Title } from '@tremor/react';
import { Badge } from '@/components/ui/badge';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { can, type Role } from '@/lib/auth/access';
import { formatCount, formatPercent } from '@/lib/format';
import { exposureDelta } from '@/lib/rollout/evaluate';
import { RolloutRule, type Capabilities } from '@/lib/rollout/rule';
import type { AppRouter } from '@/server/api/root';
import { useTRPC } from '../../_trpc/client';
import { NotificationsPanel, PlansPanel, WebhooksPanel } from './plans';
import {
  buttonClass,
  dangerButtonClass,
  formatDate,
  inputClass,
  linkButtonClass,
  Modal,
  MutationError,
  RuleDiff,
} from './ui';

type Out = inferRouterOutputs<AppRouter>;
type ClassRow = Out['rollouts']['list']['classes'][number];
type Req = Out['rollouts']['requests'][number];

function useRefresh() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: trpc.rollouts.list.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.rollouts.requests.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.rollouts.history.queryKey() });
  };
}

export function RolloutsView() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const list = useQuery({ ...trpc.rollouts.list.queryOptions(), refetchInterval: 15_000 });
  const role = me.data?.role ?? null;
  const [killTarget, setKillTarget] = useState<string | null>(null);
  const [unkillTarget, setUnkillTarget] = useState<string | null>(null);

  if (list.isPending) return <LoadingState />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const data = list.data;
  return (
    <div className="grid gap-6">
      <Card data-testid="global-kill" className={data.global.killed ? 'border border-red-400' : ''}>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <Title>Global kill switch</Title>
            <Text>
              {data.global.killed
                ? 'ENGAGED: every device class is off.'
                : 'Not engaged. Stops P2P on every class at once, without approval.'}
            </Text>
          </div>
          <div className="flex gap-2">
            {!data.global.killed && can(role, 'rollouts:kill') && (
              <button type="button" className={dangerButtonClass} onClick={() => setKillTarget('*')}>
                Kill all classes
              </button>
            )}
            {data.global.killed && can(role, 'rollouts:propose') && (
              <button type="button" className={linkButtonClass} onClick={() => setUnkillTarget('*')}>
                Request lift
              </button>
            )}
          </div>
        </div>
      </Card>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {data.classes.map((c) => (
          <ClassCard
            key={c.deviceClass}
            c={c}
            role={role}
            globalKilled={data.global.killed}
            onKill={() => setKillTarget(c.deviceClass)}
            onUnkill={() => setUnkillTarget(c.deviceClass)}
          />
        ))}
      </div>
      <PlansPanel role={role} />
      <RequestsPanel
        role={role}
        myId={me.data?.id ?? null}
        classes={data.classes}
        globalVersion={data.global.version}
      />
      <NotificationsPanel />
      {can(role, 'settings:manage') && <WebhooksPanel />}
      <HistoryPanel />
      {killTarget && <KillDialog target={killTarget} onClose={() => setKillTarget(null)} />}
      {unkillTarget && <UnkillDialog target={unkillTarget} onClose={() => setUnkillTarget(null)} />}
    </div>
  );
}

function ClassCard({
  c,
  role,
  globalKilled,
  onKill,
  onUnkill,
}: {
  c: ClassRow;
  role: Role | null;
  globalKilled: boolean;
  onKill: () => void;
  onUnkill: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [caps, setCaps] = useState(false);
  const r = c.rule;
  const t = r.targeting;
  const off = c.killed || globalKilled;
  return (
    <Card data-testid={`class-${c.deviceClass}`}>
      <div className="flex items-start justify-between gap-2">
        <Title>{c.deviceClass}</Title>
        <div className="flex gap-1">
          {c.killed && <Badge color="red">killed</Badge>}
          {globalKilled && !c.killed && <Badge color="red">global kill</Badge>}
          <Badge color={r.state === 'enabled' && !off ? 'emerald' : 'gray'}>{r.state}</Badge>
        </div>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-3 gap-y-1 text-tremor-default">
        <dt className="text-tremor-content dark:text-dark-tremor-content">Mode</dt>
        <dd>{r.mode}</dd>
        <dt className="text-tremor-content dark:text-dark-tremor-content">Rollout</dt>
        <dd data-testid="percentage">{r.percentage}%</dd>
        <dt className="text-tremor-content dark:text-dark-tremor-content">Holdback</dt>
        <dd>{r.holdbackPercentage}%</dd>
        <dt className="text-tremor-content dark:text-dark-tremor-content">Targeting</dt>
        <dd>
          {[
            t.asnAllow.length ? `ASN ${t.asnAllow.join(', ')}` : null,
            t.asnDeny.length ? `not ASN ${t.asnDeny.join(', ')}` : null,
            t.countries.length ? t.countries.join(', ') : null,
            t.minClientVersion ? `≥ ${t.minClientVersion}` : null,
          ]
            .filter(Boolean)
            .join(' · ') || 'everyone'}
        </dd>
        <dt className="text-tremor-content dark:text-dark-tremor-content">Caps</dt>
        <dd>
          {r.mode === 'full' ? `${formatCount(r.uploadCapKbps)} kbps up` : 'no upload'} · {r.maxPeers} peers
        </dd>
        <dt className="text-tremor-content dark:text-dark-tremor-content">Class allows</dt>
        <dd>
          {c.capabilities.mayUpload ? `upload ≤ ${formatCount(c.capabilities.maxUploadCapKbps)} kbps` : 'download only'}{' '}
          · ≤ {c.capabilities.maxPeers} peers
        </dd>
        <dt className="text-tremor-content dark:text-dark-tremor-content">Config version</dt>
        <dd>{c.version}</dd>
      </dl>
      <div className="mt-3 border-t border-tremor-border pt-3 dark:border-dark-tremor-border" data-testid="live">
        <Text className="font-medium">Last 15 min</Text>
        {c.live.sessions === 0 ? (
          <Text>No sessions reported.</Text>
        ) : (
          <>
            <Text>
              {formatCount(c.live.sessions)} sessions · offload {formatPercent(c.live.offload)}
            </Text>
            <ul className="mt-1 text-tremor-default">
              {c.live.cohorts.map((co) => (
                <li key={co.cohort} className="flex items-center gap-2">
                  <span className="w-16">{co.cohort}</span>
                  <span className="h-2 flex-1 rounded bg-tremor-background-subtle dark:bg-dark-tremor-background-subtle">
                    <span
                      className="block h-2 rounded bg-tremor-brand dark:bg-dark-tremor-brand"
                      style={{ width: `${(co.share * 100).toFixed(1)}%` }}
                    />
                  </span>
                  <span className="w-14 text-right">{formatPercent(co.share)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        {can(role, 'rollouts:propose') && (
          <button type="button" className={buttonClass} onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {!c.killed && can(role, 'rollouts:kill') && (
          <button type="button" className={dangerButtonClass} onClick={onKill} data-testid="kill-button">
            Kill
          </button>
        )}
        {c.killed && can(role, 'rollouts:propose') && (
          <button type="button" className={linkButtonClass} onClick={onUnkill}>
            Request lift
          </button>
        )}
        {can(role, 'settings:manage') && (
          <button type="button" className={linkButtonClass} onClick={() => setCaps(true)}>
            Capabilities
          </button>
        )}
      </div>
      {editing && <EditDialog c={c} onClose={() => setEditing(false)} />}
      {caps && <CapabilitiesDialog c={c} onClose={() => setCaps(false)} />}
    </Card>
  );
}

function numbers(s: string): number[] {
  return s
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((x) => Number(x.replace(/^AS/i, '')));
}

function EditDialog({ c, onClose }: { c: ClassRow; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const r = c.rule;
  const [form, setForm] = useState({
    state: r.state as string,
    mode: r.mode as string,
    percentage: String(r.percentage),
    holdbackPercentage: String(r.holdbackPercentage),
    asnAllow: r.targeting.asnAllow.join(', '),
    asnDeny: r.targeting.asnDeny.join(', '),
    countries: r.targeting.countries.join(', '),
    minClientVersion: r.targeting.minClientVersion,
    uploadCapKbps: String(r.uploadCapKbps),
    maxPeers: String(r.maxPeers),
    salt: r.salt,
  });
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const propose = useMutation(
    trpc.rollouts.propose.mutationOptions({
      onSuccess: (res) => {
        refresh();
        setResult(
          res.outcome === 'applied'
            ? `Applied at once (version ${res.version}).`
            : 'This raises exposure: a change request was opened and waits for an approver.',
        );
      },
    }),
  );
  const candidate = RolloutRule.safeParse({
    state: form.state,
    mode: form.mode,
    percentage: Number(form.percentage),
    holdbackPercentage: Number(form.holdbackPercentage),
    targeting: {
      asnAllow: numbers(form.asnAllow),
      asnDeny: numbers(form.asnDeny),
      countries: form.countries
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((x) => x.toUpperCase()),
      minClientVersion: form.minClientVersion.trim(),
    },
    uploadCapKbps: Number(form.uploadCapKbps),
    maxPeers: Number(form.maxPeers),
    salt: form.salt.trim(),
  });
  const delta = candidate.success
    ? exposureDelta({ rule: r, killed: c.killed }, { rule: candidate.data, killed: c.killed })
    : null;
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [k]: e.target.value });
  const field = (label: string, k: keyof typeof form, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label className="grid gap-1 text-tremor-default">
      <span className="text-tremor-content dark:text-dark-tremor-content">{label}</span>
      <input name={k} className={inputClass} value={form[k]} onChange={set(k)} {...extra} />
    </label>
  );
  return (
    <Modal title={`Edit ${c.deviceClass} (version ${c.version})`} onClose={onClose}>
      {result ? (
        <div className="grid gap-4">
          <p role="status" data-testid="edit-result">
            {result}
          </p>
          {/* The form (and its focused submit button) is gone: focus lands on the way out. */}
          <button type="button" className={buttonClass} onClick={onClose} ref={(el) => el?.focus()}>
            Close
          </button>
        </div>
      ) : (
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (candidate.success)
              propose.mutate({ deviceClass: c.deviceClass, rule: candidate.data, baseVersion: c.version, reason });
          }}
        >
          <div className="grid grid-cols-2 gap-3">
            <label className="grid gap-1 text-tremor-default">
              <span className="text-tremor-content dark:text-dark-tremor-content">State</span>
              <select name="state" className={inputClass} value={form.state} onChange={set('state')}>
                <option value="disabled">disabled</option>
                <option value="enabled">enabled</option>
              </select>
            </label>
            <label className="grid gap-1 text-tremor-default">
              <span className="text-tremor-content dark:text-dark-tremor-content">Mode</span>
              <select name="mode" className={inputClass} value={form.mode} onChange={set('mode')}>
                <option value="download">download</option>
                <option value="full" disabled={!c.capabilities.mayUpload}>
                  full{c.capabilities.mayUpload ? '' : ' (class may not upload)'}
                </option>
              </select>
            </label>
            {field('Rollout %', 'percentage', { type: 'number', step: '0.01', min: 0, max: 100 })}
            {field('Holdback %', 'holdbackPercentage', { type: 'number', step: '0.01', min: 0, max: 100 })}
            {field('ASN allow list (empty: all)', 'asnAllow', { placeholder: '7922, 3320' })}
            {field('ASN deny list', 'asnDeny')}
            {field('Countries (empty: all)', 'countries', { placeholder: 'US, DE' })}
            {field('Minimum client version', 'minClientVersion', { placeholder: '7.12.0' })}
            {field('Upload cap (kbps, full only)', 'uploadCapKbps', { type: 'number', min: 0 })}
            {field('Max peers', 'maxPeers', { type: 'number', min: 0 })}
            {field('Salt (a new one reshuffles cohorts)', 'salt')}
          </div>
          {!candidate.success ? (
            <p role="alert" className="text-red-700 dark:text-red-400">
              {candidate.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}
            </p>
          ) : (
            <>
              <RuleDiff before={r} after={candidate.data} />
              {delta && delta.raises.length > 0 ? (
                <p data-testid="needs-approval" className="text-amber-700 dark:text-amber-400">
                  Raises exposure ({delta.raises.join('; ')}): this becomes a change request that a different approver
                  must approve.
                </p>
              ) : (
                <p className="text-tremor-content dark:text-dark-tremor-content">
                  Does not raise exposure: applies at once.
                </p>
              )}
            </>
          )}
          <label className="grid gap-1 text-tremor-default">
            <span className="text-tremor-content dark:text-dark-tremor-content">Reason (required)</span>
            <textarea
              name="reason"
              required
              minLength={3}
              className={inputClass}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <MutationError error={propose.error} />
          <div className="flex justify-end gap-2">
            <button type="button" className={linkButtonClass} onClick={onClose}>
              Cancel
            </button>
            <button
              type="submit"
              className={buttonClass}
              disabled={!candidate.success || reason.trim().length < 3 || propose.isPending}
            >
              {delta && delta.raises.length > 0 ? 'Request change' : 'Apply'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

function ReasonDialog({
  title,
  label,
  action,
  pending,
  error,
  onSubmit,
  onClose,
}: {
  title: string;
  label: string;
  action: string;
  pending: boolean;
  error: { message: string } | null;
  onSubmit: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Modal title={title} onClose={onClose}>
      <form
        className="grid gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(reason);
        }}
      >
        <label className="grid gap-1 text-tremor-default">
          <span>{label}</span>
          <textarea
            name="reason"
            required
            minLength={3}
            className={inputClass}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <MutationError error={error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={linkButtonClass} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={action === 'Kill' ? dangerButtonClass : buttonClass}
            disabled={reason.trim().length < 3 || pending}
          >
            {action}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function KillDialog({ target, onClose }: { target: string; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const kill = useMutation(trpc.rollouts.kill.mutationOptions({ onSuccess: () => (refresh(), onClose()) }));
  return (
    <ReasonDialog
      title={target === '*' ? 'Kill P2P on every device class' : `Kill P2P on ${target}`}
      label="Reason (required; applies at once, lifting it needs approval)"
      action="Kill"
      pending={kill.isPending}
      error={kill.error}
      onSubmit={(reason) => kill.mutate({ deviceClass: target as ClassRow['deviceClass'] | '*', reason })}
      onClose={onClose}
    />
  );
}

function UnkillDialog({ target, onClose }: { target: string; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const unkill = useMutation(trpc.rollouts.unkill.mutationOptions({ onSuccess: () => (refresh(), onClose()) }));
  return (
    <ReasonDialog
      title={target === '*' ? 'Request lifting the global kill switch' : `Request lifting the kill switch on ${target}`}
      label="Reason (a different approver must approve)"
      action="Request lift"
      pending={unkill.isPending}
      error={unkill.error}
      onSubmit={(reason) => unkill.mutate({ deviceClass: target as ClassRow['deviceClass'] | '*', reason })}
      onClose={onClose}
    />
  );
}

function CapabilitiesDialog({ c, onClose }: { c: ClassRow; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [caps, setCaps] = useState<Capabilities>(c.capabilities);
  const [reason, setReason] = useState('');
  const save = useMutation(trpc.rollouts.setCapabilities.mutationOptions({ onSuccess: () => (refresh(), onClose()) }));
  return (
    <Modal title={`Capabilities of ${c.deviceClass}`} onClose={onClose}>
      <form
        className="grid gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ deviceClass: c.deviceClass, capabilities: caps, reason });
        }}
      >
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={caps.mayUpload}
            onChange={(e) => setCaps({ ...caps, mayUpload: e.target.checked })}
          />{' '}
          May upload (storage and power for full)
        </label>
        <label className="grid gap-1">
          <span>Highest upload cap (kbps)</span>
          <input
            type="number"
            min={0}
            className={inputClass}
            value={caps.maxUploadCapKbps}
            onChange={(e) => setCaps({ ...caps, maxUploadCapKbps: Number(e.target.value) })}
          />
        </label>
        <label className="grid gap-1">
          <span>Most peers</span>
          <input
            type="number"
            min={0}
            className={inputClass}
            value={caps.maxPeers}
            onChange={(e) => setCaps({ ...caps, maxPeers: Number(e.target.value) })}
          />
        </label>
        <label className="grid gap-1">
          <span>Reason (required)</span>
          <textarea className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <MutationError error={save.error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={linkButtonClass} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={buttonClass} disabled={reason.trim().length < 3 || save.isPending}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

function HistoryPanel() {
  const trpc = useTRPC();
  const events = useQuery(trpc.rollouts.history.queryOptions({ limit: 20 }));
  return (
    <Card data-testid="history">
      <Title>Recent config changes</Title>
      {events.isPending ? (
        <LoadingState />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.length === 0 ? (
        <Text className="mt-2">No changes yet: every class is in its fresh, disabled state.</Text>
      ) : (
        <ul className="mt-2 grid gap-1 text-tremor-default">
          {events.data.map((e) => (
            <li key={e.seq} className="flex flex-wrap gap-x-2">
              <span className="text-tremor-content dark:text-dark-tremor-content">
                #{e.seq} {formatDate(e.ts)}
              </span>
              <span className="font-medium">
                {e.device_class === '*' ? 'all classes' : e.device_class} v{e.class_version}
              </span>
              <span>{e.kind.replace('_', ' ')}</span>
              <span className="text-tremor-content dark:text-dark-tremor-content">
                by {e.actor_email || e.actor_id}
              </span>
              <span>— {e.reason}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function RequestsPanel({
  role,
  myId,
  classes,
  globalVersion,
}: {
  role: Role | null;
  myId: string | null;
  classes: ClassRow[];
  globalVersion: number;
}) {
  const trpc = useTRPC();
  const requests = useQuery({
    ...trpc.rollouts.requests.queryOptions({ status: 'pending', limit: 100 }),
    refetchInterval: 15_000,
  });
  return (
    <Card data-testid="pending-requests">
      <Title>Pending change requests</Title>
      {requests.isPending ? (
        <LoadingState />
      ) : requests.isError ? (
        <ErrorState error={requests.error} onRetry={() => void requests.refetch()} />
      ) : requests.data.length === 0 ? (
        <div className="mt-3">
          <EmptyState title="No pending requests">
            Changes that raise exposure wait here for a different approver.
          </EmptyState>
        </div>
      ) : (
        <ul className="mt-3 grid gap-4">
          {requests.data.map((r) => (
            <RequestItem
              key={r.id}
              r={r}
              role={role}
              myId={myId}
              cls={classes.find((c) => c.deviceClass === r.deviceClass) ?? null}
              globalVersion={globalVersion}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

function RequestItem({
  r,
  role,
  myId,
  cls,
  globalVersion,
}: {
  r: Req;
  role: Role | null;
  myId: string | null;
  cls: ClassRow | null;
  globalVersion: number;
}) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [comment, setComment] = useState('');
  const opts = { onSuccess: () => refresh() };
  const approve = useMutation(trpc.rollouts.approve.mutationOptions(opts));
  const reject = useMutation(trpc.rollouts.reject.mutationOptions(opts));
  const cancel = useMutation(trpc.rollouts.cancel.mutationOptions(opts));
  const rebase = useMutation(trpc.rollouts.edit.mutationOptions(opts));
  const current = r.deviceClass === '*' ? globalVersion : (cls?.version ?? 0);
  const stale = r.baseVersion !== current;
  const mine = myId !== null && (myId === r.author.id || r.editors.some((e) => e.id === myId));
  const error = approve.error ?? reject.error ?? cancel.error ?? rebase.error;
  return (
    <li
      data-testid="request"
      className="rounded-tremor-small border border-tremor-border p-3 dark:border-dark-tremor-border"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium">
          {r.kind === 'unkill'
            ? 'Lift kill switch'
            : r.kind === 'plan'
              ? 'Rollout plan (approve its last stage)'
              : 'Change'}{' '}
          · {r.deviceClass === '*' ? 'all classes' : r.deviceClass}
        </p>
        <div className="flex gap-1">
          {stale && <Badge color="amber">stale: rebase needed</Badge>}
          <Badge color="blue">{r.approvals.length} approval(s)</Badge>
        </div>
      </div>
      <Text>
        by {r.author.email} · {formatDate(r.createdAt)} · expires {formatDate(r.expiresAt)} · based on version{' '}
        {r.baseVersion}
      </Text>
      <Text className="mt-1">Reason: {r.reason}</Text>
      {r.kind !== 'unkill' && (
        <div className="mt-2">
          <RuleDiff before={cls?.rule ?? null} after={r.rule} />
        </div>
      )}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {can(role, 'rollouts:approve') && !mine && (
          <>
            <input
              aria-label="Comment"
              placeholder="Comment"
              className={`${inputClass} max-w-xs`}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
            <button
              type="button"
              className={buttonClass}
              disabled={stale || approve.isPending}
              onClick={() => approve.mutate({ id: r.id, revision: r.revision, comment })}
            >
              Approve
            </button>
            <button
              type="button"
              className={linkButtonClass}
              disabled={comment.trim().length < 3 || reject.isPending}
              onClick={() => reject.mutate({ id: r.id, comment })}
            >
              Reject
            </button>
          </>
        )}
        {can(role, 'rollouts:propose') && stale && (
          <button
            type="button"
            className={linkButtonClass}
            onClick={() =>
              rebase.mutate({
                id: r.id,
                revision: r.revision,
                rule: r.rule ?? undefined,
                baseVersion: current,
                reason: `${r.reason} (rebased onto version ${current})`,
              })
            }
          >
            Rebase onto version {current}
          </button>
        )}
        {can(role, 'rollouts:propose') && (
          <button
            type="button"
            className={linkButtonClass}
            onClick={() => cancel.mutate({ id: r.id, reason: 'cancelled from the rollouts page' })}
          >
            Cancel request
          </button>
        )}
        {mine && <Text>Your request (you wrote or edited it): another approver must approve it.</Text>}
      </div>
      <MutationError error={error} />
    </li>
  );
}
