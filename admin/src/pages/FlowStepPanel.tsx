/**
 * The flow builder's side panel: a form for the selected step, per kind, and the flow's own settings
 * when no step is selected. Every ordinary edit is a field here; no JSON.
 */
import { ActionIcon, Button, Fieldset, Group, NativeSelect, Text } from '@mantine/core';
import { useState } from 'react';
import {
  type Exit,
  exitsOf,
  type FlowDoc,
  renameStep,
  type Step,
  type StepKind,
  updateStep,
} from '../flow-graph.ts';
import { numberOrEmpty, type Row, str, withOptional } from '../form-values.ts';
import { type MessageKey, type Translate, useI18n } from '../i18n.tsx';
import { ArticlePicker, ConnectionPicker } from '../pickers.tsx';
import { SelectField, TextArea, TextField } from '../ui.tsx';

export const KIND_LABEL: Record<StepKind, MessageKey> = {
  message: 'flowBuilder.kind.message',
  question: 'flowBuilder.kind.question',
  condition: 'flowBuilder.kind.condition',
  article: 'flowBuilder.kind.article',
  action: 'flowBuilder.kind.action',
  escalate: 'flowBuilder.kind.escalate',
  end: 'flowBuilder.kind.end',
};

/** An exit's name on the canvas and in the panel: a choice's label, "otherwise", "on failure"… */
export function exitLabel(exit: Exit, t: Translate): string {
  switch (exit.label.kind) {
    case 'choice':
      return exit.label.text || t('flowBuilder.exit.choice');
    case 'branch':
      return t('flowBuilder.exit.branch', { n: exit.label.text ?? '' });
    default:
      return t(`flowBuilder.exit.${exit.label.kind}`);
  }
}

const STEP_ID = /^[A-Za-z][\w-]{0,63}$/;
const rows = (v: unknown) => (Array.isArray(v) ? (v as Row[]) : []);

interface StepPanelProps {
  doc: FlowDoc;
  id: string;
  onChange: (doc: FlowDoc) => void;
  onRenamed: (id: string) => void;
  onDelete: () => void;
  issues: string[];
  readOnly: boolean;
}

export function StepPanel({ doc, id, onChange, onRenamed, onDelete, issues, readOnly }: StepPanelProps) {
  const { t } = useI18n();
  const step = doc.nodes[id]!;
  const [name, setName] = useState(id);
  const [nameError, setNameError] = useState<string | undefined>();
  const replace = (s: Step) => onChange(updateStep(doc, id, s));
  const set = (field: string, value: unknown) => replace(withOptional(step, field, value) as Step);
  const exits = exitsOf(step);
  const exitOf = (field: string) => exits.find((e) => e.field === field)!;

  const rename = () => {
    if (name === id) return setNameError(undefined);
    if (!STEP_ID.test(name)) return setNameError(t('flowBuilder.badId'));
    if (doc.nodes[name]) return setNameError(t('flowBuilder.idTaken'));
    setNameError(undefined);
    onChange(renameStep(doc, id, name));
    onRenamed(name);
  };

  const next = (field: string) => (
    <NextStep
      doc={doc}
      from={id}
      exit={exitOf(field)}
      readOnly={readOnly}
      onChange={(to) => set(field, to)}
    />
  );
  const text = (field: string, label: string, optional = false) => (
    <TextArea
      label={label}
      value={str(step[field])}
      readOnly={readOnly}
      onChange={(e) =>
        optional ? set(field, e.target.value) : replace({ ...step, [field]: e.target.value })
      }
      hint={optional ? t('flowBuilder.optional') : undefined}
    />
  );

  return (
    <section aria-labelledby="step-title" className="flow-step-form">
      <h2 id="step-title" className="flow-panel-title">
        {t('flowBuilder.stepTitle', { kind: t(KIND_LABEL[step.type]), id })}
      </h2>
      {issues.length > 0 && (
        <ul className="issues flow-panel-issues" aria-label={t('flowBuilder.issuesOf', { id })}>
          {issues.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <TextField
        label={t('flowBuilder.stepId')}
        value={name}
        readOnly={readOnly}
        onChange={(e) => setName(e.target.value)}
        onBlur={rename}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            rename();
          }
        }}
        hint={t('flowBuilder.stepIdHint')}
        error={nameError}
      />
      {step.type === 'message' && (
        <>
          {text('text', t('flowBuilder.text'))}
          {next('next')}
        </>
      )}
      {step.type === 'question' && (
        <QuestionFields step={step} replace={replace} doc={doc} id={id} readOnly={readOnly} />
      )}
      {step.type === 'article' && (
        <>
          <ArticlePicker
            label={t('flowBuilder.article')}
            hint={t('flowBuilder.articleHint')}
            value={str(step.articleId)}
            onChange={(v) => replace({ ...step, articleId: v })}
            disabled={readOnly}
          />
          {text('text', t('flowBuilder.intro'), true)}
          {next('next')}
        </>
      )}
      {step.type === 'action' && (
        <ActionFields step={step} replace={replace} doc={doc} id={id} readOnly={readOnly} />
      )}
      {step.type === 'condition' && (
        <ConditionFields step={step} replace={replace} doc={doc} id={id} readOnly={readOnly} />
      )}
      {step.type === 'escalate' && (
        <>
          {text('text', t('flowBuilder.text'), true)}
          <SelectField
            label={t('flowBuilder.channel')}
            value={str(step.channel) || 'form'}
            disabled={readOnly}
            onChange={(e) => set('channel', e.target.value)}
          >
            <option value="form">{t('flowBuilder.channel.form')}</option>
            <option value="callback">{t('flowBuilder.channel.callback')}</option>
            <option value="live">{t('flowBuilder.channel.live')}</option>
          </SelectField>
        </>
      )}
      {step.type === 'end' && text('text', t('flowBuilder.text'), true)}
      {!readOnly && (
        <Group gap="xs" mt="md">
          {doc.start !== id && (
            <Button variant="default" onClick={() => onChange({ ...doc, start: id })}>
              {t('flowBuilder.makeStart')}
            </Button>
          )}
          <Button color="red" variant="light" onClick={onDelete}>
            {t('flowBuilder.delete')}
          </Button>
        </Group>
      )}
    </section>
  );
}

