import { Button, Table } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { get, patch, put, type WidgetSite } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Alert, PageTitle, ProblemDetails, QueryError, TextArea, TextField, useNotify } from '../ui.tsx';

const SITES = ['widget-sites'] as const;

/** Settings → Widget (admins): the sites that embed the widget. */
export function WidgetSites() {
  const { t } = useI18n();
  const sites = useQuery({ queryKey: SITES, queryFn: () => get<{ items: WidgetSite[] }>('/widget/sites') });
  return (
    <section>
      <PageTitle title={t('widget.title')}>{t('widget.title')}</PageTitle>
      {sites.isPending && <p>{t('common.loading')}</p>}
      {sites.error && <QueryError error={sites.error} />}
      {sites.data?.items.length === 0 && <p>{t('widget.none')}</p>}
      {sites.data && sites.data.items.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('widget.name')}</Table.Th>
              <Table.Th scope="col">{t('widget.key')}</Table.Th>
              <Table.Th scope="col">{t('widget.origins')}</Table.Th>
              <Table.Th scope="col">{t('widget.rules')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sites.data.items.map((s) => (
              <Table.Tr key={s.key}>
                <Table.Th scope="row">
                  <Link to={`/settings/widget/${s.key}`}>{s.name}</Link>
                </Table.Th>
                <Table.Td>
                  <code>{s.key}</code>
                </Table.Td>
                <Table.Td>{s.allowedOrigins.join(', ')}</Table.Td>
                <Table.Td>{s.rules.length}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}

export function WidgetSiteEditor() {
  const { key } = useParams();
  const { t } = useI18n();
  const site = useQuery({
    queryKey: ['widget-site', key],
    queryFn: () => get<WidgetSite>(`/widget/sites/${key}`),
  });
  if (site.isPending) return <p>{t('common.loading')}</p>;
  if (site.error) return <QueryError error={site.error} />;
  const title = t('widget.siteTitle', { name: site.data.name });
  return (
    <section>
      <p>
        <Link to="/settings/widget">{t('common.back')}</Link>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      <SiteForm site={site.data} />
      <RulesForm site={site.data} />
    </section>
  );
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function SiteForm({ site }: { site: WidgetSite }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const [name, setName] = useState(site.name);
  const [origins, setOrigins] = useState(site.allowedOrigins.join('\n'));
  const [strings, setStrings] = useState(JSON.stringify(site.strings, null, 2));
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: unknown) => patch<WidgetSite>(`/widget/sites/${site.key}`, body),
    onSuccess: (saved) => {
      qc.setQueryData(['widget-site', site.key], saved);
      void qc.invalidateQueries({ queryKey: SITES });
      notify.success(t('widget.saved'));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.reset();
    setLocalError(null);
    const parsed = parseJson(strings);
    if (!parsed.ok) {
      setLocalError(t('flows.badJson', { detail: parsed.error }));
      return;
    }
    save.mutate({
      name,
      allowedOrigins: origins
        .split('\n')
        .map((o) => o.trim())
        .filter(Boolean),
      strings: parsed.value,
    });
  };
  return (
    <section className="panel" aria-labelledby="site-settings">
      <h2 id="site-settings">{t('widget.settings')}</h2>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('widget.name')}
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <TextArea
          label={t('widget.origins')}
          name="allowedOrigins"
          className="code small"
          value={origins}
          onChange={(e) => setOrigins(e.target.value)}
          hint={t('widget.originsHint')}
        />
        <TextArea
          label={t('widget.strings')}
          name="strings"
          className="code small"
          spellCheck={false}
          value={strings}
          onChange={(e) => setStrings(e.target.value)}
          hint={t('widget.stringsHint')}
          error={localError ?? undefined}
        />
        <Button type="submit" disabled={save.isPending}>
          {t('common.save')}
        </Button>
        <div aria-live="polite">{save.error && <ProblemDetails error={save.error} />}</div>
      </form>
    </section>
  );
}

function RulesForm({ site }: { site: WidgetSite }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [text, setText] = useState(JSON.stringify(site.rules, null, 2));
  const [localError, setLocalError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (items: unknown) => put<{ items: unknown[] }>(`/widget/sites/${site.key}/rules`, { items }),
    onSuccess: (saved) => {
      setText(JSON.stringify(saved.items, null, 2));
      void qc.invalidateQueries({ queryKey: SITES });
      void qc.invalidateQueries({ queryKey: ['widget-site', site.key] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.reset();
    setLocalError(null);
    const parsed = parseJson(text);
    if (!parsed.ok) setLocalError(t('flows.badJson', { detail: parsed.error }));
    else save.mutate(parsed.value);
  };
  return (
    <section className="panel" aria-labelledby="rules-title">
      <h2 id="rules-title">{t('widget.rulesTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <TextArea
          label={t('widget.rules')}
          name="rules"
          className="code"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          hint={t('widget.rulesHint')}
          error={localError ?? undefined}
        />
        <Button type="submit" disabled={save.isPending}>
          {t('widget.saveRules')}
        </Button>
        <div aria-live="polite">
          {save.error && <ProblemDetails error={save.error} />}
          {save.data && (
            <Alert kind="success">{t('widget.rulesSaved', { count: save.data.items.length })}</Alert>
          )}
        </div>
      </form>
    </section>
  );
}
