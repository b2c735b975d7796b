import {
  Button,
  Code,
  Group,
  List,
  Alert as MantineAlert,
  NativeSelect,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
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
    <Title order={1} ref={ref} tabIndex={-1} size="h2" mb="md">
      {children}
    </Title>
  );
}

interface FieldShell {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

/**
 * What every field shares: label, hint then error below the input (linked by aria-describedby),
 * stable class names for the error and hint (pages' and tests' selectors), no required asterisk.
 */
function fieldFrame({ label, error, hint }: FieldShell) {
  const order: Array<'label' | 'input' | 'description' | 'error'> = [
    'label',
    'input',
    'description',
    'error',
  ];
  return {
    label,
    description: hint,
    error,
    mb: 'sm',
    inputWrapperOrder: order,
    classNames: { error: 'field-error', description: 'hint' },
    withAsterisk: false,
  };
}

/** A labelled input with its hint and its error right below (linked by aria-describedby). */
export function TextField({
  label,
  error,
  hint,
  size: _size,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  return <TextInput {...fieldFrame({ label, error, hint })} {...input} />;
}

export function TextArea({
  label,
  error,
  hint,
  ...input
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  return (
    <Textarea
      {...fieldFrame({ label, error, hint })}
      autosize={!input.rows}
      minRows={input.rows ?? 2}
      {...input}
    />
  );
}

/** A native <select> (keyboard and screen-reader behaviour of the platform), styled by Mantine. */
export function SelectField({
  label,
  error,
  hint,
  children,
  size: _size,
  ...input
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <NativeSelect {...fieldFrame({ label, error, hint })} {...input}>
      {children}
    </NativeSelect>
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

const ALERT_COLORS = { error: 'red', success: 'green', info: 'blue' } as const;

export function Alert({
  kind = 'error',
  children,
}: {
  kind?: 'error' | 'success' | 'info';
  children: ReactNode;
}) {
  return (
    <MantineAlert
      color={ALERT_COLORS[kind]}
      variant="light"
      my="sm"
      className={`alert alert-${kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
    >
      {children}
    </MantineAlert>
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
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      ref.current?.select();
    }
  };
  return (
    <Group align="end" gap="xs" wrap="nowrap" className="secret" my="sm">
      <TextInput
        label={label}
        ref={ref}
        readOnly
        value={value}
        ff="monospace"
        flex={1}
        onFocus={(e) => e.target.select()}
      />
      <Button type="button" variant="default" onClick={copy}>
        {copied ? t('common.copied') : t('common.copy')}
      </Button>
    </Group>
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
      <Text className="problem-detail">{error.problem.detail}</Text>
      {fields.length > 0 && (
        <>
          <Text className="problem-detail">{t('problem.fields')}</Text>
          <List className="issues" size="sm">
            {fields.map(([field, message]) => (
              <List.Item key={field}>
                <Code>{field}</Code> — {message}
              </List.Item>
            ))}
          </List>
        </>
      )}
    </Alert>
  );
}

/**
 * Toasts for outcomes: a saved change (leaves by itself; the page also shows the new state) and a
 * failed background action that has no form to show its error next to.
 */
export function useNotify() {
  const { t } = useI18n();
  const closeButtonProps = { 'aria-label': t('common.close') };
  return {
    success: (message: string) =>
      notifications.show({ color: 'green', message, withBorder: true, closeButtonProps }),
    error: (message: string) =>
      notifications.show({ color: 'red', message, withBorder: true, autoClose: 8000, closeButtonProps }),
  };
}
