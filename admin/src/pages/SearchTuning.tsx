import { Button } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiError, get, put } from '../api.ts';
import { useLocales } from '../content.ts';
import { useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import {
  errorsByRule,
  highlightPieces,
  keyed,
  type SearchHighlight,
  type SearchResponse,
  type SynonymRule,
  splitTerms,
} from '../tuning.ts';
import { Alert, PageTitle, QueryError, SelectField, TextField } from '../ui.tsx';
import './tuning.css';

/** Search tuning (issue #6): synonyms per locale, and a playground that shows why answers rank. */
export function SearchTuning() {
  const { t, lang } = useI18n();
  const locales = useLocales();
  const [locale, setLocale] = useState<string | undefined>();
  const list = locales.data ?? [];
  const current = locale ?? (list.includes(lang) ? lang : list[0]);
  const title = t('tuning.title');
  return (
    <section className="tuning">
      <PageTitle title={title}>{title}</PageTitle>
      <p>{t('tuning.intro')}</p>
      {locales.error && <QueryError error={locales.error} />}
      {current && (
        <>
          <SelectField
            label={t('tuning.locale')}
            value={current}
            onChange={(e) => setLocale(e.target.value)}
            hint={t('tuning.localeHint')}
          >
            {list.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </SelectField>
          <Synonyms locale={current} />
          <Playground locale={current} locales={list} />
        </>
      )}
    </section>
  );
}

interface DraftRule {
  key: number;
  terms: string;
  oneWay: boolean;
}

let nextKey = 1;
const toDraft = (r: SynonymRule): DraftRule => ({
  key: nextKey++,
  terms: r.terms.join(', '),
  oneWay: !!r.oneWay,
});

function Synonyms({ locale }: { locale: string }) {
  const { t } = useI18n();
  const rules = useQuery({
    queryKey: ['synonyms', locale],
    queryFn: () => get<{ items: SynonymRule[] }>(`/synonyms?locale=${encodeURIComponent(locale)}`),
    select: (d) => d.items,
  });
  return (
    <section className="panel" aria-labelledby="synonyms-title">
      <h2 id="synonyms-title">{t('tuning.synonyms', { locale })}</h2>
      <p>{t('tuning.synonymsIntro')}</p>
      <ul className="synonym-kinds">
        <li>{t('tuning.oneWayExample')}</li>
        <li>{t('tuning.twoWayExample')}</li>
      </ul>
      {rules.isPending && <p className="loading">{t('common.loading')}</p>}
      {rules.error && <QueryError error={rules.error} />}
      {/* Keyed by locale: switching locale starts from that locale's saved rules. */}
      {rules.data && <SynonymEditor key={locale} locale={locale} saved={rules.data} />}
    </section>
  );
}

function SynonymEditor({ locale, saved }: { locale: string; saved: SynonymRule[] }) {
  const { t } = useI18n();
  const can = useCan();
  const editable = can('content:write');
  const qc = useQueryClient();
  const [draft, setDraft] = useState<DraftRule[]>(() => saved.map(toDraft));
  const [errors, setErrors] = useState<{ byRule: Map<number, string>; other: string[] }>({
    byRule: new Map(),
    other: [],
  });
  const [done, setDone] = useState<number | undefined>();
  const focusKey = useRef<number | undefined>(undefined);
  const save = useMutation({
    mutationFn: (body: { rules: Array<{ terms: string[]; oneWay?: boolean }> }) =>
      put<{ items: SynonymRule[] }>(`/synonyms/${encodeURIComponent(locale)}`, body),
    onSuccess: (res) => {
      qc.setQueryData(['synonyms', locale], res);
      setErrors({ byRule: new Map(), other: [] });
      setDone(res.items.length);
    },
    onError: (err) => {
      setDone(undefined);
      if (err instanceof ApiError) {
        const grouped = errorsByRule(err.fieldErrors());
        setErrors(
          grouped.byRule.size || grouped.other.length ? grouped : { byRule: new Map(), other: [err.message] },
        );
      } else setErrors({ byRule: new Map(), other: [err instanceof Error ? err.message : String(err)] });
    },
  });

  useEffect(() => {
    if (focusKey.current === undefined) return;
    document.querySelector<HTMLInputElement>(`input[data-rule="${focusKey.current}"]`)?.focus();
    focusKey.current = undefined;
  });

  const update = (key: number, change: Partial<DraftRule>) => {
    setDone(undefined);
    setDraft((d) => d.map((r) => (r.key === key ? { ...r, ...change } : r)));
  };
  const add = () => {
    const rule = { key: nextKey++, terms: '', oneWay: false };
    focusKey.current = rule.key;
    setDone(undefined);
    setDraft((d) => [...d, rule]);
  };
  const remove = (key: number) => {
    setDone(undefined);
    setErrors({ byRule: new Map(), other: [] });
    setDraft((d) => d.filter((r) => r.key !== key));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      rules: draft.map((r) => ({ terms: splitTerms(r.terms), ...(r.oneWay ? { oneWay: true } : {}) })),
    });
  };

  return (
    <form onSubmit={submit} className="synonyms" noValidate>
      {draft.length === 0 && <p>{t('tuning.noRules')}</p>}
      <ol className="rules">
        {draft.map((r, i) => (
          <RuleRow
            key={r.key}
            rule={r}
            index={i}
            editable={editable}
            error={errors.byRule.get(i)}
            onChange={(change) => update(r.key, change)}
            onRemove={() => remove(r.key)}
          />
        ))}
      </ol>
      <div aria-live="polite">
        {errors.other.map((m) => (
          <Alert key={m}>{m}</Alert>
        ))}
        {errors.byRule.size > 0 && <Alert>{t('tuning.fixRules')}</Alert>}
        {done !== undefined && <Alert kind="success">{t('tuning.saved', { count: done })}</Alert>}
      </div>
      {editable ? (
        <div className="actions">
          <Button variant="default" type="button" onClick={add}>
            {t('tuning.addRule')}
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {t('tuning.saveSynonyms', { locale })}
          </Button>
        </div>
      ) : (
        <p className="hint">{t('tuning.readOnly')}</p>
      )}
    </form>
  );
}

