import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { ApiError } from './api.ts';
import { useI18n } from './i18n.tsx';

/** Page heading: sets the document title and takes focus after navigation, for screen readers. */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const { t } = useI18n();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
    ref.current?.focus();
  }, [title, t]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

interface FieldShell {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

function useFieldIds(error?: string, hint?: string) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { id, describedBy: describedBy || undefined };
}

function FieldFrame({ id, label, error, hint, children }: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled input with its hint and its error right below (linked by aria-describedby). */
export function TextField({
  label,
  error,
  hint,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const { id, describedBy } = useFieldIds(error, hint);
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
    </FieldFrame>
  );
}

export function TextArea({
  label,
  error,
  hint,
  ...input
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { id, describedBy } = useFieldIds(error, hint);
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  error,
  hint,
  children,
  ...input
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const { id, describedBy } = useFieldIds(error, hint);
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input}>
        {children}
      </select>
    </FieldFrame>
  );
}

/** Errors of a failed request: by field for the inputs, and a general message for the rest. */
export function useFormErrors() {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | undefined>();
  return {
    fields,
    general,
    clear: () => {
      setFields({});
      setGeneral(undefined);
    },
    /** Maps a problem+json to the form: known fields go next to their input, the rest on top. */
    take: (err: unknown, known: readonly string[]) => {
      if (err instanceof ApiError) {
        const byField = err.fieldErrors();
        // `formulations.2` goes next to the `formulations` input when only the list is known.
        const mine: Record<string, string> = {};
        for (const [f, message] of Object.entries(byField)) {
          const top = f.split('.')[0] ?? f;
          if (known.includes(f)) mine[f] ??= message;
          else if (known.includes(top)) mine[top] ??= `${f}: ${message}`;
        }
        setFields(mine);
        setGeneral(Object.keys(mine).length ? undefined : err.problem.detail);
      } else {
        setFields({});
        setGeneral(err instanceof Error ? err.message : String(err));
      }
    },
  };
}

export function Alert({
  kind = 'error',
  children,
}: {
  kind?: 'error' | 'success' | 'info';
  children: ReactNode;
}) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function QueryError({ error }: { error: unknown }) {
  const { t } = useI18n();
  const detail = error instanceof Error ? error.message : String(error);
  return <Alert>{t('common.error', { detail })}</Alert>;
}

/** A one-time secret with a copy button (clipboard API, falling back to selecting the text). */
export function Secret({ label, value }: { label: string; value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      ref.current?.select();
    }
  };
  return (
    <div className="secret">
      <label htmlFor={id}>{label}</label>
      <div className="secret-row">
        <input id={id} ref={ref} readOnly value={value} className="mono" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={copy}>
          {copied ? t('common.copied') : t('common.copy')}
        </button>
      </div>
    </div>
  );
}

/**
 * A failed request in full: the detail, then every field the server named (problem `field` and
 * `errors[]`), e.g. `definition.nodes.restart.next` — for JSON editors with no input per field.
 */
export function ProblemDetails({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError)) return <QueryError error={error} />;
  const fields = Object.entries(error.fieldErrors());
  return (
    <Alert>
      <p className="problem-detail">{error.problem.detail}</p>
      {fields.length > 0 && (
        <>
          <p className="problem-detail">{t('problem.fields')}</p>
          <ul className="issues">
            {fields.map(([field, message]) => (
              <li key={field}>
                <code>{field}</code> — {message}
              </li>
            ))}
          </ul>
        </>
      )}
    </Alert>
  );
}
