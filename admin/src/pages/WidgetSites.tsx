import { Button, Checkbox, Fieldset, Group, Table, Tabs, TagsInput } from '@mantine/core';
import './flows.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, get, patch, put, type WidgetSite } from '../api.ts';
import { numberOrEmpty, type Row, str, withOptional } from '../form-values.ts';
import { type Translate, useI18n } from '../i18n.tsx';
import { ArticlesPicker } from '../pickers.tsx';
import {
  Alert,
  PageTitle,
  ProblemDetails,
  QueryError,
  SelectField,
  TextArea,
  TextField,
  useNotify,
} from '../ui.tsx';

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

const RULE_ID = /^[a-z0-9_-]{1,40}$/;
const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

function newRule(rules: Row[], t: Translate): Row {
  let n = rules.length + 1;
  while (rules.some((r) => r.id === `rule-${n}`)) n++;
  return {
    id: `rule-${n}`,
    name: t('rules.newName', { n }),
    enabled: true,
    when: {},
    show: 'suggest',
    articleIds: [],
  };
}

/** The site's contextual-help rules as forms (conditions, what is shown, articles picked by title); JSON as an advanced view. */
function RulesForm({ site }: { site: WidgetSite }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [rules, setRules] = useState<Row[]>(() => site.rules as Row[]);
  const [text, setText] = useState(() => JSON.stringify(site.rules, null, 2));
  const [localError, setLocalError] = useState<string | null>(null);
  const [tab, setTab] = useState<string | null>('form');
  const fromForm = (list: Row[]) => {
    setRules(list);
    setText(JSON.stringify(list, null, 2));
    setLocalError(null);
  };
  const fromJson = (value: string) => {
    setText(value);
    const parsed = parseJson(value);
    if (!parsed.ok) setLocalError(t('flows.badJson', { detail: parsed.error }));
    else if (!Array.isArray(parsed.value)) setLocalError(t('rules.notArray'));
    else {
      setLocalError(null);
      setRules(parsed.value as Row[]);
    }
  };
  const save = useMutation({
    mutationFn: (items: unknown) => put<{ items: unknown[] }>(`/widget/sites/${site.key}/rules`, { items }),
    onSuccess: (saved) => {
      fromForm(saved.items as Row[]);
      void qc.invalidateQueries({ queryKey: SITES });
      void qc.invalidateQueries({ queryKey: ['widget-site', site.key] });
    },
  });
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.reset();
    if (!localError) save.mutate(rules);
  };
  return (
    <section className="panel" aria-labelledby="rules-title">
      <h2 id="rules-title">{t('rules.title')}</h2>
      <form onSubmit={submit} noValidate>
        <Tabs value={tab} onChange={setTab} keepMounted={false} mb="sm">
          <Tabs.List>
            <Tabs.Tab value="form">{t('rules.formTab')}</Tabs.Tab>
            <Tabs.Tab value="json">{t('flowBuilder.jsonTab')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="form" pt="sm">
            {rules.length === 0 && <p>{t('rules.none')}</p>}
            <ol className="rule-list">
              {rules.map((rule, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place, by position
                <li key={i} className="rule-item">
                  <RuleFields
                    rule={rule}
                    n={i + 1}
                    errors={Object.fromEntries(
                      Object.entries(fieldErrors)
                        .filter(([f]) => f.startsWith(`items.${i}.`))
                        .map(([f, m]) => [f.slice(`items.${i}.`.length), m]),
                    )}
                    onChange={(r) => fromForm(rules.map((x, j) => (j === i ? r : x)))}
                    onRemove={() => fromForm(rules.filter((_, j) => j !== i))}
                  />
                </li>
              ))}
            </ol>
            <Button
              variant="default"
              type="button"
              mb="sm"
              onClick={() => fromForm([...rules, newRule(rules, t)])}
            >
              {t('rules.add')}
            </Button>
          </Tabs.Panel>
          <Tabs.Panel value="json" pt="sm">
            <TextArea
              label={t('widget.rules')}
              name="rules"
              className="code"
              spellCheck={false}
              value={text}
              onChange={(e) => fromJson(e.target.value)}
              hint={t('widget.rulesHint')}
              error={localError ?? undefined}
            />
          </Tabs.Panel>
        </Tabs>
        <Button type="submit" disabled={save.isPending}>
          {t('widget.saveRules')}
        </Button>
        <div aria-live="polite">
          {localError && tab !== 'json' && <Alert>{localError}</Alert>}
          {save.error && <ProblemDetails error={save.error} />}
          {save.data && (
            <Alert kind="success">{t('widget.rulesSaved', { count: save.data.items.length })}</Alert>
          )}
        </div>
      </form>
    </section>
  );
}

