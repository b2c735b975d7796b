import { Button } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type Branding as BrandingShape, get, put } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Alert, PageTitle, QueryError, TextField, useFormErrors, useNotify } from '../ui.tsx';

const BRANDING = ['settings', 'branding'] as const;
const LOCALES = ['locales'] as const;
const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** Settings → Branding & locales (admins): what the help centre shows, with a live preview. */
export function Branding() {
  const { t } = useI18n();
  const branding = useQuery({ queryKey: BRANDING, queryFn: () => get<BrandingShape>('/settings/branding') });
  const locales = useQuery({ queryKey: LOCALES, queryFn: () => get<{ items: string[] }>('/locales') });
  return (
    <section>
      <PageTitle title={t('branding.title')}>{t('branding.title')}</PageTitle>
      {branding.error && <QueryError error={branding.error} />}
      {branding.isPending && <p>{t('common.loading')}</p>}
      {branding.data && <BrandingForm initial={branding.data} />}
      {locales.error && <QueryError error={locales.error} />}
      {locales.data && <LocalesForm initial={locales.data.items} />}
    </section>
  );
}

function BrandingForm({ initial }: { initial: BrandingShape }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const [name, setName] = useState(initial.name);
  const [primaryColor, setPrimary] = useState(initial.primaryColor);
  const [accentColor, setAccent] = useState(initial.accentColor);
  const [logoUrl, setLogoUrl] = useState(initial.logoUrl ?? '');
  const assistant = useAssistantFields(initial);
  const errors = useFormErrors();
  const preview = useRef<HTMLDivElement>(null);

  // Custom properties through the CSSOM: the console's CSP forbids style attributes, not this.
  useEffect(() => {
    const el = preview.current;
    if (!el) return;
    if (HEX.test(primaryColor)) el.style.setProperty('--preview-brand', primaryColor);
    if (HEX.test(accentColor)) el.style.setProperty('--preview-accent', accentColor);
  }, [primaryColor, accentColor]);

  const save = useMutation({
    mutationFn: () =>
      put<BrandingShape>('/settings/branding', {
        name,
        primaryColor,
        accentColor,
        logoUrl: logoUrl.trim() ? logoUrl.trim() : null,
        ...assistant.body(),
      }),
    onSuccess: (saved) => {
      qc.setQueryData(BRANDING, saved);
      notify.success(t('branding.saved'));
    },
    onError: (err) =>
      errors.take(err, [
        'name',
        'primaryColor',
        'accentColor',
        'logoUrl',
        'assistantAvatar',
        ...assistant.fields,
      ]),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    save.reset();
    save.mutate();
  };
  const showLogo = /^(https:\/\/|\/)/.test(logoUrl.trim());

  return (
    <section className="panel" aria-labelledby="branding-section">
      <h2 id="branding-section">{t('branding.section')}</h2>
      <div className="two-columns">
        <form onSubmit={submit} noValidate>
          {errors.general && <Alert>{errors.general}</Alert>}
          <TextField
            label={t('branding.name')}
            name="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.fields.name}
          />
          <TextField
            label={t('branding.primary')}
            name="primaryColor"
            className="mono"
            value={primaryColor}
            onChange={(e) => setPrimary(e.target.value)}
            hint={t('branding.colorHint')}
            error={errors.fields.primaryColor}
          />
          <TextField
            label={t('branding.accent')}
            name="accentColor"
            className="mono"
            value={accentColor}
            onChange={(e) => setAccent(e.target.value)}
            hint={t('branding.colorHint')}
            error={errors.fields.accentColor}
          />
          <TextField
            label={t('branding.logo')}
            name="logoUrl"
            value={logoUrl}
            onChange={(e) => setLogoUrl(e.target.value)}
            hint={t('branding.logoHint')}
            error={errors.fields.logoUrl}
          />
          <AssistantFields state={assistant} errors={errors.fields} />
          <Button type="submit" disabled={save.isPending}>
            {t('common.save')}
          </Button>
        </form>
        <div>
          <h3>{t('branding.preview')}</h3>
          <div className="brand-preview" ref={preview} data-testid="brand-preview">
            <div className="brand-preview-header">
              {showLogo && <img src={logoUrl.trim()} alt="" />}
              <span>{name}</span>
            </div>
            <AssistantPreview state={assistant} fallback={name} />
            <div className="brand-preview-body">
              <span className="brand-preview-button">{t('branding.previewButton')}</span>
              <span className="brand-preview-link">{t('branding.previewLink')}</span>
              <span className="swatches" aria-hidden="true">
                <span className="swatch swatch-brand" />
                <span className="swatch swatch-accent" />
              </span>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}

function LocalesForm({ initial }: { initial: string[] }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const [text, setText] = useState(initial.join(', '));
  const errors = useFormErrors();
  const save = useMutation({
    mutationFn: (locales: string[]) => put<{ locales: string[] }>('/settings/locales', { locales }),
    onSuccess: (saved) => {
      qc.setQueryData(LOCALES, { items: saved.locales });
      setText(saved.locales.join(', '));
      notify.success(t('locales.saved'));
    },
    onError: (err) => errors.take(err, ['locales']),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    save.reset();
    save.mutate(
      text
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  };
  return (
    <section className="panel" aria-labelledby="locales-section">
      <h2 id="locales-section">{t('locales.section')}</h2>
      <form onSubmit={submit} noValidate className="inline-form">
        <TextField
          label={t('locales.label')}
          name="locales"
          value={text}
          onChange={(e) => setText(e.target.value)}
          hint={t('locales.hint')}
          error={errors.fields.locales}
        />
        <Button type="submit" disabled={save.isPending}>
          {t('common.save')}
        </Button>
      </form>
      {errors.general && <Alert>{errors.general}</Alert>}
    </section>
  );
}

// ── the company's assistant: name per locale and avatar ──────────────────────────────────────────

const AVATAR = /^(https:\/\/|\/|data:image\/(png|jpeg|gif|webp);base64,)/;

function useAssistantFields(initial: BrandingShape) {
  const locales = useQuery({ queryKey: LOCALES, queryFn: () => get<{ items: string[] }>('/locales') });
  const [names, setNames] = useState<Record<string, string>>(initial.assistantNames ?? {});
  const [avatar, setAvatar] = useState(initial.assistantAvatar ?? '');
  const codes = [...new Set([...(locales.data?.items ?? []), ...Object.keys(names)])];
  return {
    codes,
    names,
    avatar,
    setName: (code: string, value: string) => setNames((n) => ({ ...n, [code]: value })),
    setAvatar,
    fields: codes.map((c) => `assistantNames.${c}`),
    body: () => ({
      assistantNames: Object.fromEntries(
        Object.entries(names)
          .map(([k, v]) => [k, v.trim()])
          .filter(([, v]) => v),
      ),
      assistantAvatar: avatar.trim() ? avatar.trim() : null,
    }),
  };
}

function AssistantFields({
  state,
  errors,
}: {
  state: ReturnType<typeof useAssistantFields>;
  errors: Record<string, string | undefined>;
}) {
  const { t, languageName } = useI18n();
  const onFile = (file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => state.setAvatar(String(reader.result));
    reader.readAsDataURL(file);
  };
  return (
    <fieldset className="plain-fieldset">
      <legend>{t('branding.assistant')}</legend>
      {state.codes.map((code) => (
        <TextField
          key={code}
          label={t('branding.assistantName', { language: languageName(code) })}
          name={`assistantNames.${code}`}
          value={state.names[code] ?? ''}
          onChange={(e) => state.setName(code, e.target.value)}
          hint={t('branding.assistantNameHint')}
          error={errors[`assistantNames.${code}`]}
        />
      ))}
      <TextField
        label={t('branding.avatar')}
        name="assistantAvatar"
        value={state.avatar.startsWith('data:') ? t('branding.avatarUploaded') : state.avatar}
        onChange={(e) => state.setAvatar(e.target.value)}
        hint={t('branding.avatarHint')}
        error={errors.assistantAvatar}
      />
      <label className="file-label">
        {t('branding.avatarFile')}{' '}
        <input
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          onChange={(e) => onFile(e.target.files?.[0])}
        />
      </label>
    </fieldset>
  );
}

function AssistantPreview({
  state,
  fallback,
}: {
  state: ReturnType<typeof useAssistantFields>;
  fallback: string;
}) {
  const { t } = useI18n();
  const first = state.codes[0];
  const label = (first && state.names[first]?.trim()) || fallback;
  return (
    <p className="brand-preview-assistant">
      {AVATAR.test(state.avatar.trim()) && <img src={state.avatar.trim()} alt="" width={32} height={32} />}
      <span>{t('branding.assistantPreview', { name: label })}</span>
    </p>
  );
}
