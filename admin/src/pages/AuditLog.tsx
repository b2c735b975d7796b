import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type AuditEntry, get } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { PageTitle, QueryError, TextField } from '../ui.tsx';

const PAGE = 50;

export function AuditLog() {
  const { t, formatDate } = useI18n();
  const [action, setAction] = useState('');
  // Keyset pagination: each page asks for entries older than the last id seen.
  const log = useInfiniteQuery({
    queryKey: ['audit', action],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (pageParam) q.set('before', String(pageParam));
      if (action) q.set('action', action);
      return get<{ items: AuditEntry[] }>(`/audit-log?${q}`);
    },
    getNextPageParam: (last) => (last.items.length < PAGE ? undefined : last.items.at(-1)?.id),
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section>
      <PageTitle title={t('audit.title')}>{t('audit.title')}</PageTitle>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label={t('audit.filterAction')}
          name="action"
          placeholder="user.created"
          value={action}
          onChange={(e) => setAction(e.target.value.trim())}
        />
      </form>
      {log.error && <QueryError error={log.error} />}
      {log.isPending && <p>{t('common.loading')}</p>}
      {log.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.subject')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{formatDate(e.at)}</td>
                <td>
                  {e.actorType === 'system' ? (
                    t('audit.system')
                  ) : (
                    <>
                      {e.actorType} <code>{e.actorId?.slice(0, 8)}</code>
                    </>
                  )}
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  {e.subjectType} {e.subjectId && <code>{e.subjectId.slice(0, 8)}</code>}
                </td>
                <td>
                  <code className="details">{JSON.stringify(e.details)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage ? (
        <button type="button" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {t('audit.more')}
        </button>
      ) : (
        log.data && <p className="hint">{t('audit.end')}</p>
      )}
    </section>
  );
}