/** One rule: name and id, when it applies, what it shows (articles by title, the nudge's text), how often. */
function RuleFields({
  rule,
  n,
  errors,
  onChange,
  onRemove,
}: {
  rule: Row;
  n: number;
  errors: Record<string, string>;
  onChange: (rule: Row) => void;
  onRemove: () => void;
}) {
  const { t, languageName } = useI18n();
  const when = rule.when && typeof rule.when === 'object' ? (rule.when as Row) : {};
  const message =
    rule.message && typeof rule.message === 'object' ? (rule.message as Record<string, string>) : {};
  const set = (field: string, value: unknown) => onChange(withOptional(rule, field, value));
  const setWhen = (field: string, value: unknown) =>
    onChange({ ...rule, when: withOptional(when, field, value) });
  const setMessage = (locale: string, value: string) => {
    const next = withOptional(message, locale, value);
    set('message', Object.keys(next).length ? next : '');
  };
  const idError = str(rule.id) && !RULE_ID.test(str(rule.id)) ? t('rules.badId') : errors.id;
  const err = (field: string) => errors[field];
  const name = str(rule.name) || t('rules.ruleN', { n });
  return (
    <Fieldset legend={t('rules.ruleN', { n })}>
      <Group grow gap="sm" align="start">
        <TextField
          label={t('rules.name')}
          value={str(rule.name)}
          onChange={(e) => set('name', e.target.value)}
          error={err('name')}
        />
        <TextField
          label={t('rules.id')}
          value={str(rule.id)}
          onChange={(e) => set('id', e.target.value)}
          hint={t('rules.idHint')}
          error={idError}
        />
      </Group>
      <Checkbox
        label={t('rules.enabled')}
        checked={rule.enabled !== false}
        onChange={(e) => onChange({ ...rule, enabled: e.currentTarget.checked })}
        mb="sm"
      />
      <Fieldset legend={t('rules.when')} mb="sm" variant="filled">
        <TextField
          label={t('rules.urlPattern')}
          value={str(when.urlPattern)}
          hint={t('rules.urlPatternHint')}
          onChange={(e) => setWhen('urlPattern', e.target.value)}
          error={err('when.urlPattern')}
        />
        <TagsInput
          label={t('rules.pageTags')}
          description={t('rules.pageTagsHint')}
          value={strings(when.pageTags)}
          onChange={(v) => setWhen('pageTags', v)}
          error={err('when.pageTags')}
          classNames={{ error: 'field-error', description: 'hint' }}
          mb="sm"
        />
        <TagsInput
          label={t('rules.segments')}
          description={t('rules.segmentsHint')}
          value={strings(when.segments)}
          onChange={(v) => setWhen('segments', v)}
          error={err('when.segments')}
          classNames={{ error: 'field-error', description: 'hint' }}
          mb="sm"
        />
        <TextField
          label={t('rules.event')}
          value={str(when.event)}
          hint={t('rules.eventHint')}
          onChange={(e) => setWhen('event', e.target.value)}
          error={err('when.event')}
        />
        <Group grow gap="sm" align="start">
          <TextField
            label={t('rules.minSeconds')}
            type="number"
            min={0}
            value={str(when.minSecondsOnPage)}
            onChange={(e) => setWhen('minSecondsOnPage', numberOrEmpty(e.target.value))}
            error={err('when.minSecondsOnPage')}
          />
          <TextField
            label={t('rules.minVisits')}
            type="number"
            min={1}
            value={str(when.minVisits)}
            onChange={(e) => setWhen('minVisits', numberOrEmpty(e.target.value))}
            error={err('when.minVisits')}
          />
        </Group>
      </Fieldset>
      <SelectField
        label={t('rules.show')}
        value={str(rule.show) || 'suggest'}
        onChange={(e) => set('show', e.target.value)}
        error={err('show')}
      >
        <option value="suggest">{t('rules.show.suggest')}</option>
        <option value="nudge">{t('rules.show.nudge')}</option>
      </SelectField>
      <ArticlesPicker
        label={t('rules.articles')}
        hint={t('rules.articlesHint')}
        value={strings(rule.articleIds)}
        onChange={(ids) => onChange({ ...rule, articleIds: ids })}
        max={5}
        error={err('articleIds')}
      />
      {rule.show === 'nudge' &&
        [...new Set(['fr', 'en', ...Object.keys(message)])].map((locale) => (
          <TextField
            key={locale}
            label={t('rules.message', { language: languageName(locale) })}
            value={message[locale] ?? ''}
            hint={t('rules.messageHint')}
            onChange={(e) => setMessage(locale, e.target.value)}
            error={err(`message.${locale}`)}
          />
        ))}
      <Group grow gap="sm" align="start">
        <TextField
          label={t('rules.cooldown')}
          type="number"
          min={0}
          value={str(rule.cooldownHours)}
          hint={t('rules.cooldownHint')}
          onChange={(e) => set('cooldownHours', numberOrEmpty(e.target.value))}
          error={err('cooldownHours')}
        />
        <TextField
          label={t('rules.priority')}
          type="number"
          min={0}
          max={100}
          value={str(rule.priority)}
          hint={t('rules.priorityHint')}
          onChange={(e) => set('priority', numberOrEmpty(e.target.value))}
          error={err('priority')}
        />
      </Group>
      <Button variant="subtle" color="red" type="button" onClick={onRemove}>
        {t('rules.remove', { name })}
      </Button>
    </Fieldset>
  );
}
