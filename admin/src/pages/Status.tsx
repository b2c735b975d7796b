import { Badge, Button, Checkbox, Group, Tabs } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { del, get, patch, post, put } from '../api.ts';
import { type MessageKey, useI18n } from '../i18n.tsx';
import { DataTable } from '../table.tsx';
import {
  Alert,
  PageTitle,
  QueryError,
  Secret,
  SelectField,
  TextArea,
  TextField,
  useFormErrors,
  useNotify,
} from '../ui.tsx';

/** Status page management: components, incidents (with per-locale templates), maintenance, subscribers. */

type Localised = Record<string, string>;
const IMPACTS = ['degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
const INCIDENT_FLOW = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
const LOCALES = ['fr', 'en'] as const;

interface Component {
  id: string;
  names: Localised;
  keywords: Record<string, string[]>;
  status: string;
  position: number;
}
interface Incident {
  id: string;
  kind: 'incident' | 'maintenance';
  status: string;
  titles: Localised;
  postmortems: Localised;
  scheduledFor: string | null;
  scheduledUntil: string | null;
  startedAt: string | null;
  components: Array<{ componentId: string; impact: string }>;
  updates: Array<{ id: string; status: string; bodies: Localised; createdAt: string }>;
}
interface Template {
  id: string;
  name: string;
  status?: string;
  titles: Localised;
  bodies: Localised;
}
interface Subscriber {
  id: string;
  kind: 'email' | 'webhook';
  email: string | null;
  url: string | null;
  locale: string;
  confirmed: boolean;
  createdAt: string;
}

const COMPONENTS = ['status', 'components'] as const;
const INCIDENTS = ['status', 'incidents'] as const;
const SUBSCRIBERS = ['status', 'subscribers'] as const;

const name = (m: Localised, lang: string) => m[lang] ?? m.fr ?? m.en ?? Object.values(m)[0] ?? '';
const impactKey = (s: string) => `status.impact.${s}` as MessageKey;
const statusKey = (s: string) => `status.state.${s}` as MessageKey;
const compact = (m: Localised) => Object.fromEntries(Object.entries(m).filter(([, v]) => v.trim()));

export function Status() {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle title={t('status.title')}>{t('status.title')}</PageTitle>
      <p className="hint">
        <a href="/fr/status" target="_blank" rel="noreferrer">
          {t('status.publicPage')}
        </a>
      </p>
      <Tabs defaultValue="incidents" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="incidents">{t('status.tab.incidents')}</Tabs.Tab>
          <Tabs.Tab value="maintenance">{t('status.tab.maintenance')}</Tabs.Tab>
          <Tabs.Tab value="components">{t('status.tab.components')}</Tabs.Tab>
          <Tabs.Tab value="subscribers">{t('status.tab.subscribers')}</Tabs.Tab>
          <Tabs.Tab value="templates">{t('status.tab.templates')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="incidents">
          <Incidents kind="incident" />
        </Tabs.Panel>
        <Tabs.Panel value="maintenance">
          <Incidents kind="maintenance" />
        </Tabs.Panel>
        <Tabs.Panel value="components">
          <Components />
        </Tabs.Panel>
        <Tabs.Panel value="subscribers">
          <Subscribers />
        </Tabs.Panel>
        <Tabs.Panel value="templates">
          <Templates />
        </Tabs.Panel>
      </Tabs>
    </section>
  );
}

function useComponents() {
  return useQuery({
    queryKey: COMPONENTS,
    queryFn: () => get<{ components: Component[] }>('/status/components'),
  });
}

function Components() {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const list = useComponents();
  const errors = useFormErrors();
  const [names, setNames] = useState<Localised>({ fr: '', en: '' });
  const [keywords, setKeywords] = useState<Localised>({ fr: '', en: '' });
  const create = useMutation({
    mutationFn: () =>
      post('/status/components', {
        names: compact(names),
        keywords: Object.fromEntries(
          LOCALES.map((l) => [
            l,
            (keywords[l] ?? '')
              .split(',')
              .map((w) => w.trim())
              .filter(Boolean),
          ]),
        ),
      }),
    onSuccess: () => {
      setNames({ fr: '', en: '' });
      setKeywords({ fr: '', en: '' });
      notify.success(t('status.saved'));
      return qc.invalidateQueries({ queryKey: COMPONENTS });
    },
    onError: (err) => errors.take(err, ['names', 'keywords']),
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/status/components/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: COMPONENTS }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    create.mutate();
  };
  return (
    <>
      <section className="panel" aria-labelledby="new-component">
        <h2 id="new-component">{t('status.component.new')}</h2>
        <form onSubmit={submit} noValidate>
          {errors.general && <Alert>{errors.general}</Alert>}
          {LOCALES.map((l) => (
            <TextField
              key={`name-${l}`}
              label={t('status.component.name', { locale: l })}
              value={names[l] ?? ''}
              onChange={(e) => setNames({ ...names, [l]: e.target.value })}
              error={l === 'fr' ? errors.fields.names : undefined}
            />
          ))}
          {LOCALES.map((l) => (
            <TextField
              key={`kw-${l}`}
              label={t('status.component.keywords', { locale: l })}
              hint={t('status.component.keywordsHint')}
              value={keywords[l] ?? ''}
              onChange={(e) => setKeywords({ ...keywords, [l]: e.target.value })}
              error={l === 'fr' ? errors.fields.keywords : undefined}
            />
          ))}
          <Button type="submit" disabled={create.isPending}>
            {t('status.component.add')}
          </Button>
        </form>
      </section>
      {list.error && <QueryError error={list.error} />}
      {list.data && (
        <DataTable
          label={t('status.tab.components')}
          rows={list.data.components}
          rowKey={(c) => c.id}
          columns={[
            {
              key: 'name',
              header: t('status.component.nameCol'),
              rowHeader: true,
              render: (c) => name(c.names, lang),
            },
            {
              key: 'status',
              header: t('status.col.status'),
              render: (c) => <Badge variant="light">{t(impactKey(c.status))}</Badge>,
            },
            {
              key: 'keywords',
              header: t('status.component.keywordsCol'),
              hideOnPhone: true,
              render: (c) => (c.keywords[lang] ?? c.keywords.fr ?? []).join(', '),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              render: (c) => (
                <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(c.id)}>
                  {t('status.delete')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}

/** Impacts per component, chosen with a checkbox and a select. */
function ImpactPicker({
  value,
  onChange,
  maintenance,
}: {
  value: Record<string, string>;
  onChange: (v: Record<string, string>) => void;
  maintenance: boolean;
}) {
  const { t, lang } = useI18n();
  const list = useComponents();
  return (
    <fieldset className="panel">
      <legend>{t('status.affected')}</legend>
      {list.data?.components.map((c) => (
        <Group key={c.id} gap="sm" mb="xs" align="end">
          <Checkbox
            label={name(c.names, lang)}
            checked={c.id in value}
            onChange={() => {
              const next = { ...value };
              if (c.id in next) delete next[c.id];
              else next[c.id] = maintenance ? 'under_maintenance' : 'degraded_performance';
              onChange(next);
            }}
          />
          {c.id in value && !maintenance && (
            <SelectField
              label={t('status.impact')}
              value={value[c.id]}
              onChange={(e) => onChange({ ...value, [c.id]: e.target.value })}
            >
              {IMPACTS.filter((i) => i !== 'under_maintenance').map((i) => (
                <option key={i} value={i}>
                  {t(impactKey(i))}
                </option>
              ))}
            </SelectField>
          )}
        </Group>
      ))}
    </fieldset>
  );
}

function LocalisedFields({
  label,
  value,
  onChange,
  multiline,
  error,
}: {
  label: MessageKey;
  value: Localised;
  onChange: (v: Localised) => void;
  multiline?: boolean;
  error?: string | undefined;
}) {
  const { t } = useI18n();
  return (
    <>
      {LOCALES.map((l) =>
        multiline ? (
          <TextArea
            key={l}
            label={t(label, { locale: l })}
            value={value[l] ?? ''}
            rows={3}
            onChange={(e) => onChange({ ...value, [l]: e.target.value })}
            error={l === 'fr' ? error : undefined}
          />
        ) : (
          <TextField
            key={l}
            label={t(label, { locale: l })}
            value={value[l] ?? ''}
            onChange={(e) => onChange({ ...value, [l]: e.target.value })}
            error={l === 'fr' ? error : undefined}
          />
        ),
      )}
    </>
  );
}

const TEMPLATES = ['status', 'templates'] as const;
const useTemplates = () =>
  useQuery({ queryKey: TEMPLATES, queryFn: () => get<{ items: Template[] }>('/status/templates') });

function TemplatePicker({ onPick }: { onPick: (tpl: Template) => void }) {
  const { t } = useI18n();
  const templates = useTemplates();
  if (!templates.data?.items.length) return null;
  return (
    <SelectField
      label={t('status.template')}
      value=""
      onChange={(e) => {
        const tpl = templates.data.items.find((x) => x.id === e.target.value);
        if (tpl) onPick(tpl);
      }}
    >
      <option value="">{t('status.template.none')}</option>
      {templates.data.items.map((x) => (
        <option key={x.id} value={x.id}>
          {x.name}
        </option>
      ))}
    </SelectField>
  );
}

const toLocalInput = (d: Date) =>
  new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function Incidents({ kind }: { kind: 'incident' | 'maintenance' }) {
  const { t, lang, formatDate } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const errors = useFormErrors();
  const list = useQuery({
    queryKey: [...INCIDENTS, kind],
    queryFn: () => get<{ items: Incident[] }>(`/status/incidents?kind=${kind}`),
  });
  const [titles, setTitles] = useState<Localised>({ fr: '', en: '' });
  const [bodies, setBodies] = useState<Localised>({ fr: '', en: '' });
  const [impacts, setImpacts] = useState<Record<string, string>>({});
  const [from, setFrom] = useState(toLocalInput(new Date(Date.now() + 86_400_000)));
  const [until, setUntil] = useState(toLocalInput(new Date(Date.now() + 86_400_000 + 7_200_000)));
  const [selected, setSelected] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      post<Incident>('/status/incidents', {
        kind,
        titles: compact(titles),
        bodies: compact(bodies),
        components: Object.entries(impacts).map(([componentId, impact]) => ({ componentId, impact })),
        ...(kind === 'maintenance'
          ? { scheduledFor: new Date(from).toISOString(), scheduledUntil: new Date(until).toISOString() }
          : {}),
      }),
    onSuccess: (row) => {
      setTitles({ fr: '', en: '' });
      setBodies({ fr: '', en: '' });
      setImpacts({});
      setSelected(row.id);
      notify.success(t('status.saved'));
      return qc.invalidateQueries({ queryKey: INCIDENTS });
    },
    onError: (err) => errors.take(err, ['titles', 'bodies', 'components', 'scheduledFor', 'scheduledUntil']),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    create.mutate();
  };
  const current = list.data?.items.find((i) => i.id === selected);
  return (
    <>
      {current && <IncidentDetail incident={current} onClose={() => setSelected(null)} />}
      <section className="panel" aria-labelledby={`new-${kind}`}>
        <h2 id={`new-${kind}`}>
          {t(kind === 'incident' ? 'status.incident.new' : 'status.maintenance.new')}
        </h2>
        <form onSubmit={submit} noValidate>
          {errors.general && <Alert>{errors.general}</Alert>}
          {kind === 'incident' && (
            <TemplatePicker
              onPick={(tpl) => {
                setTitles({ ...titles, ...tpl.titles });
                setBodies({ ...bodies, ...tpl.bodies });
              }}
            />
          )}
          <LocalisedFields
            label="status.field.title"
            value={titles}
            onChange={setTitles}
            error={errors.fields.titles}
          />
          <LocalisedFields
            label="status.field.body"
            value={bodies}
            onChange={setBodies}
            multiline
            error={errors.fields.bodies}
          />
          {kind === 'maintenance' && (
            <Group grow>
              <TextField
                type="datetime-local"
                label={t('status.maintenance.from')}
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                error={errors.fields.scheduledFor}
              />
              <TextField
                type="datetime-local"
                label={t('status.maintenance.until')}
                value={until}
                onChange={(e) => setUntil(e.target.value)}
                error={errors.fields.scheduledUntil}
              />
            </Group>
          )}
          <ImpactPicker value={impacts} onChange={setImpacts} maintenance={kind === 'maintenance'} />
          <Button type="submit" disabled={create.isPending}>
            {t(kind === 'incident' ? 'status.incident.open' : 'status.maintenance.schedule')}
          </Button>
        </form>
      </section>
      {list.error && <QueryError error={list.error} />}
      {list.data && (
        <DataTable
          label={t(kind === 'incident' ? 'status.tab.incidents' : 'status.tab.maintenance')}
          rows={list.data.items}
          rowKey={(i) => i.id}
          empty={t('status.none')}
          columns={[
            {
              key: 'title',
              header: t('status.col.title'),
              rowHeader: true,
              render: (i) => (
                <Button variant="subtle" size="compact-sm" onClick={() => setSelected(i.id)}>
                  {name(i.titles, lang)}
                </Button>
              ),
            },
            {
              key: 'status',
              header: t('status.col.status'),
              render: (i) => <Badge variant="light">{t(statusKey(i.status))}</Badge>,
            },
            {
              key: 'when',
              header: t('status.col.when'),
              hideOnPhone: true,
              render: (i) => formatDate(i.scheduledFor ?? i.startedAt ?? i.updates.at(-1)?.createdAt ?? ''),
            },
          ]}
        />
      )}
    </>
  );
}

function IncidentDetail({ incident, onClose }: { incident: Incident; onClose: () => void }) {
  const { t, lang, formatDate } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const errors = useFormErrors();
  const flow =
    incident.kind === 'incident' ? INCIDENT_FLOW : (['scheduled', 'in_progress', 'completed'] as const);
  const [status, setStatus] = useState<string>(incident.status);
  const [bodies, setBodies] = useState<Localised>({ fr: '', en: '' });
  const [postmortems, setPostmortems] = useState<Localised>({ fr: '', en: '', ...incident.postmortems });
  const refresh = () => qc.invalidateQueries({ queryKey: INCIDENTS });
  const update = useMutation({
    mutationFn: () => post(`/status/incidents/${incident.id}/updates`, { status, bodies: compact(bodies) }),
    onSuccess: () => {
      setBodies({ fr: '', en: '' });
      notify.success(t('status.saved'));
      return refresh();
    },
    onError: (err) => errors.take(err, ['status', 'bodies']),
  });
  const note = useMutation({
    mutationFn: () => patch(`/status/incidents/${incident.id}`, { postmortems: compact(postmortems) }),
    onSuccess: () => {
      notify.success(t('status.saved'));
      return refresh();
    },
    onError: (err) => errors.take(err, ['postmortems']),
  });
  const closed = incident.status === 'resolved' || incident.status === 'completed';
  return (
    <section className="panel" aria-labelledby="incident-detail">
      <Group justify="space-between">
        <h2 id="incident-detail">{name(incident.titles, lang)}</h2>
        <Button variant="subtle" onClick={onClose}>
          {t('common.close')}
        </Button>
      </Group>
      <ol className="status-updates">
        {incident.updates.map((u) => (
          <li key={u.id}>
            <strong>{t(statusKey(u.status))}</strong> · {formatDate(u.createdAt)} — {name(u.bodies, lang)}
          </li>
        ))}
      </ol>
      {errors.general && <Alert>{errors.general}</Alert>}
      {!closed && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            errors.clear();
            update.mutate();
          }}
          noValidate
        >
          <h3>{t('status.update.new')}</h3>
          {incident.kind === 'incident' && (
            <TemplatePicker
              onPick={(tpl) => {
                if (tpl.status) setStatus(tpl.status);
                setBodies({ ...bodies, ...tpl.bodies });
              }}
            />
          )}
          <SelectField
            label={t('status.col.status')}
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            error={errors.fields.status}
          >
            {flow.map((s) => (
              <option key={s} value={s}>
                {t(statusKey(s))}
              </option>
            ))}
          </SelectField>
          <LocalisedFields
            label="status.field.body"
            value={bodies}
            onChange={setBodies}
            multiline
            error={errors.fields.bodies}
          />
          <Button type="submit" disabled={update.isPending}>
            {t('status.update.post')}
          </Button>
        </form>
      )}
      {incident.kind === 'incident' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            errors.clear();
            note.mutate();
          }}
          noValidate
        >
          <h3>{t('status.postmortem')}</h3>
          <LocalisedFields
            label="status.field.postmortem"
            value={postmortems}
            onChange={setPostmortems}
            multiline
            error={errors.fields.postmortems}
          />
          <Button type="submit" variant="light" disabled={note.isPending}>
            {t('common.save')}
          </Button>
        </form>
      )}
    </section>
  );
}

function Subscribers() {
  const { t, formatDate } = useI18n();
  const qc = useQueryClient();
  const errors = useFormErrors();
  const list = useQuery({
    queryKey: SUBSCRIBERS,
    queryFn: () => get<{ items: Subscriber[] }>('/status/subscribers'),
  });
  const [url, setUrl] = useState('');
  const [locale, setLocale] = useState('fr');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => post<Subscriber & { secret: string }>('/status/subscribers', { url, locale }),
    onSuccess: (row) => {
      setSecret(row.secret);
      setUrl('');
      return qc.invalidateQueries({ queryKey: SUBSCRIBERS });
    },
    onError: (err) => errors.take(err, ['url', 'locale']),
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/status/subscribers/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: SUBSCRIBERS }),
  });
  return (
    <>
      <section className="panel" aria-labelledby="new-webhook">
        <h2 id="new-webhook">{t('status.webhook.new')}</h2>
        {secret && (
          <Alert kind="success">
            <Secret label={t('status.webhook.secret')} value={secret} />
          </Alert>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            errors.clear();
            setSecret(null);
            create.mutate();
          }}
          noValidate
        >
          {errors.general && <Alert>{errors.general}</Alert>}
          <TextField
            label={t('status.webhook.url')}
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={errors.fields.url}
          />
          <SelectField
            label={t('status.webhook.locale')}
            value={locale}
            onChange={(e) => setLocale(e.target.value)}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </SelectField>
          <Button type="submit" disabled={create.isPending}>
            {t('status.webhook.add')}
          </Button>
        </form>
      </section>
      {list.error && <QueryError error={list.error} />}
      {list.data && (
        <DataTable
          label={t('status.tab.subscribers')}
          rows={list.data.items}
          rowKey={(s) => s.id}
          empty={t('status.none')}
          columns={[
            {
              key: 'who',
              header: t('status.subscriber.who'),
              rowHeader: true,
              render: (s) => s.email ?? s.url ?? '',
            },
            { key: 'kind', header: t('status.subscriber.kind'), render: (s) => s.kind },
            {
              key: 'confirmed',
              header: t('status.subscriber.confirmed'),
              render: (s) => (s.confirmed ? t('status.yes') : t('status.no')),
            },
            {
              key: 'created',
              header: t('status.col.when'),
              hideOnPhone: true,
              render: (s) => formatDate(s.createdAt),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              render: (s) => (
                <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(s.id)}>
                  {t('status.delete')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}

/** Per-locale templates offered when declaring an incident or posting an update. */
function Templates() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const errors = useFormErrors();
  const list = useTemplates();
  const [tplName, setTplName] = useState('');
  const [status, setStatus] = useState('');
  const [titles, setTitles] = useState<Localised>({ fr: '', en: '' });
  const [bodies, setBodies] = useState<Localised>({ fr: '', en: '' });
  const save = useMutation({
    mutationFn: (items: Template[]) => put<{ items: Template[] }>('/status/templates', { items }),
    onSuccess: (data) => {
      qc.setQueryData(TEMPLATES, data);
      notify.success(t('status.saved'));
    },
    onError: (err) => errors.take(err, ['items']),
  });
  const add = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    const id = `${
      tplName
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 30) || 'modele'
    }-${Date.now().toString(36).slice(-4)}`;
    const tpl: Template = {
      id,
      name: tplName,
      titles: compact(titles),
      bodies: compact(bodies),
      ...(status ? { status } : {}),
    };
    save.mutate([...(list.data?.items ?? []), tpl], {
      onSuccess: () => {
        setTplName('');
        setTitles({ fr: '', en: '' });
        setBodies({ fr: '', en: '' });
      },
    });
  };
  return (
    <>
      <section className="panel" aria-labelledby="new-template">
        <h2 id="new-template">{t('status.templates.new')}</h2>
        <form onSubmit={add} noValidate>
          {errors.general && <Alert>{errors.general}</Alert>}
          <TextField
            label={t('status.templates.name')}
            value={tplName}
            onChange={(e) => setTplName(e.target.value)}
          />
          <SelectField
            label={t('status.col.status')}
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            <option value="">—</option>
            {INCIDENT_FLOW.map((s) => (
              <option key={s} value={s}>
                {t(statusKey(s))}
              </option>
            ))}
          </SelectField>
          <LocalisedFields label="status.field.title" value={titles} onChange={setTitles} />
          <LocalisedFields label="status.field.body" value={bodies} onChange={setBodies} multiline />
          <Button type="submit" disabled={save.isPending || !tplName.trim()}>
            {t('status.templates.add')}
          </Button>
        </form>
      </section>
      {list.error && <QueryError error={list.error} />}
      {list.data && (
        <DataTable
          label={t('status.tab.templates')}
          rows={list.data.items}
          rowKey={(x) => x.id}
          empty={t('status.none')}
          columns={[
            { key: 'name', header: t('status.templates.name'), rowHeader: true, render: (x) => x.name },
            {
              key: 'status',
              header: t('status.col.status'),
              render: (x) => (x.status ? t(statusKey(x.status)) : '—'),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              render: (x) => (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => save.mutate((list.data?.items ?? []).filter((y) => y.id !== x.id))}
                >
                  {t('status.delete')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}

/** Ticket view control: the incidents this ticket is linked to, and linking it to an open one. */
export function TicketIncidents({ ticketId }: { ticketId: string }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const key = ['status', 'ticket', ticketId];
  const data = useQuery({
    queryKey: key,
    queryFn: () =>
      get<{
        linked: Array<{ id: string; title: Localised; status: string }>;
        open: Array<{ id: string; title: Localised; status: string }>;
      }>(`/status/tickets/${ticketId}/incidents`),
  });
  const [choice, setChoice] = useState('');
  const link = useMutation({
    mutationFn: (id: string) => post(`/status/incidents/${id}/tickets`, { ticketId }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const unlink = useMutation({
    mutationFn: (id: string) => del(`/status/incidents/${id}/tickets/${ticketId}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  if (!data.data) return null;
  const linkable = data.data.open.filter((o) => !data.data.linked.some((l) => l.id === o.id));
  return (
    <section className="panel" aria-labelledby="ticket-incidents">
      <h2 id="ticket-incidents">{t('status.ticket.title')}</h2>
      {data.data.linked.length === 0 && <p className="hint">{t('status.ticket.none')}</p>}
      <ul>
        {data.data.linked.map((i) => (
          <li key={i.id}>
            {name(i.title, lang)} ({t(statusKey(i.status))}){' '}
            <Button size="compact-xs" variant="subtle" onClick={() => unlink.mutate(i.id)}>
              {t('status.ticket.unlink')}
            </Button>
          </li>
        ))}
      </ul>
      {linkable.length > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (choice) link.mutate(choice);
          }}
        >
          <SelectField
            label={t('status.ticket.pick')}
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
          >
            <option value="">—</option>
            {linkable.map((i) => (
              <option key={i.id} value={i.id}>
                {name(i.title, lang)}
              </option>
            ))}
          </SelectField>
          <Button type="submit" size="xs" disabled={!choice || link.isPending}>
            {t('status.ticket.link')}
          </Button>
        </form>
      )}
      {(link.error || unlink.error) && <QueryError error={link.error ?? unlink.error} />}
    </section>
  );
}
