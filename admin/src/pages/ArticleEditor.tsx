import { Button } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useBlocker, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { type Article, del, get, patch, post, VISIBILITIES, type Visibility } from '../api.ts';
import { categoryTitle, sectionTitle, slugify, useCategories, useLocales } from '../content.ts';
import { useI18n } from '../i18n.tsx';
import { useCan, useSession } from '../session.tsx';
import { Alert, PageTitle, QueryError, SelectField, TextArea, TextField, useFormErrors } from '../ui.tsx';
import { FeedbackPanel } from './ArticleFeedback.tsx';
import { SourceColumn, TranslationsPanel, VersionsPanel, WorkflowPanel } from './ArticlePanels.tsx';

interface Draft {
  locale: string;
  title: string;
  slug: string;
  shortAnswer: string;
  body: string;
  formulations: string[];
  tags: string;
  visibility: Visibility;
  segments: string;
  categoryId: string;
  sectionId: string;
  reviewBy: string;
}

const FIELDS = [
  'locale',
  'title',
  'slug',
  'shortAnswer',
  'body',
  'formulations',
  'tags',
  'visibility',
  'segments',
  'categoryId',
  'sectionId',
  'reviewBy',
  'note',
] as const;

function draftOf(a: Article | undefined, locale: string, source?: Article): Draft {
  return {
    locale: a?.locale ?? locale,
    title: a?.title ?? '',
    slug: a?.slug ?? '',
    shortAnswer: a?.shortAnswer ?? '',
    body: a?.body ?? '',
    formulations: a?.formulations ?? [],
    tags: (a?.tags ?? source?.tags ?? []).join(', '),
    visibility: a?.visibility ?? source?.visibility ?? 'public',
    segments: (a?.segments ?? source?.segments ?? []).join(', '),
    categoryId: a?.categoryId ?? source?.categoryId ?? '',
    sectionId: a?.sectionId ?? source?.sectionId ?? '',
    reviewBy: a?.reviewBy ?? '',
  };
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The request body: lists parsed, empty choices as null. */
function payloadOf(d: Draft) {
  return {
    title: d.title,
    slug: d.slug,
    shortAnswer: d.shortAnswer,
    body: d.body,
    formulations: d.formulations.map((f) => f.trim()).filter(Boolean),
    tags: list(d.tags),
    visibility: d.visibility,
    segments: d.visibility === 'segment' ? list(d.segments) : [],
    categoryId: d.categoryId || null,
    sectionId: d.sectionId || null,
    reviewBy: d.reviewBy || null,
  };
}

/** Server-rendered preview (the help centre's own Markdown renderer, sanitized), debounced. */
function Preview({ markdown }: { markdown: string }) {
  const { t } = useI18n();
  const [debounced, setDebounced] = useState(markdown);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(markdown), 300);
    return () => clearTimeout(id);
  }, [markdown]);
  const preview = useQuery({
    queryKey: ['preview', debounced],
    queryFn: () => post<{ html: string }>('/kb/preview', { markdown: debounced }),
    staleTime: Number.POSITIVE_INFINITY,
    placeholderData: (prev) => prev,
  });
  return (
    <section className="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('editor.preview')}</h2>
      {preview.error ? (
        <p className="hint">{t('editor.previewUnavailable')}</p>
      ) : (
        // The HTML comes from the server's sanitizing renderer (the same as the help centre).
        // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized server-side by kb/markdown.ts
        <div className="rendered" dangerouslySetInnerHTML={{ __html: preview.data?.html ?? '' }} />
      )}
    </section>
  );
}

function FormulationsField({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (v: string[]) => void;
  error?: string | undefined;
}) {
  const { t } = useI18n();
  const [next, setNext] = useState('');
  const add = () => {
    if (!next.trim()) return;
    onChange([...value, next.trim()]);
    setNext('');
  };
  return (
    <fieldset className={error ? 'field-invalid' : undefined} aria-describedby="formulations-hint">
      <legend>{t('editor.formulations')}</legend>
      <p className="hint" id="formulations-hint">
        {t('editor.formulationsHint')}
      </p>
      <ul className="formulations">
        {value.map((f, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: formulations may repeat while typed; position is the identity
          <li key={i}>
            <input
              aria-label={t('editor.formulation', { n: i + 1 })}
              value={f}
              onChange={(e) => onChange(value.map((x, j) => (j === i ? e.target.value : x)))}
            />
            <Button variant="default" type="button" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              {t('editor.remove')}
              <span className="visually-hidden"> {f}</span>
            </Button>
          </li>
        ))}
      </ul>
      <div className="secret-row">
        <input
          aria-label={t('editor.newFormulation')}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <Button variant="default" type="button" onClick={add}>
          {t('editor.addFormulation')}
        </Button>
      </div>
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}

/** Blocks in-app navigation and tab closing while the form has unsaved changes. */
function useUnsavedGuard(dirty: boolean) {
  const { t } = useI18n();
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirtyRef.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (window.confirm(t('common.unsaved'))) blocker.proceed();
    else blocker.reset();
  }, [blocker, t]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  /** Call before navigating away after a successful save. */
  return () => {
    dirtyRef.current = false;
  };
}