/** Where an exit leads: any other step, or nothing yet. */
function NextStep({
  doc,
  from,
  exit,
  onChange,
  readOnly,
}: {
  doc: FlowDoc;
  from: string;
  exit: Exit;
  onChange: (to: string) => void;
  readOnly: boolean;
}) {
  const { t } = useI18n();
  const label =
    exit.label.kind === 'next'
      ? t('flowBuilder.nextStep')
      : t('flowBuilder.exitLeadsTo', { exit: exitLabel(exit, t) });
  return (
    <NativeSelect
      label={label}
      value={doc.nodes[exit.to] ? exit.to : ''}
      disabled={readOnly}
      onChange={(e) => onChange(e.target.value)}
      data={[
        { value: '', label: t('flowBuilder.notConnected') },
        ...Object.entries(doc.nodes)
          .filter(([id]) => id !== from)
          .map(([id, s]) => ({ value: id, label: `${id} — ${t(KIND_LABEL[s.type])}` })),
      ]}
      mb="sm"
    />
  );
}

interface KindProps {
  step: Step;
  replace: (s: Step) => void;
  doc: FlowDoc;
  id: string;
  readOnly: boolean;
}

function QuestionFields({ step, replace, doc, id, readOnly }: KindProps) {
  const { t } = useI18n();
  const input = step.input && typeof step.input === 'object' ? (step.input as Row) : null;
  const choices = rows(step.choices);
  const setChoices = (list: Row[]) => replace({ ...step, choices: list });
  const setInput = (field: string, value: unknown) =>
    replace({ ...step, input: withOptional(input ?? {}, field, value) });
  const exits = exitsOf(step);
  return (
    <>
      <TextArea
        label={t('flowBuilder.question')}
        value={str(step.text)}
        readOnly={readOnly}
        onChange={(e) => replace({ ...step, text: e.target.value })}
      />
      <SelectField
        label={t('flowBuilder.answerMode')}
        value={input ? 'input' : 'choices'}
        disabled={readOnly}
        onChange={(e) => {
          const { choices: _c, input: _i, ...rest } = step;
          replace(
            e.target.value === 'input'
              ? ({ ...rest, input: { kind: 'text', next: exits[0]?.to ?? '' } } as Step)
              : ({
                  ...rest,
                  choices: [{ value: 'yes', label: t('flowBuilder.newChoice'), next: exits[0]?.to ?? '' }],
                } as Step),
          );
        }}
      >
        <option value="choices">{t('flowBuilder.answerMode.choices')}</option>
        <option value="input">{t('flowBuilder.answerMode.input')}</option>
      </SelectField>
      {!input &&
        choices.map((c, i) => (
          <Fieldset
            // biome-ignore lint/suspicious/noArrayIndexKey: choices are edited in place, by position
            key={i}
            legend={t('flowBuilder.choiceN', { n: i + 1 })}
            mb="sm"
            className="flow-choice"
          >
            <TextField
              label={t('flowBuilder.choiceLabel')}
              value={str(c.label)}
              readOnly={readOnly}
              onChange={(e) =>
                setChoices(choices.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))
              }
            />
            <TextField
              label={t('flowBuilder.choiceValue')}
              value={str(c.value)}
              readOnly={readOnly}
              hint={t('flowBuilder.choiceValueHint')}
              onChange={(e) =>
                setChoices(choices.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
              }
            />
            <NextStep
              doc={doc}
              from={id}
              exit={exits[i]!}
              readOnly={readOnly}
              onChange={(to) => setChoices(choices.map((x, j) => (j === i ? { ...x, next: to } : x)))}
            />
            {!readOnly && choices.length > 1 && (
              <Button
                variant="subtle"
                color="red"
                size="xs"
                onClick={() => setChoices(choices.filter((_, j) => j !== i))}
              >
                {t('flowBuilder.removeChoice', { n: i + 1 })}
              </Button>
            )}
          </Fieldset>
        ))}
      {!input && !readOnly && choices.length < 10 && (
        <Button
          variant="default"
          size="xs"
          mb="sm"
          onClick={() =>
            setChoices([
              ...choices,
              { value: `choice-${choices.length + 1}`, label: t('flowBuilder.newChoice'), next: '' },
            ])
          }
        >
          {t('flowBuilder.addChoice')}
        </Button>
      )}
      {input && (
        <>
          <SelectField
            label={t('flowBuilder.inputKind')}
            value={str(input.kind) || 'text'}
            disabled={readOnly}
            onChange={(e) => setInput('kind', e.target.value)}
          >
            {(['text', 'email', 'phone', 'number', 'regex'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`flowBuilder.inputKind.${k}`)}
              </option>
            ))}
          </SelectField>
          {input.kind === 'regex' && (
            <TextField
              label={t('flowBuilder.pattern')}
              value={str(input.pattern)}
              readOnly={readOnly}
              onChange={(e) => setInput('pattern', e.target.value)}
            />
          )}
          {input.kind === 'number' && (
            <Group grow gap="xs">
              <TextField
                label={t('flowBuilder.min')}
                type="number"
                value={str(input.min)}
                readOnly={readOnly}
                onChange={(e) => setInput('min', numberOrEmpty(e.target.value))}
              />
              <TextField
                label={t('flowBuilder.max')}
                type="number"
                value={str(input.max)}
                readOnly={readOnly}
                onChange={(e) => setInput('max', numberOrEmpty(e.target.value))}
              />
            </Group>
          )}
          <TextField
            label={t('flowBuilder.errorText')}
            value={str(input.errorText)}
            readOnly={readOnly}
            hint={t('flowBuilder.optional')}
            onChange={(e) => setInput('errorText', e.target.value)}
          />
          <NextStep
            doc={doc}
            from={id}
            exit={exits[0]!}
            readOnly={readOnly}
            onChange={(to) => setInput('next', to)}
          />
        </>
      )}
    </>
  );
}

