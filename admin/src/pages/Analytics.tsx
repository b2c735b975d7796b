import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get, post } from '../api.ts';
import { type MessageKey, useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import { Alert, PageTitle, QueryError, SelectField, TextField } from '../ui.tsx';

interface Kpi {
  key: string;
  unit: 'count' | 'ratio' | 'seconds' | 'money' | 'score';
  better: 'up' | 'down';
  value: number | null;
  previous: number | null;
  delta: number | null;
}
interface Dashboard {
  range: { from: string; to: string };
  currency: string;
  kpis: Kpi[];
  series: { days: string[]; values: Record<string, Array<number | null>> };
}
interface Reports {
  searches: Array<{ query: string; count: number; zeroResults: number; abstained: number }>;
  articles: Array<{ articleId: string; title: string | null; views: number; helpfulness: number | null }>;
  pages: Array<{ page: string; escalations: number }>;
  flows: Array<{
    flowId: string;
    started: number;
    completed: number;
    steps: Array<{ stepId: string; reached: number; dropOff: number }>;
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

function useFormat(currency: string) {
  const { lang } = useI18n();
  return (unit: Kpi['unit'], v: number | null) => {
    if (v === null) return '—';
    if (unit === 'ratio')
      return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(v);
    if (unit === 'money') return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(v);
    if (unit === 'seconds')
      return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v / 60)} min`;
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(v);
  };
}

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
    queryFn: () => get<{ items: Gap[] }>(`/analytics/gaps?${qs}`),
  });
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
  const format = useFormat(dashboard.data?.currency ?? 'EUR');
  const set = (k: keyof typeof filters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [k]: e.target.value }));
  const exportLink = (report: string) => (
    <a className="button" href={`/api/v1/analytics/export/${report}.csv?${qs}`} download>
      {t('analytics.export')}
    </a>
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
          {['helpcentre', 'widget', 'bot', 'email', 'messaging', 'voice', 'api'].map((c) => (
            <option key={c} value={c}>
              {c}
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
      {notice && <Alert kind="success">{notice}</Alert>}
      {dashboard.error && <QueryError error={dashboard.error} />}
      {dashboard.isPending && <p>{t('common.loading')}</p>}
      {dashboard.data && (
        <>
          <h2>
            {t('analytics.kpis')} {exportLink('kpis')}
          </h2>
          <ul className="kpis">
            {dashboard.data.kpis.map((k) => {
              const good =
                k.delta === null || k.delta === 0 ? '' : k.delta > 0 === (k.better === 'up') ? 'up' : 'down';
              return (
                <li key={k.key} className={`kpi ${good}`} data-kpi={k.key}>
                  <span className="kpi-label">{t(`kpi.${k.key}` as MessageKey)}</span>
                  <strong className="kpi-value">{format(k.unit, k.value)}</strong>
                  <span className="kpi-previous">
                    {t('analytics.previous', { value: format(k.unit, k.previous) })}
                  </span>
                </li>
              );
            })}
          </ul>
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
          <table aria-label={t('analytics.searches')}>
            <thead>
              <tr>
                <th scope="col">{t('analytics.query')}</th>
                <th scope="col">{t('analytics.count')}</th>
                <th scope="col">{t('analytics.zero')}</th>
                <th scope="col">{t('analytics.abstained')}</th>
              </tr>
            </thead>
            <tbody>
              {reports.data.searches.map((s) => (
                <tr key={s.query}>
                  <td>{s.query}</td>
                  <td>{s.count}</td>
                  <td>{s.zeroResults}</td>
                  <td>{s.abstained}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>
            {t('analytics.articles')} {exportLink('articles')}
          </h2>
          <table aria-label={t('analytics.articles')}>
            <thead>
              <tr>
                <th scope="col">{t('analytics.article')}</th>
                <th scope="col">{t('analytics.views')}</th>
                <th scope="col">{t('analytics.helpful')}</th>
              </tr>
            </thead>
            <tbody>
              {reports.data.articles.map((a) => (
                <tr key={a.articleId}>
                  <td>{a.title ?? a.articleId}</td>
                  <td>{a.views}</td>
                  <td>{format('ratio', a.helpfulness)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>
            {t('analytics.pages')} {exportLink('pages')}
          </h2>
          <table aria-label={t('analytics.pages')}>
            <thead>
              <tr>
                <th scope="col">{t('analytics.page')}</th>
                <th scope="col">{t('analytics.escalations')}</th>
              </tr>
            </thead>
            <tbody>
              {reports.data.pages.map((p) => (
                <tr key={p.page}>
                  <td>{p.page}</td>
                  <td>{p.escalations}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>
            {t('analytics.flows')} {exportLink('flows')}
          </h2>
          <table aria-label={t('analytics.flows')}>
            <thead>
              <tr>
                <th scope="col">{t('analytics.step')}</th>
                <th scope="col">{t('analytics.reached')}</th>
                <th scope="col">{t('analytics.dropOff')}</th>
              </tr>
            </thead>
            <tbody>
              {reports.data.flows.flatMap((f) =>
                f.steps.map((s) => (
                  <tr key={`${f.flowId}/${s.stepId}`}>
                    <td>
                      {f.flowId} › {s.stepId}
                    </td>
                    <td>{s.reached}</td>
                    <td>{s.dropOff}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
      <h2>
        {t('analytics.gaps')} {exportLink('gaps')}
      </h2>
      {gaps.error && <QueryError error={gaps.error} />}
      {gaps.data && gaps.data.items.length === 0 && <p>{t('analytics.none')}</p>}
      {gaps.data && gaps.data.items.length > 0 && (
        <table aria-label={t('analytics.gaps')}>
          <thead>
            <tr>
              <th scope="col">{t('analytics.examples')}</th>
              <th scope="col">{t('analytics.volume')}</th>
              <th scope="col">{t('analytics.suggestion')}</th>
              {can('content:write') && <th scope="col">{t('common.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {gaps.data.items.map((g) => (
              <tr key={g.id}>
                <td>
                  {g.queries
                    .slice(0, 5)
                    .map((q) => q.query)
                    .join(' · ')}
                </td>
                <td>{g.volume}</td>
                <td>{g.suggestion ? g.suggestion.title : '—'}</td>
                {can('content:write') && (
                  <td>
                    {g.suggestion && (
                      <button type="button" onClick={() => addFormulations.mutate(g)}>
                        {t('analytics.addFormulations')}
                      </button>
                    )}{' '}
                    <button type="button" onClick={() => draft.mutate(g)}>
                      {t('analytics.draft')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
