import { Button, Table, Tabs } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  type FlowDetail,
  type FlowIssues,
  type FlowPreview,
  type FlowSummary,
  get,
  post,
  put,
} from '../api.ts';
import { asFlowDoc, type FlowDoc } from '../flow-graph.ts';
import { type Translate, useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import { Alert, PageTitle, ProblemDetails, QueryError, TextArea, useNotify } from '../ui.tsx';
import { FlowBuilder } from './FlowBuilder.tsx';

const FLOWS = ['flows'] as const;

/** Guided flows: key, title, locale, latest and published versions. */
export function FlowList() {
  const { t, formatDate } = useI18n();
  const can = useCan();
  const flows = useQuery({ queryKey: FLOWS, queryFn: () => get<{ items: FlowSummary[] }>('/flows') });
  return (
    <section>
      <PageTitle title={t('flows.title')}>{t('flows.title')}</PageTitle>
      {can('content:write') && (
        <p>
          <Button component={Link} to="/flows/new">
            {t('flows.new')}
          </Button>
        </p>
      )}
      {flows.isPending && <p>{t('common.loading')}</p>}
      {flows.error && <QueryError error={flows.error} />}
      {flows.data?.items.length === 0 && <p>{t('flows.none')}</p>}
      {flows.data && flows.data.items.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('flows.name')}</Table.Th>
              <Table.Th scope="col">{t('flows.key')}</Table.Th>
              <Table.Th scope="col">{t('flows.locale')}</Table.Th>
              <Table.Th scope="col">{t('flows.latest')}</Table.Th>
              <Table.Th scope="col">{t('flows.published')}</Table.Th>
              <Table.Th scope="col">{t('content.updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {flows.data.items.map((f) => (
              <Table.Tr key={f.id}>
                <Table.Th scope="row">
                  <Link to={`/flows/${f.id}`}>{f.title}</Link>
                </Table.Th>
                <Table.Td>
                  <code>{f.key}</code>
                </Table.Td>
                <Table.Td>{f.locale}</Table.Td>
                <Table.Td>{f.latestVersion}</Table.Td>
                <Table.Td>{f.publishedVersion ?? t('flows.unpublished')}</Table.Td>
                <Table.Td>{formatDate(f.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}

/** A new flow: a greeting leading to an end, in the console's language. */
function newFlow(t: Translate, lang: string): FlowDoc {
  return {
    key: 'new-flow',
    title: t('flowBuilder.newFlowTitle'),
    locale: lang,
    start: 'hello',
    nodes: {
      hello: { type: 'message', text: t('flowBuilder.newFlowHello'), next: 'done' },
      done: { type: 'end' },
    },
  };
}

/** The flow editor: the visual builder (JSON as an advanced view), validation on the steps, versions, publication and preview. */
export function FlowEditor() {
  const { id } = useParams();
  const { t } = useI18n();
  const detail = useQuery({
    queryKey: ['flow', id],
    queryFn: () => get<FlowDetail>(`/flows/${id}`),
    enabled: Boolean(id),
  });
  if (id && detail.isPending) return <p>{t('common.loading')}</p>;
  if (id && detail.error) return <QueryError error={detail.error} />;
  return <FlowForm key={`${id ?? 'new'}`} flow={id ? detail.data : undefined} />;
}

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

function parseDefinition(text: string, t: Translate): Parsed {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, error: t('flows.notObject') };
    }
    return { ok: true, value: value as Record<string, unknown> };
  } catch (err) {
    return { ok: false, error: t('flows.badJson', { detail: (err as Error).message }) };
  }
}

function FlowForm({ flow }: { flow: FlowDetail | undefined }) {
  const { t, lang } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const notify = useNotify();
  const [definition, setDefinition] = useState<Record<string, unknown>>(
    () => flow?.definition ?? newFlow(t, lang),
  );
  const [text, setText] = useState(() => JSON.stringify(definition, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [tab, setTab] = useState<string | null>('builder');
  const writable = can('content:write');
  const doc = useMemo(() => asFlowDoc(definition), [definition]);

  const fromBuilder = (d: FlowDoc) => {
    setDefinition(d);
    setText(JSON.stringify(d, null, 2));
    setJsonError(null);
  };
  const fromJson = (value: string) => {
    setText(value);
    const parsed = parseDefinition(value, t);
    if (parsed.ok) {
      setDefinition(parsed.value);
      setJsonError(null);
    } else setJsonError(parsed.error);
  };

  // The server's issues follow the edits (debounced), in the console's language, onto the steps at fault.
  const [checked] = useDebouncedValue(definition, 400);
  const check = useQuery({
    queryKey: ['flow-validate', lang, checked],
    queryFn: () => post<FlowIssues>('/flows/validate', { definition: checked }),
    placeholderData: keepPreviousData,
  });

  const withDefinition = <R,>(run: (definition: Record<string, unknown>) => R): R | undefined => {
    setLocalError(null);
    if (jsonError) {
      setLocalError(jsonError);
      return undefined;
    }
    return run(definition);
  };

  const validate = useMutation({
    mutationFn: (d: Record<string, unknown>) => post<FlowIssues>('/flows/validate', { definition: d }),
  });
  const save = useMutation({
    mutationFn: (d: Record<string, unknown>) =>
      flow
        ? put<FlowSummary>(`/flows/${flow.id}`, { definition: d })
        : post<FlowSummary>('/flows', { definition: d }),
    onSuccess: (saved) => {
      void qc.invalidateQueries({ queryKey: FLOWS });
      qc.removeQueries({ queryKey: ['flow', saved.id] });
      if (!flow) {
        // The page changes to the new flow's: the outcome goes in a notification that survives it.
        notify.success(t('flows.saved', { version: saved.latestVersion }));
        navigate(`/flows/${saved.id}`, { replace: true });
      }
    },
  });
  const publish = useMutation({
    mutationFn: (action: 'publish' | 'unpublish') =>
      post<FlowSummary>(`/flows/${flow?.id}/${action}`, action === 'publish' ? {} : undefined),
    onSuccess: () => void qc.invalidateQueries({ queryKey: FLOWS }),
  });
  const published = publish.data?.publishedVersion ?? flow?.publishedVersion ?? null;
  const latest = save.data?.latestVersion ?? flow?.latestVersion;

  const title = flow ? t('flows.editTitle', { title: flow.title }) : t('flows.newTitle');
  const clear = () => {
    validate.reset();
    save.reset();
    publish.reset();
  };

  return (
    <section>
      <p>
        <Link to="/flows">{t('common.back')}</Link>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      {!writable && <Alert kind="info">{t('flows.readOnly')}</Alert>}
      {flow && (
        <p>
          {t('flowBuilder.versions', {
            latest: latest ?? '',
            published: published ?? t('flows.unpublished'),
          })}
        </p>
      )}
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          clear();
          withDefinition((d) => save.mutate(d));
        }}
      >
        <div className="buttons">
          <Button
            variant="default"
            type="button"
            onClick={() => {
              clear();
              withDefinition((d) => validate.mutate(d));
            }}
            disabled={validate.isPending}
          >
            {t('flows.validate')}
          </Button>
          {writable && (
            <Button type="submit" disabled={save.isPending}>
              {t('flows.save')}
            </Button>
          )}
          {flow && can('content:publish') && (
            <>
              <Button
                variant="default"
                type="button"
                onClick={() => publish.mutate('publish')}
                disabled={publish.isPending}
              >
                {t('flows.publish')}
              </Button>
              {published !== null && (
                <Button
                  type="button"
                  color="red"
                  variant="light"
                  onClick={() => publish.mutate('unpublish')}
                  disabled={publish.isPending}
                >
                  {t('flows.unpublish')}
                </Button>
              )}
            </>
          )}
        </div>
        <div aria-live="polite" className="results">
          {localError && <Alert>{localError}</Alert>}
          {validate.data?.valid && <Alert kind="success">{t('flows.valid')}</Alert>}
          {validate.data && !validate.data.valid && (
            <Alert>
              <p className="problem-detail">{t('flows.invalid', { count: validate.data.issues.length })}</p>
              <ul className="issues">
                {validate.data.issues.map((i) => (
                  <li key={`${i.field}:${i.message}`}>
                    <code>{i.field}</code> — {i.message}
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          {validate.error && <ProblemDetails error={validate.error} />}
          {save.error && <ProblemDetails error={save.error} />}
          {save.data && (
            <Alert kind="success">{t('flows.saved', { version: save.data.latestVersion })}</Alert>
          )}
          {publish.error && <ProblemDetails error={publish.error} />}
          {publish.data && (
            <Alert kind="success">
              {publish.data.publishedVersion
                ? t('flows.publishedNow', { version: publish.data.publishedVersion })
                : t('flows.unpublishedNow')}
            </Alert>
          )}
        </div>
      </form>
      <Tabs value={tab} onChange={setTab} keepMounted={false} mt="md">
        <Tabs.List>
          <Tabs.Tab value="builder">{t('flowBuilder.tab')}</Tabs.Tab>
          <Tabs.Tab value="json">{t('flowBuilder.jsonTab')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="builder" pt="sm">
          {doc ? (
            <FlowBuilder
              doc={doc}
              onChange={fromBuilder}
              issues={check.data?.issues ?? []}
              readOnly={!writable}
              preview={<FlowPreviewPanel parsed={{ ok: true, value: definition }} embedded />}
            />
          ) : (
            <>
              <Alert kind="info">{t('flows.graphUnavailable')}</Alert>
              <FlowPreviewPanel parsed={{ ok: true, value: definition }} />
            </>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="json" pt="sm">
          <TextArea
            label={t('flows.definition')}
            name="definition"
            className="code"
            spellCheck={false}
            value={text}
            readOnly={!writable}
            onChange={(e) => fromJson(e.target.value)}
            hint={t('flows.definitionHint')}
            error={jsonError ?? undefined}
          />
          <FlowPreviewPanel
            parsed={jsonError ? { ok: false, error: jsonError } : { ok: true, value: definition }}
          />
        </Tabs.Panel>
      </Tabs>
    </section>
  );
}

function FlowPreviewPanel({ parsed, embedded = false }: { parsed: Parsed; embedded?: boolean }) {
  const { t } = useI18n();
  const [answers, setAnswers] = useState('');
  const [failActions, setFailActions] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: (definition: Record<string, unknown>) =>
      post<FlowPreview>('/flows/preview', {
        definition,
        answers: answers
          .split('\n')
          .map((a) => a.trim())
          .filter(Boolean),
        failActions,
      }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLocalError(null);
    run.reset();
    if (!parsed.ok) setLocalError(parsed.error);
    else run.mutate(parsed.value);
  };
  const r = run.data;
  return (
    <section className={embedded ? undefined : 'panel'} aria-labelledby="preview-title">
      <h2 id="preview-title">{t('flows.preview')}</h2>
      <form onSubmit={submit}>
        <TextArea
          label={t('flows.answers')}
          name="answers"
          className="code small"
          value={answers}
          onChange={(e) => setAnswers(e.target.value)}
          hint={t('flows.answersHint')}
        />
        <label className="check">
          <input type="checkbox" checked={failActions} onChange={(e) => setFailActions(e.target.checked)} />{' '}
          {t('flows.failActions')}
        </label>
        <p>
          <Button variant="default" type="submit" disabled={run.isPending}>
            {t('flows.run')}
          </Button>
        </p>
      </form>
      <div aria-live="polite">
        {localError && <Alert>{localError}</Alert>}
        {run.error && <ProblemDetails error={run.error} />}
        {r && (
          <>
            <h3>{t('flows.transcript')}</h3>
            <ol className="transcript">
              {r.transcript.map((m, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a transcript is append-only
                <li key={i} className={`from-${m.from}`}>
                  <strong>{m.from === 'bot' ? t('flows.bot') : t('flows.customer')}</strong> {m.text}
                  {m.quickReplies && m.quickReplies.length > 0 && (
                    <span className="hint"> [{m.quickReplies.map((q) => q.label).join(' · ')}]</span>
                  )}
                </li>
              ))}
            </ol>
            <p>{t('flows.path', { path: r.path.join(' → ') })}</p>
            {r.waitingOn && <p>{t('flows.waiting', { node: r.waitingOn })}</p>}
            {r.exit && <p>{t('flows.exit', { exit: r.exit })}</p>}
          </>
        )}
      </div>
    </section>
  );
}