function ActionFields({ step, replace, doc, id, readOnly }: KindProps) {
  const { t } = useI18n();
  const set = (field: string, value: unknown) => replace(withOptional(step, field, value) as Step);
  const body = Object.entries((step.body as Record<string, string> | undefined) ?? {});
  const setBody = (list: Array<[string, string]>) => set('body', list.length ? Object.fromEntries(list) : '');
  const exits = exitsOf(step);
  return (
    <>
      <ConnectionPicker
        label={t('flowBuilder.connection')}
        hint={t('flowBuilder.connectionHint')}
        value={str(step.connection)}
        onChange={(v) => replace({ ...step, connection: v })}
        disabled={readOnly}
      />
      <Group grow gap="xs" align="start">
        <SelectField
          label={t('flowBuilder.method')}
          value={str(step.method) || 'POST'}
          disabled={readOnly}
          onChange={(e) => set('method', e.target.value)}
        >
          <option value="GET">GET</option>
          <option value="POST">POST</option>
        </SelectField>
        <TextField
          label={t('flowBuilder.path')}
          value={str(step.path)}
          readOnly={readOnly}
          onChange={(e) => set('path', e.target.value)}
        />
      </Group>
      <Fieldset legend={t('flowBuilder.body')} mb="sm">
        {body.length === 0 && (
          <Text size="sm" className="hint">
            {t('flowBuilder.noBody')}
          </Text>
        )}
        {body.map(([k, v], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: fields are edited in place, by position
          <Group key={i} gap="xs" align="end" wrap="nowrap">
            <TextField
              label={t('flowBuilder.bodyField')}
              value={k}
              readOnly={readOnly}
              onChange={(e) => setBody(body.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))}
            />
            <TextField
              label={t('flowBuilder.bodyValue')}
              value={v}
              readOnly={readOnly}
              onChange={(e) => setBody(body.map((x, j) => (j === i ? [x[0], e.target.value] : x)))}
            />
            {!readOnly && (
              <ActionIcon
                variant="subtle"
                color="red"
                mb="sm"
                aria-label={t('flowBuilder.removeBodyField', { name: k })}
                onClick={() => setBody(body.filter((_, j) => j !== i))}
              >
                ×
              </ActionIcon>
            )}
          </Group>
        ))}
        {!readOnly && (
          <Button
            variant="default"
            size="xs"
            onClick={() => setBody([...body, [`field${body.length + 1}`, '']])}
          >
            {t('flowBuilder.addBodyField')}
          </Button>
        )}
      </Fieldset>
      <TextField
        label={t('flowBuilder.timeout')}
        type="number"
        value={str(step.timeoutMs)}
        readOnly={readOnly}
        hint={t('flowBuilder.timeoutHint')}
        onChange={(e) => set('timeoutMs', numberOrEmpty(e.target.value))}
      />
      <TextArea
        label={t('flowBuilder.successText')}
        value={str(step.successText)}
        readOnly={readOnly}
        hint={t('flowBuilder.responseHint')}
        onChange={(e) => set('successText', e.target.value)}
      />
      <NextStep doc={doc} from={id} exit={exits[0]!} readOnly={readOnly} onChange={(to) => set('next', to)} />
      <TextArea
        label={t('flowBuilder.failureText')}
        value={str(step.failureText)}
        readOnly={readOnly}
        hint={t('flowBuilder.optional')}
        onChange={(e) => set('failureText', e.target.value)}
      />
      <NextStep
        doc={doc}
        from={id}
        exit={exits[1]!}
        readOnly={readOnly}
        onChange={(to) => set('onFailure', to)}
      />
    </>
  );
}

