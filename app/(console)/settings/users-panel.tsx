'use client';

import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Title } from '@tremor/react';
import { Badge } from '@/components/ui/badge';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { ROLES, type Role } from '@/lib/auth/access';
import { useTRPC } from '../../_trpc/client';
import { buttonClass, formatDate, inputClass, linkButtonClass, MutationError, ShownOnce } from '@/components/ui/form';

const STATUS_COLOR = { active: 'emerald', invited: 'amber', deactivated: 'gray' } as const;

export function UsersPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const me = useQuery(trpc.auth.me.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [link, setLink] = useState<string>();
  const invite = useMutation(
    trpc.users.invite.mutationOptions({
      onSuccess: (r) => {
        setLink(`${window.location.origin}${r.path}`);
        void refresh();
      },
    }),
  );
  const changeRole = useMutation(trpc.users.changeRole.mutationOptions({ onSuccess: () => void refresh() }));
  const deactivate = useMutation(trpc.users.deactivate.mutationOptions({ onSuccess: () => void refresh() }));
  const reactivate = useMutation(trpc.users.reactivate.mutationOptions({ onSuccess: () => void refresh() }));

  function onInvite(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setLink(undefined);
    invite.mutate({ email: String(f.get('email')), role: String(f.get('role')) as Role });
  }

  return (
    <Card data-testid="users-panel">
      <Title>Users</Title>
      <form onSubmit={onInvite} className="mt-4 flex flex-wrap items-end gap-2">
        <input
          name="email"
          type="email"
          required
          placeholder="name@example.com"
          aria-label="Email to invite"
          className={`${inputClass} min-w-64`}
        />
        <select name="role" aria-label="Role" defaultValue="viewer" className={inputClass}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className={buttonClass} disabled={invite.isPending}>
          Invite
        </button>
      </form>
      <MutationError error={invite.error ?? changeRole.error ?? deactivate.error ?? reactivate.error} />
      {link && <ShownOnce label="One-time invitation link (valid 72 h)" value={link} testId="invite-link" />}
      {users.isPending ? (
        <LoadingState />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <Table className="mt-4">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Email</TableHeaderCell>
              <TableHeaderCell>Role</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>Created</TableHeaderCell>
              <TableHeaderCell className="text-right">Actions</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {users.data.map((u) => {
              const self = u.id === me.data?.id;
              return (
                <TableRow key={u.id} data-testid={`user-row-${u.email}`}>
                  <TableCell>{u.email}</TableCell>
                  <TableCell>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={self || changeRole.isPending}
                      onChange={(e) => changeRole.mutate({ id: u.id, role: e.target.value as Role })}
                      className={inputClass}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </TableCell>
                  <TableCell>
                    <Badge color={STATUS_COLOR[u.status]}>{u.status}</Badge>
                  </TableCell>
                  <TableCell>{formatDate(u.createdAt)}</TableCell>
                  <TableCell className="text-right">
                    {self ? (
                      <span className="text-tremor-label">you</span>
                    ) : u.status === 'deactivated' ? (
                      <button type="button" className={linkButtonClass} onClick={() => reactivate.mutate({ id: u.id })}>
                        Reactivate
                      </button>
                    ) : (
                      <button type="button" className={linkButtonClass} onClick={() => deactivate.mutate({ id: u.id })}>
                        Deactivate
                      </button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
