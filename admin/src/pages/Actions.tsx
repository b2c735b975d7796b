import { Badge, Button, Checkbox, Group } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { del, get, post, put } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { DataTable } from '../table.tsx';
import {
  Alert,
  PageTitle,
  QueryError,
  SelectField,
  TextArea,
  TextField,
  useFormErrors,
  useNotify,
} from '../ui.tsx';

type Localised = { fr: string; en: string };
const SEND_FIELDS = ['id', 'externalId', 'email', 'segments'] as const;
const TEXTS = ['name', 'description', 'confirmText', 'successText', 'failureText'] as const;

/** A self-service action as the staff API returns it (GET /api/v1/customer-actions). */
interface CustomerAction {
  id: string;
  key: string;
  name: Localised;
  description: Localised;
  confirmText: Localised;
  successText: Localised;
  failureText: Localised;
  connection: string;
  method: 'GET' | 'POST';
  path: string;
  sendFields: string[];
  inputs: unknown[];
  segments: string[];
  rateLimit: { max: number; windowMinutes: number };
  enabled: boolean;
  position: number;
}
interface Run {
  id: string;
  actionId: string;
  customerId: string | null;
  customer: string | null;
  channel: string;
  outcome: 'succeeded' | 'failed' | 'refused';
  reason: string | null;
  createdAt: string;
}

const OUTCOME_COLORS = { succeeded: 'green', failed: 'red', refused: 'gray' } as const;