const OPS = ['eq', 'neq', 'in', 'exists', 'gt', 'lt', 'matches'] as const;

function ConditionFields({ step, replace, doc, id, readOnly }: KindProps) {
  const { t } = useI18n();
  const branches = rows(step.branches);
  const exits = exitsOf(step);
  const setBranch = (i: number, b: Row) =>
    replace({ ...step, branches: branches.map((x, j) => (j === i ? b : x)) });
  const when = (b: Row) => (b.when && typeof b.when === 'object' ? (b.when as Row) : {});
  const valueText = (v: unknown) => (Array.isArray(v) ? v.join(', ') : str(v));
  const conditionValue = (op: string, text: string): unknown =>
    op === 'in'
      ? text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : (op === 'gt' || op === 'lt') && text.trim() !== '' && !Number.isNaN(Number(text))
        ? Number(text)
        : text;
  return (
    <>
      {branches.map((b, i) => {
        const w = when(b);
        const op = str(w.op) || 'eq';
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: branches are edited in place, by position
          <Fieldset key={i} legend={t('flowBuilder.branchN', { n: i + 1 })} mb="sm">
            <TextField
              label={t('flowBuilder.variable')}
              value={str(w.var)}
              readOnly={readOnly}
              hint={t('flowBuilder.variableHint')}
              onChange={(e) => setBranch(i, { ...b, when: { ...w, var: e.target.value } })}
            />
            <SelectField
              label={t('flowBuilder.operator')}
              value={op}
              disabled={readOnly}
              onChange={(e) =>
                setBranch(i, {
                  ...b,
                  when: withOptional(
                    { ...w, op: e.target.value },
                    'value',
                    e.target.value === 'exists' ? '' : conditionValue(e.target.value, valueText(w.value)),
                  ),
                })
              }
            >
              {OPS.map((o) => (
                <option key={o} value={o}>
                  {t(`flowBuilder.op.${o}`)}
                </option>
              ))}
            </SelectField>
            {op !== 'exists' && (
              <TextField
                label={t('flowBuilder.value')}
                value={valueText(w.value)}
                readOnly={readOnly}
                hint={op === 'in' ? t('flowBuilder.valueListHint') : undefined}
                onChange={(e) =>
                  setBranch(i, { ...b, when: withOptional(w, 'value', conditionValue(op, e.target.value)) })
                }
              />
            )}
            <NextStep
              doc={doc}
              from={id}
              exit={exits[i]!}
              readOnly={readOnly}
              onChange={(to) => setBranch(i, { ...b, next: to })}
            />
            {!readOnly && branches.length > 1 && (
              <Button
                variant="subtle"
                color="red"
                size="xs"
                onClick={() => replace({ ...step, branches: branches.filter((_, j) => j !== i) })}
              >
                {t('flowBuilder.removeBranch', { n: i + 1 })}
              </Button>
            )}
          </Fieldset>
        );
      })}
      {!readOnly && branches.length < 10 && (
        <Button
          variant="default"
          size="xs"
          mb="sm"
          onClick={() =>
            replace({
              ...step,
              branches: [...branches, { when: { var: 'answers.', op: 'eq', value: '' }, next: '' }],
            })
          }
        >
          {t('flowBuilder.addBranch')}
        </Button>
      )}
      <NextStep
        doc={doc}
        from={id}
        exit={exits[exits.length - 1]!}
        readOnly={readOnly}
        onChange={(to) => replace({ ...step, otherwise: to })}
      />
    </>
  );
}

