import { Button } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { type Article, type Diff, get, post, type Version } from '../api.ts';
import { useLocales } from '../content.ts';
import { type MessageKey, useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import { Alert, QueryError, SelectField, TextArea } from '../ui.tsx';

type Transition = 'submit' | 'publish' | 'reject' | 'archive' | 'unpublish';

/** Which moves the article's status allows, and who may make them (the server checks the same). */
const MOVES: Array<{
  name: Transition;
  from: Article['status'][];
  needs: 'content:write' | 'content:publish';
}> = [
  { name: 'submit', from: ['draft'], needs: 'content:write' },
  { name: 'publish', from: ['draft', 'in_review', 'archived'], needs: 'content:publish' },
  { name: 'reject', from: ['in_review'], needs: 'content:publish' },
  { name: 'archive', from: ['published'], needs: 'content:publish' },
  { name: 'unpublish', from: ['published', 'archived'], needs: 'content:publish' },
];

export function WorkflowPanel({ article, dirty }: { article: Article; dirty: boolean }) {
  const { t } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | undefined>();
  const move = useMutation({
    mutationFn: (name: Transition) =>
      post<Article>(`/articles/${article.id}/${name}`, note.trim() ? { note: note.trim() } : {}),
    onSuccess: (updated) => {
      qc.setQueryData(['article', article.id], updated);
      qc.invalidateQueries({ queryKey: ['articles'] });
      qc.invalidateQueries({ queryKey: ['versions', article.id] });
      setNote('');
      setDone(t('editor.done', { status: t(`status.${updated.status}`) }));
    },
  });
  const moves = MOVES.filter((m) => m.from.includes(article.status) && can(m.needs));
  return (
    <section className="panel" aria-labelledby="workflow-title">
      <h2 id="workflow-title">
        {t('editor.workflow')} —{' '}
        <span className={`badge status-${article.status}`}>{t(`status.${article.status}`)}</span>
      </h2>
      <div aria-live="polite">
        {done && <Alert kind="success">{done}</Alert>}
        {move.error && <Alert>{move.error.message}</Alert>}
      </div>
      {moves.length > 0 && (
        <>
          <TextArea
            label={t('editor.workflowNote')}
            name="workflowNote"
            rows={2}
            className="short"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          {dirty && <p className="hint">{t('editor.saveFirst')}</p>}
          <div className="buttons">
            {moves.map((m) => (
              <Button
                variant="default"
                key={m.name}
                type="button"
                className={m.name === 'publish' || m.name === 'submit' ? 'primary' : undefined}
                disabled={dirty || move.isPending}
                onClick={() => move.mutate(m.name)}
              >
                {t(`editor.${m.name}` as MessageKey)}
              </Button>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

/** Other locales of the article: open them, compare side by side, or start a translation. */
export function TranslationsPanel({
  article,
  compareWith,
  onCompare,
}: {
  article: Article;
  compareWith: string;
  onCompare: (locale: string) => void;
}) {
  const { t, languageName } = useI18n();
  const can = useCan();
  const locales = useLocales();
  const translations = useQuery({
    queryKey: ['translations', article.translationGroup],
    queryFn: () => get<{ items: Article[] }>(`/articles/${article.id}/translations`),
    select: (d) => d.items,
  });
  const others = translations.data?.filter((a) => a.id !== article.id) ?? [];
  const missing = (locales.data ?? []).filter((l) => !translations.data?.some((a) => a.locale === l));
  return (
    <section className="panel" aria-labelledby="translations-title">
      <h2 id="translations-title">{t('editor.translations')}</h2>
      {translations.error && <QueryError error={translations.error} />}
      <ul>
        {others.map((a) => (
          <li key={a.id}>
            <Link to={`/content/${a.id}`} lang={a.locale}>
              {a.locale} — {a.title}
            </Link>{' '}
            ({t(`status.${a.status}`)})
          </li>
        ))}
        {can('content:write') &&
          missing.map((l) => (
            <li key={l}>
              <Link to={`/content/new?translationOf=${article.id}&locale=${l}`}>
                {t('editor.translate', { language: languageName(l) })}
              </Link>
            </li>
          ))}
      </ul>
      {others.length > 0 && (
        <SelectField
          label={t('editor.compare')}
          name="compare"
          value={compareWith}
          onChange={(e) => onCompare(e.target.value)}
        >
          <option value="">—</option>
          {others.map((a) => (
            <option key={a.id} value={a.id}>
              {a.locale}
            </option>
          ))}
        </SelectField>
      )}
    </section>
  );
}

/** The source column next to the editor (a translation's original, or a compared locale). */
export function SourceColumn({ id }: { id: string }) {
  const { t } = useI18n();
  const source = useQuery({ queryKey: ['article', id], queryFn: () => get<Article>(`/articles/${id}`) });
  if (source.error) return <QueryError error={source.error} />;
  if (!source.data) return <p>{t('common.loading')}</p>;
  const a = source.data;
  return (
    <aside className="source" aria-label={t('editor.source', { locale: a.locale })} lang={a.locale}>
      <h2>{t('editor.source', { locale: a.locale })}</h2>
      <h3>{a.title}</h3>
      <p>
        <strong>{a.shortAnswer}</strong>
      </p>
      <pre className="markdown-source">{a.body}</pre>
      {a.formulations.length > 0 && (
        <ul>
          {a.formulations.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
    </aside>
  );
}

export function VersionsPanel({ article, dirty }: { article: Article; dirty: boolean }) {
  const { t, formatDate } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const versions = useQuery({
    queryKey: ['versions', article.id],
    queryFn: () => get<{ items: Version[] }>(`/articles/${article.id}/versions`),
    select: (d) => d.items,
  });
  const latest = versions.data?.[0]?.version ?? article.version;
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  const fromV = from ?? Math.max(1, latest - 1);
  const toV = to ?? latest;
  const [diffFor, setDiffFor] = useState<[number, number] | null>(null);
  const diff = useQuery({
    queryKey: ['diff', article.id, diffFor],
    enabled: diffFor !== null,
    queryFn: () => get<Diff>(`/articles/${article.id}/diff?from=${diffFor?.[0]}&to=${diffFor?.[1]}`),
  });
  const [restored, setRestored] = useState<number | undefined>();
  const restore = useMutation({
    mutationFn: (v: number) => post<Article>(`/articles/${article.id}/versions/${v}/restore`),
    onSuccess: (updated, v) => {
      qc.setQueryData(['article', article.id], updated);
      qc.invalidateQueries({ queryKey: ['versions', article.id] });
      setRestored(v);
    },
  });

  const options = versions.data?.map((v) => (
    <option key={v.version} value={v.version}>
      {t('editor.version', { n: v.version })} — {formatDate(v.createdAt)}
      {v.note ? ` — ${v.note}` : ''}
    </option>
  ));
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">{t('editor.versions')}</h2>
      {versions.error && <QueryError error={versions.error} />}
      {versions.data && versions.data.length > 1 && (
        <div className="inline-form">
          <SelectField
            label={t('editor.diffFrom')}
            value={fromV}
            onChange={(e) => setFrom(Number(e.target.value))}
          >
            {options}
          </SelectField>
          <SelectField label={t('editor.diffTo')} value={toV} onChange={(e) => setTo(Number(e.target.value))}>
            {options}
          </SelectField>
          <Button variant="default" type="button" onClick={() => setDiffFor([fromV, toV])}>
            {t('editor.diff')}
          </Button>
          {can('content:write') && (
            <Button
              variant="default"
              type="button"
              disabled={dirty || restore.isPending || fromV === latest}
              onClick={() => restore.mutate(fromV)}
            >
              {t('editor.restore')} ({fromV})
            </Button>
          )}
        </div>
      )}
      <div aria-live="polite">
        {restored && <Alert kind="success">{t('editor.restored', { n: restored })}</Alert>}
        {restore.error && <Alert>{restore.error.message}</Alert>}
        {diff.error && <QueryError error={diff.error} />}
      </div>
      {diff.data &&
        (diff.data.changes.length === 0 ? (
          <p>{t('editor.noChanges')}</p>
        ) : (
          diff.data.changes.map((c) => (
            <div key={c.field} className="diff">
              <h3>{c.field}</h3>
              <pre>
                {c.patch.split('\n').map((line, i) => (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text
                    key={i}
                    className={line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : undefined}
                  >
                    {line}
                    {'\n'}
                  </span>
                ))}
              </pre>
            </div>
          ))
        ))}
    </section>
  );
}