/** Self-service actions: the list, then every run (who, which, how it went, when). */
export function Actions() {
  const { t, lang, formatDate } = useI18n();
  const list = useQuery({
    queryKey: ['customer-actions'],
    queryFn: () => get<{ items: CustomerAction[] }>('/customer-actions'),
  });
  const runs = useQuery({
    queryKey: ['customer-actions', 'runs'],
    queryFn: () => get<{ items: Run[]; total: number }>('/customer-actions/runs?limit=200'),
  });
  const names = new Map((list.data?.items ?? []).map((a) => [a.id, lang === 'fr' ? a.name.fr : a.name.en]));
  return (
    <section>
      <PageTitle title={t('actions.title')}>{t('actions.title')}</PageTitle>
      <p>{t('actions.intro')}</p>
      <p>
        <Link to="/settings/actions/new">{t('actions.new')}</Link>
      </p>
      {list.error && <QueryError error={list.error} />}
      {list.data?.items.length === 0 && <p>{t('actions.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <DataTable
          label={t('actions.title')}
          rows={list.data.items}
          rowKey={(a) => a.id}
          columns={[
            {
              key: 'name',
              header: t('actions.name'),
              rowHeader: true,
              sortValue: (a) => names.get(a.id) ?? a.key,
              render: (a) => <Link to={`/settings/actions/${a.id}`}>{names.get(a.id)}</Link>,
            },
            {
              key: 'segments',
              header: t('actions.segments'),
              hideOnPhone: true,
              render: (a) => a.segments.join(', ') || t('actions.everyone'),
            },
            {
              key: 'limit',
              header: t('actions.rateLimit'),
              hideOnPhone: true,
              render: (a) =>
                t('actions.rateValue', { max: a.rateLimit.max, minutes: a.rateLimit.windowMinutes }),
            },
            {
              key: 'enabled',
              header: t('actions.enabled'),
              render: (a) => (a.enabled ? t('actions.on') : t('actions.off')),
            },
          ]}
        />
      )}
      <section className="panel" aria-labelledby="runs-title">
        <h2 id="runs-title">{t('actions.runs')}</h2>
        {runs.error && <QueryError error={runs.error} />}
        {runs.data?.items.length === 0 && <p>{t('actions.noRuns')}</p>}
        {runs.data && runs.data.items.length > 0 && (
          <DataTable
            label={t('actions.runs')}
            rows={runs.data.items}
            rowKey={(r) => r.id}
            filterable
            columns={[
              {
                key: 'when',
                header: t('actions.when'),
                rowHeader: true,
                sortValue: (r) => r.createdAt,
                render: (r) => formatDate(r.createdAt),
              },
              {
                key: 'action',
                header: t('actions.name'),
                filterValue: (r) => names.get(r.actionId) ?? '',
                render: (r) => names.get(r.actionId) ?? '—',
              },
              {
                key: 'customer',
                header: t('actions.customer'),
                filterValue: (r) => r.customer ?? '',
                render: (r) =>
                  r.customerId ? (
                    <Link to={`/customers/${r.customerId}`}>{r.customer}</Link>
                  ) : (
                    t('actions.deleted')
                  ),
              },
              {
                key: 'outcome',
                header: t('actions.outcome'),
                filterValue: (r) => r.outcome,
                render: (r) => (
                  <Badge color={OUTCOME_COLORS[r.outcome]} variant="light">
                    {t(`actions.outcome.${r.outcome}`)}
                    {r.reason ? ` · ${r.reason}` : ''}
                  </Badge>
                ),
              },
              { key: 'channel', header: t('actions.channel'), hideOnPhone: true, render: (r) => r.channel },
            ]}
          />
        )}
      </section>
    </section>
  );
}

const KNOWN = [
  'key',
  ...TEXTS.flatMap((k) => [`${k}.fr`, `${k}.en`]),
  'connection',
  'method',
  'path',
  'sendFields',
  'inputs',
  'segments',
  'rateLimit',
  'enabled',
];

const EMPTY = {
  key: '',
  ...Object.fromEntries(
    TEXTS.flatMap((k) => [
      [`${k}.fr`, ''],
      [`${k}.en`, ''],
    ]),
  ),
  connection: '',
  method: 'POST',
  path: '/',
  segments: '',
  inputs: '[]',
  max: '3',
  windowMinutes: '60',
} as Record<string, string>;

/** Create or edit an action: texts in French and English, the call, identity fields, inputs, limits. */
export function ActionEditor() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const navigate = useNavigate();
  const errors = useFormErrors();
  const connections = useQuery({
    queryKey: ['flow-connections'],
    queryFn: () => get<{ items: Array<{ name: string; baseUrl: string }> }>('/flow-connections'),
  });
  const existing = useQuery({
    queryKey: ['customer-actions', id],
    queryFn: () => get<CustomerAction>(`/customer-actions/${id}`),
    enabled: !isNew,
  });
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [fields, setFields] = useState<string[] | null>(null);
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const a = existing.data;
  const loaded: Record<string, string> = a
    ? {
        key: a.key,
        ...Object.fromEntries(
          TEXTS.flatMap((k) => [
            [`${k}.fr`, a[k].fr],
            [`${k}.en`, a[k].en],
          ]),
        ),
        connection: a.connection,
        method: a.method,
        path: a.path,
        segments: a.segments.join(', '),
        inputs: JSON.stringify(a.inputs, null, 2),
        max: String(a.rateLimit.max),
        windowMinutes: String(a.rateLimit.windowMinutes),
      }
    : EMPTY;
  const value = (k: string) => edits[k] ?? loaded[k] ?? '';
  const sendFields = fields ?? a?.sendFields ?? [];
  const set = (k: string) => (e: { target: { value: string } }) =>
    setEdits((f) => ({ ...f, [k]: e.target.value }));

  const save = useMutation({
    mutationFn: async () => {
      let inputs: unknown;
      try {
        inputs = JSON.parse(value('inputs') || '[]');
      } catch {
        throw new Error(t('actions.inputsInvalid'));
      }
      const body = {
        key: value('key').trim(),
        ...Object.fromEntries(TEXTS.map((k) => [k, { fr: value(`${k}.fr`), en: value(`${k}.en`) }])),
        connection: value('connection'),
        method: value('method'),
        path: value('path').trim(),
        sendFields,
        inputs,
        segments: value('segments')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        rateLimit: { max: Number(value('max')), windowMinutes: Number(value('windowMinutes')) },
        enabled: enabled ?? a?.enabled ?? true,
        position: a?.position ?? 0,
      };
      return isNew
        ? post<CustomerAction>('/customer-actions', body)
        : put<CustomerAction>(`/customer-actions/${id}`, body);
    },
    onSuccess: async (saved) => {
      await qc.invalidateQueries({ queryKey: ['customer-actions'] });
      notify.success(t('actions.saved'));
      setEdits({});
      if (isNew) navigate(`/settings/actions/${saved.id}`);
    },
    onError: (err) => errors.take(err, KNOWN),
  });
  const remove = useMutation({
    mutationFn: () => del(`/customer-actions/${id}`),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['customer-actions'] });
      notify.success(t('actions.removed'));
      navigate('/settings/actions');
    },
  });

  if (!isNew && existing.isPending) return <p>{t('common.loading')}</p>;
  if (existing.error) return <QueryError error={existing.error} />;
  const title = isNew ? t('actions.new') : ((lang === 'fr' ? a?.name.fr : a?.name.en) ?? '');
  const localised = (k: (typeof TEXTS)[number], long = false) =>
    (['fr', 'en'] as const).map((l) => {
      const props = {
        label: t(`actions.${k}.${l}`),
        name: `${k}.${l}`,
        lang: l,
        value: value(`${k}.${l}`),
        onChange: set(`${k}.${l}`),
        error: errors.fields[`${k}.${l}`],
      };
      return long ? (
        <TextArea key={props.name} {...props} rows={2} />
      ) : (
        <TextField key={props.name} {...props} />
      );
    });
  return (
    <section>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        <Link to="/settings/actions">{t('actions.back')}</Link>
      </p>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          errors.clear();
          save.mutate();
        }}
        noValidate
      >
        {errors.general && <Alert>{errors.general}</Alert>}
        <TextField
          label={t('actions.key')}
          hint={t('actions.keyHint')}
          name="key"
          value={value('key')}
          onChange={set('key')}
          error={errors.fields.key}
        />
        {localised('name')}
        {localised('description', true)}
        {localised('confirmText', true)}
        {localised('successText', true)}
        {localised('failureText', true)}
        <SelectField
          label={t('actions.connection')}
          hint={t('actions.connectionHint')}
          name="connection"
          value={value('connection')}
          onChange={set('connection')}
          error={errors.fields.connection}
        >
          <option value="">—</option>
          {(connections.data?.items ?? []).map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.baseUrl})
            </option>
          ))}
        </SelectField>
        <Group align="flex-start">
          <SelectField
            label={t('actions.method')}
            name="method"
            value={value('method')}
            onChange={set('method')}
          >
            <option value="POST">POST</option>
            <option value="GET">GET</option>
          </SelectField>
          <TextField
            label={t('actions.path')}
            hint={t('actions.pathHint')}
            name="path"
            value={value('path')}
            onChange={set('path')}
            error={errors.fields.path}
          />
        </Group>
        <Checkbox.Group
          label={t('actions.sendFields')}
          description={t('actions.sendFieldsHint')}
          value={sendFields}
          onChange={setFields}
          error={errors.fields.sendFields}
          mb="sm"
        >
          <Group mt="xs">
            {SEND_FIELDS.map((f) => (
              <Checkbox key={f} value={f} label={t(`actions.field.${f}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <TextArea
          label={t('actions.inputs')}
          hint={t('actions.inputsHint')}
          name="inputs"
          rows={4}
          value={value('inputs')}
          onChange={set('inputs')}
          error={errors.fields.inputs}
        />
        <TextField
          label={t('actions.segments')}
          hint={t('actions.segmentsHint')}
          name="segments"
          value={value('segments')}
          onChange={set('segments')}
          error={errors.fields.segments}
        />
        <Group align="flex-start">
          <TextField
            label={t('actions.rateMax')}
            name="max"
            type="number"
            min={1}
            value={value('max')}
            onChange={set('max')}
            error={errors.fields.rateLimit}
          />
          <TextField
            label={t('actions.rateWindow')}
            name="windowMinutes"
            type="number"
            min={1}
            value={value('windowMinutes')}
            onChange={set('windowMinutes')}
          />
        </Group>
        <Checkbox
          mb="sm"
          label={t('actions.enabledLabel')}
          checked={enabled ?? a?.enabled ?? true}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        <Group>
          <Button type="submit" disabled={save.isPending}>
            {t('actions.save')}
          </Button>
          {!isNew && (
            <Button type="button" color="red" variant="light" onClick={() => remove.mutate()}>
              {t('actions.remove')}
            </Button>
          )}
        </Group>
      </form>
    </section>
  );
}
