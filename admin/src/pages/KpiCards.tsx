import { Badge, Card, Group, SimpleGrid, Text } from '@mantine/core';
import { type MessageKey, useI18n } from '../i18n.tsx';

export interface Kpi {
  key: string;
  unit: 'count' | 'ratio' | 'seconds' | 'money' | 'score';
  better: 'up' | 'down';
  value: number | null;
  previous: number | null;
  delta: number | null;
}
export interface Dashboard {
  range: { from: string; to: string };
  currency: string;
  kpis: Kpi[];
  series: { days: string[]; values: Record<string, Array<number | null>> };
}

/** Formats a KPI value for the interface's language (percent, currency, minutes, number). */
export function useKpiFormat(currency: string) {
  const { lang } = useI18n();
  return (unit: Kpi['unit'], v: number | null) => {
    if (v === null) return '—';
    if (unit === 'ratio')
      return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(v);
    if (unit === 'money') return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(v);
    if (unit === 'seconds')
      return new Intl.NumberFormat(lang, { style: 'unit', unit: 'minute', maximumFractionDigits: 1 }).format(
        v / 60,
      );
    return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(v);
  };
}

/** KPI cards: value, previous period and a trend badge coloured by whether the change is good. */
export function KpiCards({ dashboard, only }: { dashboard: Dashboard; only?: readonly string[] }) {
  const { t, lang } = useI18n();
  const format = useKpiFormat(dashboard.currency);
  const kpis = only ? dashboard.kpis.filter((k) => only.includes(k.key)) : dashboard.kpis;
  const pct = new Intl.NumberFormat(lang, {
    style: 'percent',
    maximumFractionDigits: 0,
    signDisplay: 'always',
  });
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 4 }} spacing="sm" component="ul" className="plain-list">
      {kpis.map((k) => {
        const trend =
          k.delta === null || k.delta === 0 ? 'flat' : k.delta > 0 === (k.better === 'up') ? 'up' : 'down';
        const change =
          k.delta === null || k.previous === null || k.previous === 0 ? null : k.delta / Math.abs(k.previous);
        return (
          <Card
            component="li"
            key={k.key}
            withBorder
            padding="sm"
            className={`kpi ${trend}`}
            data-kpi={k.key}
          >
            <Text size="sm" c="dimmed" className="kpi-label">
              {t(`kpi.${k.key}` as MessageKey)}
            </Text>
            <Group justify="space-between" align="baseline" gap="xs">
              <Text fw={700} size="xl" className="kpi-value">
                {format(k.unit, k.value)}
              </Text>
              {change !== null && (
                <Badge
                  variant="light"
                  color={trend === 'up' ? 'green' : trend === 'down' ? 'red' : 'gray'}
                  aria-label={t(`trend.${trend}`, { change: pct.format(change) })}
                >
                  {pct.format(change)}
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed" className="kpi-previous">
              {t('analytics.previous', { value: format(k.unit, k.previous) })}
            </Text>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
