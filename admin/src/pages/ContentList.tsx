import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ARTICLE_STATUSES, type Article, get, VISIBILITIES } from '../api.ts';
import { categoryTitle, useCategories, useLocales } from '../content.ts';
import { useI18n } from '../i18n.tsx';
import { useCan, useSession } from '../session.tsx';
import { Alert, PageTitle, QueryError, SelectField, TextField } from '../ui.tsx';
import { TestQuestion } from './TestQuestion.tsx';

const FILTERS = ['q', 'locale', 'status', 'visibility', 'categoryId', 'ownerId', 'reviewDue'] as const;

/** Articles with filters kept in the URL (shareable, survive a reload). */
export function ContentList() {
  const { t, lang, formatDate } = useI18n();
  const can = useCan();
  const me = useSession().data;
  const [params, setParams] = useSearchParams();
  const locales = useLocales();
  const categories = useCategories();
  const query = new URLSearchParams();
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) query.set(f, v);
  }
  const articles = useQuery({
    queryKey: ['articles', query.toString()],
    queryFn: () => get<{ items: Article[]; total: number }>(`/articles?${query}`),
    placeholderData: keepPreviousData,
  });
  const set = (name: (typeof FILTERS)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const catName = (id: string | null) => {
    const c = id ? categories.data?.find((x) => x.id === id) : undefined;
    return c ? categoryTitle(c, lang) : '';
  };

  return (
    <section>
      <PageTitle title={t('content.title')}>{t('content.title')}</PageTitle>
      <p className="toolbar">
        {can('content:write') && (
          <Link className="button primary" to="/content/new">
            {t('content.new')}
          </Link>
        )}{' '}
        <Link className="button" to="/content/categories">
          {t('content.categories')}
        </Link>
      </p>
      {!can('content:write') && <Alert kind="info">{t('content.readOnly')}</Alert>}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('content.filters')}>
        <TextField
          label={t('content.search')}
          type="search"
          name="q"
          value={params.get('q') ?? ''}
          onChange={(e) => set('q', e.target.value)}
        />
        <SelectField
          label={t('content.locale')}
          value={params.get('locale') ?? ''}
          onChange={(e) => set('locale', e.target.value)}
        >
          <option value="">{t('content.any')}</option>
          {locales.data?.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('content.status')}
          value={params.get('status') ?? ''}
          onChange={(e) => set('status', e.target.value)}
        >
          <option value="">{t('content.any')}</option>
          {ARTICLE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('content.visibility')}
          value={params.get('visibility') ?? ''}
          onChange={(e) => set('visibility', e.target.value)}
        >
          <option value="">{t('content.any')}</option>
          {VISIBILITIES.map((v) => (
            <option key={v} value={v}>
              {t(`visibility.${v}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('content.category')}
          value={params.get('categoryId') ?? ''}
          onChange={(e) => set('categoryId', e.target.value)}
        >
          <option value="">{t('content.any')}</option>
          {categories.data?.map((c) => (
            <option key={c.id} value={c.id}>
              {categoryTitle(c, lang)}
            </option>
          ))}
        </SelectField>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('ownerId') === me?.user.id}
            onChange={(e) => set('ownerId', e.target.checked ? (me?.user.id ?? '') : '')}
          />{' '}
          {t('content.mine')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('reviewDue') === 'true'}
            onChange={(e) => set('reviewDue', e.target.checked ? 'true' : '')}
          />{' '}
          {t('content.reviewDue')}
        </label>
      </form>
      {articles.error && <QueryError error={articles.error} />}
      {articles.isPending && <p>{t('common.loading')}</p>}
      {articles.data && (
        <>
          <p className="hint" aria-live="polite">
            {t('content.count', { count: articles.data.total })}
          </p>
          {articles.data.items.length === 0 ? (
            <p>{t('content.empty')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('editor.title')}</th>
                  <th scope="col">{t('content.locale')}</th>
                  <th scope="col">{t('content.status')}</th>
                  <th scope="col">{t('content.visibility')}</th>
                  <th scope="col">{t('content.category')}</th>
                  <th scope="col">{t('content.reviewBy')}</th>
                  <th scope="col">{t('content.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {articles.data.items.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      <Link to={`/content/${a.id}`}>{a.title}</Link>
                    </th>
                    <td>{a.locale}</td>
                    <td>
                      <span className={`badge status-${a.status}`}>{t(`status.${a.status}`)}</span>
                    </td>
                    <td>{t(`visibility.${a.visibility}`)}</td>
                    <td>{catName(a.categoryId)}</td>
                    <td>{a.reviewBy ?? ''}</td>
                    <td>{formatDate(a.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <TestQuestion />
    </section>
  );
}