function RuleRow({
  rule,
  index,
  editable,
  error,
  onChange,
  onRemove,
}: {
  rule: DraftRule;
  index: number;
  editable: boolean;
  error: string | undefined;
  onChange: (change: Partial<DraftRule>) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const n = index + 1;
  const terms = splitTerms(rule.terms);
  const checkId = useId();
  return (
    <li>
      <fieldset className="rule">
        <legend>{t('tuning.rule', { n })}</legend>
        <TextField
          data-rule={rule.key}
          label={t('tuning.terms')}
          hint={t('tuning.termsHint')}
          error={error}
          value={rule.terms}
          disabled={!editable}
          onChange={(e) => onChange({ terms: e.target.value })}
          className="wide"
        />
        <div className="check">
          <input
            id={checkId}
            type="checkbox"
            checked={rule.oneWay}
            disabled={!editable}
            onChange={(e) => onChange({ oneWay: e.target.checked })}
          />
          <label htmlFor={checkId}>{t('tuning.oneWay')}</label>
        </div>
        {terms.length > 0 && (
          <p className="chips">
            <span className="visually-hidden">{t('tuning.preview')} </span>
            {rule.oneWay ? (
              <>
                <span className="chip">{terms[0]}</span>
                {terms.length > 1 && <span aria-hidden="true"> → </span>}
                {terms.length > 1 && <span className="visually-hidden">{t('tuning.rewrittenTo')}</span>}
                {keyed(terms.slice(1)).map(({ key, item }) => (
                  <span key={key} className="chip">
                    {item}
                  </span>
                ))}
              </>
            ) : (
              keyed(terms).map(({ key, item }, i) => (
                <span key={key}>
                  {i > 0 && <span aria-hidden="true"> ↔ </span>}
                  <span className="chip">{item}</span>
                </span>
              ))
            )}
          </p>
        )}
        {editable && (
          <Button type="button" color="red" variant="light" onClick={onRemove}>
            {t('tuning.removeRule', { n })}
          </Button>
        )}
      </fieldset>
    </li>
  );
}

function Playground({ locale, locales }: { locale: string; locales: string[] }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [searchLocale, setSearchLocale] = useState<string>('same');
  const [audience, setAudience] = useState<'public' | 'internal'>('internal');
  const [segments, setSegments] = useState('');
  const search = useMutation({
    mutationFn: (params: URLSearchParams) => get<SearchResponse>(`/search?${params}`),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    const params = new URLSearchParams({ q: q.trim(), limit: '10', audience });
    const l = searchLocale === 'same' ? locale : searchLocale;
    if (l !== 'auto') params.set('locale', l);
    const segs = splitTerms(segments).join(',');
    if (segs) params.set('segments', segs);
    search.mutate(params);
  };
  const pct = (c: number) => `${Math.round(c * 100)} %`;
  const r = search.data;
  return (
    <section className="panel" aria-labelledby="playground-title">
      <h2 id="playground-title">{t('tuning.playground')}</h2>
      <p>{t('tuning.playgroundIntro')}</p>
      <form onSubmit={submit} className="playground-form">
        <TextField
          label={t('tuning.query')}
          name="q"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="wide"
        />
        <SelectField
          label={t('tuning.searchLocale')}
          value={searchLocale}
          onChange={(e) => setSearchLocale(e.target.value)}
        >
          <option value="same">{t('tuning.sameLocale', { locale })}</option>
          <option value="auto">{t('tuning.autoLocale')}</option>
          {locales.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('tuning.audience')}
          value={audience}
          onChange={(e) => setAudience(e.target.value as 'public' | 'internal')}
        >
          <option value="public">{t('tuning.audience.public')}</option>
          <option value="internal">{t('tuning.audience.internal')}</option>
        </SelectField>
        <TextField
          label={t('tuning.segments')}
          hint={t('tuning.segmentsHint')}
          value={segments}
          onChange={(e) => setSegments(e.target.value)}
        />
        <Button type="submit" disabled={search.isPending}>
          {t('tuning.search')}
        </Button>
      </form>
      <div aria-live="polite" className="playground-results">
        {search.error && <QueryError error={search.error} />}
        {r && (
          <>
            <p>
              {t('tuning.analysed')}{' '}
              {r.terms.length === 0
                ? t('tuning.noTerms')
                : keyed(r.terms).map(({ key, item }) => (
                    <span key={key} className="chip">
                      {item}
                    </span>
                  ))}
            </p>
            <p className={r.abstain ? 'verdict abstain' : 'verdict'}>
              {r.abstain
                ? t('tuning.abstain', { confidence: pct(r.confidence), locale: r.locale })
                : t('tuning.confident', { confidence: pct(r.confidence), locale: r.locale })}
            </p>
            {r.results.length === 0 ? (
              <p>{t('tuning.noResults')}</p>
            ) : (
              <ol className="ranked" aria-label={t('tuning.results')}>
                {r.results.map((hit, i) => (
                  <li key={hit.id} className="hit">
                    <h3>
                      <span className="rank">{t('tuning.rank', { n: i + 1 })}</span> {hit.title}
                    </h3>
                    <dl className="why">
                      <dt>{t('tuning.score')}</dt>
                      <dd className="mono">{hit.score.toFixed(3)}</dd>
                      <dt>{t('tuning.confidence')}</dt>
                      <dd>{pct(hit.confidence)}</dd>
                      <dt>{t('tuning.matchedTerms')}</dt>
                      <dd>
                        {hit.matchedTerms.length === 0
                          ? t('tuning.none')
                          : keyed(hit.matchedTerms).map(({ key, item }) => (
                              <span key={key} className="chip">
                                {item}
                              </span>
                            ))}
                      </dd>
                      <dt>{t('tuning.matchedFormulation')}</dt>
                      <dd>{hit.matchedFormulation ? `« ${hit.matchedFormulation} »` : t('tuning.none')}</dd>
                    </dl>
                    {hit.highlights.length > 0 && (
                      <ul className="highlights" aria-label={t('tuning.highlights')}>
                        {keyed(hit.highlights, (h) => `${h.field}:${h.text}`).map(({ key, item: h }) => (
                          <li key={key}>
                            <span className="badge">{t(`tuning.field.${h.field}`)}</span>{' '}
                            <Highlighted highlight={h} />
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </div>
    </section>
  );
}

/** Matched ranges as <mark> elements built from text pieces: the text is never parsed as HTML. */
function Highlighted({ highlight }: { highlight: SearchHighlight }) {
  return (
    <span>
      {highlightPieces(highlight.text, highlight.ranges).map((p, i) =>
        p.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional and never reordered
          <mark key={i}>{p.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional and never reordered
          <span key={i}>{p.text}</span>
        ),
      )}
    </span>
  );
}
