import { Button, Loader, Alert as MantineAlert, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { del, get, post } from '../api.ts';
import { type MessageKey, useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import { Alert, PageTitle, QueryError, SelectField, TextField } from '../ui.tsx';
import { type Dashboard, KpiCards, useKpiFormat } from './KpiCards.tsx';

interface Reports {
  searches: Array<{ query: string; count: number; zeroResults: number; abstained: number }>;
  articles: Array<{ articleId: string; title: string | null; views: number; helpfulness: number | null }>;
  pages: Array<{ page: string; escalations: number }>;
  flows: Array<{
    flowId: string;
    name: string | null;
    started: number;
    completed: number;
    escalated: number;
    steps: Array<{ stepId: string; label: string | null; reached: number; dropOff: number }>;
  }>;
}
interface Gap {
  id: string;
  locale: string;
  label: string;
  volume: number;
  queries: Array<{ query: string; n: number }>;
  suggestion: { articleId: string; title: string; confidence: number } | null;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const CHANNELS = ['helpcentre', 'widget', 'bot', 'email', 'messaging', 'voice', 'api'] as const;

/** One KPI's daily series, drawn with uPlot (canvas; styles set through the CSSOM, CSP-safe). */
function SeriesChart({
  days,
  values,
  label,
}: {
  days: string[];
  values: Array<number | null>;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(320, box.current.clientWidth || 720),
        height: 240,
        series: [{}, { label, stroke: '#1d4ed8', width: 2, spanGaps: true }],
        axes: [{}, {}],
      },
      [xs, values.map((v) => v ?? null)] as uPlot.AlignedData,
      box.current,
    );
    return () => plot.destroy();
  }, [days, values, label]);
  return <div ref={box} className="chart" role="img" aria-label={label} />;
}