function EditorForm({ article, source }: { article?: Article; source?: Article }) {
  const { t, lang } = useI18n();
  const can = useCan();
  const me = useSession().data;
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const locales = useLocales();
  const categories = useCategories();
  const defaultLocale = params.get('locale') ?? locales.data?.[0] ?? 'fr';
  const [initial, setInitial] = useState(() => draftOf(article, defaultLocale, source));
  const [draft, setDraft] = useState(initial);
  const [note, setNote] = useState('');
  const location = useLocation();
  // After creating, the page moves to the article's own URL: the confirmation travels along.
  const [saved, setSaved] = useState<string | undefined>(
    () => (location.state as { saved?: string } | null)?.saved,
  );
  const [compareWith, setCompareWith] = useState(source?.id ?? '');
  const [slugTouched, setSlugTouched] = useState(Boolean(article));
  const errors = useFormErrors();
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const release = useUnsavedGuard(dirty);
  const canWrite = can('content:write');

  // The article changed under us (workflow move, restore): take the server's version.
  useEffect(() => {
    if (!article) return;
    const fresh = draftOf(article, article.locale);
    setInitial(fresh);
    setDraft(fresh);
  }, [article]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setSaved(undefined);
    setDraft((d) => {
      const next = { ...d, [k]: v };
      if (k === 'title' && !slugTouched) next.slug = slugify(String(v));
      if (k === 'categoryId') next.sectionId = '';
      return next;
    });
  };

  const save = useMutation({
    mutationFn: async () => {
      const body = payloadOf(draft);
      if (article) {
        const before = payloadOf(initial);
        const changed = Object.fromEntries(
          Object.entries(body).filter(
            ([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof typeof before]),
          ),
        );
        return patch<Article>(`/articles/${article.id}`, { ...changed, ...(note ? { note } : {}) });
      }
      const create = {
        ...body,
        locale: draft.locale,
        ownerId: me?.user.id ?? null,
        ...(note ? { note } : {}),
      };
      return source
        ? post<Article>(`/articles/${source.id}/translations`, create)
        : post<Article>('/articles', create);
    },
    onSuccess: (a) => {
      qc.setQueryData(['article', a.id], a);
      qc.invalidateQueries({ queryKey: ['articles'] });
      qc.invalidateQueries({ queryKey: ['versions', a.id] });
      qc.invalidateQueries({ queryKey: ['translations', a.translationGroup] });
      const fresh = draftOf(a, a.locale);
      setInitial(fresh);
      setDraft(fresh);
      setNote('');
      setSaved(t('editor.saved', { version: a.version }));
      if (!article) {
        release();
        navigate(`/content/${a.id}`, {
          replace: true,
          state: { saved: t('editor.saved', { version: a.version }) },
        });
      }
    },
    onError: (err) => errors.take(err, FIELDS),
  });
  const remove = useMutation({
    mutationFn: () => del<void>(`/articles/${article?.id}`),
    onSuccess: () => {
      release();
      qc.invalidateQueries({ queryKey: ['articles'] });
      navigate('/content');
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    save.mutate();
  };
  const category = categories.data?.find((c) => c.id === draft.categoryId);
  const heading = article
    ? t('editor.editTitle', { title: article.title })
    : source
      ? t('editor.translationOf', { title: source.title, locale: source.locale })
      : t('editor.newTitle');

  return (
    <section>
      <PageTitle title={heading}>{heading}</PageTitle>
      {!canWrite && <Alert kind="info">{t('content.readOnly')}</Alert>}
      <div className={compareWith ? 'editor-grid compare' : 'editor-grid'}>
        <form onSubmit={submit} noValidate className="editor" aria-label={heading}>
          <fieldset disabled={!canWrite} className="plain">
            {errors.general && <Alert>{errors.general}</Alert>}
            {!article && (
              <SelectField
                label={t('content.locale')}
                name="locale"
                value={draft.locale}
                onChange={(e) => set('locale', e.target.value)}
                error={errors.fields.locale}
              >
                {(locales.data ?? [draft.locale]).map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </SelectField>
            )}
            <TextField
              label={t('editor.title')}
              name="title"
              required
              lang={draft.locale}
              value={draft.title}
              onChange={(e) => set('title', e.target.value)}
              error={errors.fields.title}
            />
            <TextField
              label={t('editor.slug')}
              name="slug"
              required
              hint={t('editor.slugHint')}
              value={draft.slug}
              onChange={(e) => {
                setSlugTouched(true);
                set('slug', e.target.value);
              }}
              error={errors.fields.slug}
            />
            <TextArea
              label={t('editor.shortAnswer')}
              name="shortAnswer"
              required
              rows={3}
              className="short"
              lang={draft.locale}
              hint={t('editor.shortAnswerHint')}
              value={draft.shortAnswer}
              onChange={(e) => set('shortAnswer', e.target.value)}
              error={errors.fields.shortAnswer}
            />
            <div className="body-preview">
              <TextArea
                label={t('editor.body')}
                name="body"
                rows={14}
                lang={draft.locale}
                value={draft.body}
                onChange={(e) => set('body', e.target.value)}
                error={errors.fields.body}
              />
              {canWrite && <Preview markdown={draft.body} />}
            </div>
            <FormulationsField
              value={draft.formulations}
              onChange={(v) => set('formulations', v)}
              error={errors.fields.formulations}
            />
            <div className="inline-form">
              <SelectField
                label={t('content.category')}
                name="categoryId"
                value={draft.categoryId}
                onChange={(e) => set('categoryId', e.target.value)}
                error={errors.fields.categoryId}
              >
                <option value="">{t('content.none')}</option>
                {categories.data?.map((c) => (
                  <option key={c.id} value={c.id}>
                    {categoryTitle(c, lang)}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label={t('content.section')}
                name="sectionId"
                value={draft.sectionId}
                onChange={(e) => set('sectionId', e.target.value)}
                error={errors.fields.sectionId}
              >
                <option value="">{t('content.none')}</option>
                {category?.sections.map((s) => (
                  <option key={s.id} value={s.id}>
                    {sectionTitle(s.titles, lang)}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label={t('content.visibility')}
                name="visibility"
                value={draft.visibility}
                onChange={(e) => set('visibility', e.target.value as Visibility)}
                error={errors.fields.visibility}
              >
                {VISIBILITIES.map((v) => (
                  <option key={v} value={v}>
                    {t(`visibility.${v}`)}
                  </option>
                ))}
              </SelectField>
              <TextField
                label={t('content.reviewBy')}
                name="reviewBy"
                type="date"
                value={draft.reviewBy}
                onChange={(e) => set('reviewBy', e.target.value)}
                error={errors.fields.reviewBy}
              />
            </div>
            {draft.visibility === 'segment' && (
              <TextField
                label={t('editor.segments')}
                name="segments"
                hint={t('editor.segmentsHint')}
                value={draft.segments}
                onChange={(e) => set('segments', e.target.value)}
                error={errors.fields.segments}
              />
            )}
            <TextField
              label={t('editor.tags')}
              name="tags"
              hint={t('editor.tagsHint')}
              value={draft.tags}
              onChange={(e) => set('tags', e.target.value)}
              error={errors.fields.tags}
            />
            <TextField
              label={t('editor.note')}
              name="note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              error={errors.fields.note}
            />
            <div className="buttons" aria-live="polite">
              <Button type="submit" disabled={save.isPending || (!dirty && Boolean(article))}>
                {t('editor.save')}
              </Button>
              {article?.status === 'draft' && (
                <Button
                  type="button"
                  color="red"
                  variant="light"
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`${t('editor.delete')} ?`)) remove.mutate();
                  }}
                >
                  {t('editor.delete')}
                </Button>
              )}
              {saved && !dirty && <span className="saved">{saved}</span>}
            </div>
            {remove.error && <Alert>{remove.error.message}</Alert>}
          </fieldset>
        </form>
        {compareWith && <SourceColumn id={compareWith} />}
      </div>
      {article && (
        <>
          <WorkflowPanel article={article} dirty={dirty} />
          <TranslationsPanel article={article} compareWith={compareWith} onCompare={setCompareWith} />
          <VersionsPanel article={article} dirty={dirty} />
          <FeedbackPanel article={article} />
          {article.status === 'published' && article.visibility === 'public' && (
            <p>
              <a href={article.url}>{t('editor.publicLink')}</a>
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** `/content/new[?translationOf=…&locale=…]` and `/content/:id`. */
export function ArticleEditor() {
  const { t } = useI18n();
  const { id } = useParams();
  const [params] = useSearchParams();
  const translationOf = params.get('translationOf');
  const isNew = !id;
  const article = useQuery({
    queryKey: ['article', id],
    enabled: !isNew,
    queryFn: () => get<Article>(`/articles/${id}`),
  });
  const source = useQuery({
    queryKey: ['article', translationOf],
    enabled: isNew && Boolean(translationOf),
    queryFn: () => get<Article>(`/articles/${translationOf}`),
  });
  const locales = useLocales();
  const pending =
    (!isNew && article.isPending) || (Boolean(translationOf) && source.isPending) || locales.isPending;
  if (article.error) return <QueryError error={article.error} />;
  if (source.error) return <QueryError error={source.error} />;
  if (pending) return <p>{t('common.loading')}</p>;
  return (
    <EditorForm
      key={id ?? `new-${translationOf ?? ''}`}
      {...(article.data ? { article: article.data } : {})}
      {...(source.data ? { source: source.data } : {})}
    />
  );
}