/** With no step selected: the flow's title, key, language, description and start. */
export function FlowSettingsPanel({
  doc,
  onChange,
  readOnly,
}: {
  doc: FlowDoc;
  onChange: (doc: FlowDoc) => void;
  readOnly: boolean;
}) {
  const { t, languageName } = useI18n();
  const set = (field: string, value: string) => onChange(withOptional(doc, field, value) as FlowDoc);
  const locales = [...new Set(['fr', 'en', doc.locale].filter(Boolean))];
  return (
    <section aria-labelledby="flow-settings-title" className="flow-step-form">
      <h2 id="flow-settings-title" className="flow-panel-title">
        {t('flowBuilder.flowSettings')}
      </h2>
      <TextField
        label={t('flows.name')}
        value={doc.title ?? ''}
        readOnly={readOnly}
        onChange={(e) => set('title', e.target.value)}
      />
      <TextField
        label={t('flows.key')}
        value={doc.key ?? ''}
        readOnly={readOnly}
        hint={t('flowBuilder.keyHint')}
        onChange={(e) => set('key', e.target.value)}
      />
      <SelectField
        label={t('flows.locale')}
        value={doc.locale}
        disabled={readOnly}
        onChange={(e) => set('locale', e.target.value)}
      >
        {locales.map((l) => (
          <option key={l} value={l}>
            {languageName(l)}
          </option>
        ))}
      </SelectField>
      <TextArea
        label={t('flowBuilder.description')}
        value={str(doc.description)}
        readOnly={readOnly}
        hint={t('flowBuilder.optional')}
        onChange={(e) => set('description', e.target.value)}
      />
      <SelectField
        label={t('flowBuilder.startStep')}
        value={doc.start}
        disabled={readOnly}
        onChange={(e) => set('start', e.target.value)}
      >
        {!doc.nodes[doc.start] && <option value={doc.start}>{t('flowBuilder.notConnected')}</option>}
        {Object.keys(doc.nodes).map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </SelectField>
    </section>
  );
}