export function Analytics() {
  const { t } = useI18n();
  const can = useCan();
  const client = useQueryClient();
  const today = new Date();
  const [filters, setFilters] = useState({
    from: iso(new Date(today.getTime() - 29 * 86_400_000)),
    to: iso(today),
    locale: '',
    channel: '',
    segment: '',
  });
  const [chartKey, setChartKey] = useState('selfServiceSessions');
  const [notice, setNotice] = useState('');
  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
  const dashboard = useQuery({
    queryKey: ['analytics', 'dashboard', qs],
    queryFn: () => get<Dashboard>(`/analytics/dashboard?${qs}`),
  });
  const reports = useQuery({
    queryKey: ['analytics', 'reports', qs],
    queryFn: () => get<Reports>(`/analytics/reports?${qs}`),
  });
  const gaps = useQuery({
    queryKey: ['analytics', 'gaps', qs],
    queryFn: () => get<{ items: Gap[]; refreshing: boolean }>(`/analytics/gaps?${qs}`),
    // Computed in the server's background: ask again while a computation is under way.
    refetchInterval: (q) => (q.state.data?.refreshing ? 1_500 : false),
  });
  const gapsComputing = gaps.isPending || (gaps.data?.refreshing && gaps.data.items.length === 0);
  const addFormulations = useMutation({
    mutationFn: (g: Gap) =>
      post<{ added: string[] }>('/analytics/gaps/formulations', {
        articleId: g.suggestion?.articleId,
        queries: g.queries.map((q) => q.query),
      }),
    onSuccess: (r) => {
      setNotice(t('analytics.added', { n: r.added.length }));
      void client.invalidateQueries({ queryKey: ['analytics', 'gaps'] });
    },
  });
  const draft = useMutation({
    mutationFn: (g: Gap) =>
      post('/analytics/gaps/draft', {
        locale: g.locale,
        title: g.label,
        queries: g.queries.map((q) => q.query),
      }),
    onSuccess: () => setNotice(t('analytics.drafted')),
  });
  // A demo install's charts hold ninety generated days: said plainly, removable in one click.
  const demoHistory = useQuery({
    queryKey: ['analytics', 'demo-history'],
    queryFn: () =>
      get<{ history: { events: number; from: string; to: string } | null }>('/analytics/demo-history'),
  });
  const removeDemo = useMutation({
    mutationFn: () => del<{ deleted: number }>('/analytics/demo-history'),
    onSuccess: (r) => {
      setNotice(t('analytics.demoRemoved', { n: r.deleted }));
      void client.invalidateQueries({ queryKey: ['analytics'] });
    },
  });
  const format = useKpiFormat(dashboard.data?.currency ?? 'EUR');
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [k]: e.target.value }));
  const exportLink = (report: string) => (
    <Button
      component="a"
      variant="default"
      size="compact-sm"
      href={`/api/v1/analytics/export/${report}.csv?${qs}`}
      download
    >
      {t('analytics.export')}
    </Button>
  );

  return (
    <section className="analytics">
      <PageTitle title={t('analytics.title')}>{t('analytics.title')}</PageTitle>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()} aria-label={t('analytics.title')}>
        <TextField
          label={t('analytics.from')}
          type="date"
          name="from"
          value={filters.from}
          onChange={set('from')}
        />
        <TextField label={t('analytics.to')} type="date" name="to" value={filters.to} onChange={set('to')} />
        <SelectField
          label={t('analytics.locale')}
          name="locale"
          value={filters.locale}
          onChange={set('locale')}
        >
          <option value="">{t('analytics.all')}</option>
          <option value="fr">Français</option>
          <option value="en">English</option>
        </SelectField>
        <SelectField
          label={t('analytics.channel')}
          name="channel"
          value={filters.channel}
          onChange={set('channel')}
        >
          <option value="">{t('analytics.all')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('analytics.segment')}
          name="segment"
          placeholder="plan=pro"
          value={filters.segment}
          onChange={set('segment')}
        />
      </form>
      {demoHistory.data?.history && (
        <MantineAlert color="grape" title={t('analytics.demoTitle')} className="demo-history">
          <p>{t('analytics.demoText', { n: demoHistory.data.history.events })}</p>
          {can('settings:manage') && (
            <Button
              variant="default"
              size="compact-sm"
              loading={removeDemo.isPending}
              onClick={() => {
                if (window.confirm(t('analytics.demoConfirm'))) removeDemo.mutate();
              }}
            >
              {t('analytics.demoRemove')}
            </Button>
          )}
          {removeDemo.error && <QueryError error={removeDemo.error} />}
        </MantineAlert>
      )}
      {notice && <Alert kind="success">{notice}</Alert>}
      {dashboard.error && <QueryError error={dashboard.error} />}
      {dashboard.isPending && <p>{t('common.loading')}</p>}
      {dashboard.data && (
        <>
          <h2>
            {t('analytics.kpis')} {exportLink('kpis')}
          </h2>
          <KpiCards dashboard={dashboard.data} />
          <h2>
            {t('analytics.chart')} {exportLink('series')}
          </h2>
          <SelectField
            label={t('analytics.chart')}
            name="chart"
            value={chartKey}
            onChange={(e) => setChartKey(e.target.value)}
          >
            {dashboard.data.kpis.map((k) => (
              <option key={k.key} value={k.key}>
                {t(`kpi.${k.key}` as MessageKey)}
              </option>
            ))}
          </SelectField>
          <SeriesChart
            days={dashboard.data.series.days}
            values={dashboard.data.series.values[chartKey] ?? []}
            label={t(`kpi.${chartKey}` as MessageKey)}
          />
        </>
      )}
      {reports.error && <QueryError error={reports.error} />}
      {reports.data && (
        <>
          <h2>
            {t('analytics.searches')} {exportLink('searches')}
          </h2>
          <Table aria-label={t('analytics.searches')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('analytics.query')}</Table.Th>
                <Table.Th scope="col">{t('analytics.count')}</Table.Th>
                <Table.Th scope="col">{t('analytics.zero')}</Table.Th>
                <Table.Th scope="col">{t('analytics.abstained')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reports.data.searches.map((s) => (
                <Table.Tr key={s.query}>
                  <Table.Td>{s.query}</Table.Td>
                  <Table.Td>{s.count}</Table.Td>
                  <Table.Td>{s.zeroResults}</Table.Td>
                  <Table.Td>{s.abstained}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <h2>
            {t('analytics.articles')} {exportLink('articles')}
          </h2>
          <Table aria-label={t('analytics.articles')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('analytics.article')}</Table.Th>
                <Table.Th scope="col">{t('analytics.views')}</Table.Th>
                <Table.Th scope="col">{t('analytics.helpful')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reports.data.articles.map((a) => (
                <Table.Tr key={a.articleId}>
                  <Table.Td>{a.title ?? a.articleId}</Table.Td>
                  <Table.Td>{a.views}</Table.Td>
                  <Table.Td>{format('ratio', a.helpfulness)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <h2>
            {t('analytics.pages')} {exportLink('pages')}
          </h2>
          <Table aria-label={t('analytics.pages')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('analytics.page')}</Table.Th>
                <Table.Th scope="col">{t('analytics.escalations')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reports.data.pages.map((p) => (
                <Table.Tr key={p.page}>
                  <Table.Td>{p.page}</Table.Td>
                  <Table.Td>{p.escalations}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <h2>
            {t('analytics.flows')} {exportLink('flows')}
          </h2>
          <Table aria-label={t('analytics.flows')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('analytics.step')}</Table.Th>
                <Table.Th scope="col">{t('analytics.reached')}</Table.Th>
                <Table.Th scope="col">{t('analytics.dropOff')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reports.data.flows.flatMap((f) => [
                <Table.Tr key={f.flowId}>
                  <Table.Th scope="rowgroup" colSpan={3}>
                    {f.name ?? t('analytics.deletedFlow')}{' '}
                    <Text span size="sm" c="dimmed" fw={400}>
                      {t('analytics.flowSummary', {
                        started: f.started,
                        completed: f.completed,
                        escalated: f.escalated,
                      })}
                    </Text>
                  </Table.Th>
                </Table.Tr>,
                ...f.steps.map((s) => (
                  <Table.Tr key={`${f.flowId}/${s.stepId}`}>
                    <Table.Td>{s.label ?? s.stepId}</Table.Td>
                    <Table.Td>{s.reached}</Table.Td>
                    <Table.Td>{s.dropOff}</Table.Td>
                  </Table.Tr>
                )),
              ])}
            </Table.Tbody>
          </Table>
        </>
      )}
      <h2>
        {t('analytics.gaps')} {exportLink('gaps')}
      </h2>
      {gaps.error && <QueryError error={gaps.error} />}
      {gapsComputing && <Loader size="sm" aria-label={t('analytics.gapsComputing')} />}
      {gaps.data && !gapsComputing && gaps.data.items.length === 0 && <p>{t('analytics.none')}</p>}
      {gaps.data && gaps.data.items.length > 0 && (
        <Table aria-label={t('analytics.gaps')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('analytics.examples')}</Table.Th>
              <Table.Th scope="col">{t('analytics.volume')}</Table.Th>
              <Table.Th scope="col">{t('analytics.suggestion')}</Table.Th>
              {can('content:write') && <Table.Th scope="col">{t('common.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {gaps.data.items.map((g) => (
              <Table.Tr key={g.id}>
                <Table.Td>
                  {g.queries
                    .slice(0, 5)
                    .map((q) => q.query)
                    .join(' · ')}
                </Table.Td>
                <Table.Td>{g.volume}</Table.Td>
                <Table.Td>{g.suggestion ? g.suggestion.title : '—'}</Table.Td>
                {can('content:write') && (
                  <Table.Td>
                    {g.suggestion && (
                      <Button variant="default" type="button" onClick={() => addFormulations.mutate(g)}>
                        {t('analytics.addFormulations')}
                      </Button>
                    )}{' '}
                    <Button variant="default" type="button" onClick={() => draft.mutate(g)}>
                      {t('analytics.draft')}
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}
