/**
 * The visual flow builder (issue #16): the flow's steps on a React Flow canvas, laid out top-down from
 * the start, choices as labelled edges; exits are connected by dragging from a step's exit to another
 * step (or with the "Next step" selects of the panel); the side panel edits the selected step as a form.
 * The definition stays the one source of truth; the canvas is derived from it.
 */
import '@xyflow/react/dist/style.css';
import './flows.css';
import { Badge, Button, Group, NativeSelect, Tabs, Text } from '@mantine/core';
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  Handle,
  MarkerType,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import {
  addStep,
  blankStep,
  connect,
  exitsOf,
  type FlowDoc,
  freeId,
  layout,
  removeStep,
  STEP_KINDS,
  type Step,
  type StepKind,
  stepOfIssue,
} from '../flow-graph.ts';
import { type MessageKey, type Translate, useI18n } from '../i18n.tsx';
import { useArticleOptions } from '../pickers.tsx';
import { exitLabel, FlowSettingsPanel, KIND_LABEL, StepPanel } from './FlowStepPanel.tsx';

export interface Issue {
  field: string;
  message: string;
}

interface StepData extends Record<string, unknown> {
  id: string;
  step: Step;
  start: boolean;
  summary: string;
  kind: string;
  exits: Array<{ field: string; label: string; connected: boolean }>;
  issues: string[];
  startLabel: string;
  issuesLabel: string;
}

function summaryOf(step: Step, t: Translate, titleOf: (id: string) => string | undefined): string {
  const text = typeof step.text === 'string' ? step.text : '';
  switch (step.type) {
    case 'article': {
      const id = typeof step.articleId === 'string' ? step.articleId : '';
      return id
        ? (titleOf(id) ?? t('pickers.unknownArticle', { id: id.slice(0, 8) }))
        : t('flowBuilder.noArticle');
    }
    case 'action':
      return `${String(step.method ?? 'POST')} ${String(step.connection || '?')}${String(step.path ?? '')}`;
    case 'condition':
      return (Array.isArray(step.branches) ? step.branches : [])
        .map((b: { when?: { var?: string; op?: string; value?: unknown } }) =>
          [b.when?.var, b.when?.op, b.when?.value === undefined ? '' : String(b.when.value)].join(' '),
        )
        .join(' · ');
    default:
      return text;
  }
}

const FIELD_LABEL: Record<string, MessageKey> = {
  text: 'flowBuilder.text',
  label: 'flowBuilder.choiceLabel',
  value: 'flowBuilder.choiceValue',
  successText: 'flowBuilder.successText',
  failureText: 'flowBuilder.failureText',
  errorText: 'flowBuilder.errorText',
  path: 'flowBuilder.path',
};

/** The schema's wording for the fields the panel edits, said as the panel says them. */
function fieldIssue(field: string, message: string, t: Translate): string {
  const last = field.split('.').at(-1) ?? '';
  if (last === 'articleId') return t('flowBuilder.issue.article');
  if (last === 'connection') return t('flowBuilder.issue.connection');
  const label = FIELD_LABEL[last];
  if (
    label &&
    /^(Too small: expected string|Invalid input: expected string, received undefined)/.test(message)
  )
    return t('flowBuilder.issue.empty', { field: t(label) });
  return message;
}

/** One step on the canvas: its kind, id, what it says, its exits (drag from them) and its issues. */
function StepNode({ data, selected }: NodeProps<Node<StepData>>) {
  const invalid = data.issues.length > 0;
  return (
    <div
      className={`flow-step kind-${data.step.type}${selected ? ' selected' : ''}${invalid ? ' invalid' : ''}`}
    >
      <Handle type="target" position={Position.Top} className="flow-handle" />
      <div className="flow-step-head">
        <span className="flow-step-kind">{data.kind}</span>
        {data.start && <span className="flow-step-start">{data.startLabel}</span>}
      </div>
      <div className="flow-step-id">{data.id}</div>
      {data.summary && <div className="flow-step-text">{data.summary}</div>}
      {invalid && (
        <ul className="flow-step-issues" aria-label={data.issuesLabel}>
          {data.issues.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      {data.exits.length > 0 && (
        <div className="flow-step-exits">
          {data.exits.map((e) => (
            <div key={e.field} className={`flow-exit${e.connected ? '' : ' open'}`} data-exit={e.field}>
              <span>{e.label}</span>
              <Handle type="source" position={Position.Bottom} id={e.field} className="flow-handle" />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

const NODE_TYPES = { step: StepNode };

export interface BuilderProps {
  doc: FlowDoc;
  onChange: (doc: FlowDoc) => void;
  issues: Issue[];
  readOnly: boolean;
  /** The preview, in a tab of the side panel: tried beside the canvas. */
  preview?: ReactNode;
}

export function FlowBuilder(props: BuilderProps) {
  return (
    <ReactFlowProvider>
      <Builder {...props} />
    </ReactFlowProvider>
  );
}

function Builder({ doc, onChange, issues, readOnly, preview }: BuilderProps) {
  const { t } = useI18n();
  const { titleOf } = useArticleOptions();
  const [selected, setSelected] = useState<string | null>(null);
  const [moved, setMoved] = useState<Record<string, { x: number; y: number }>>({});
  const [kind, setKind] = useState<StepKind>('message');
  const [side, setSide] = useState<string | null>('edit');
  const flow = useReactFlow();

  // A step that no longer exists (deleted, renamed) is no longer selected.
  const current = selected && doc.nodes[selected] ? selected : null;

  const issuesByStep = useMemo(() => {
    const by = new Map<string, string[]>();
    for (const i of issues) {
      const id = stepOfIssue(i.field);
      const step = id ? doc.nodes[id] : undefined;
      if (!id) continue;
      // An exit not connected yet: say so in words rather than the schema's "invalid string".
      const field = i.field.replace(/^(definition\.)?nodes\.[^.]+\./, '');
      const open = step && exitsOf(step).find((e) => e.field === field && !e.to);
      const message = open
        ? t('flowBuilder.openExit', { exit: exitLabel(open, t) })
        : fieldIssue(field, i.message, t);
      by.set(id, [...new Set([...(by.get(id) ?? []), message])]);
    }
    return by;
  }, [issues, doc, t]);

  const nodes = useMemo<Node<StepData>[]>(
    () =>
      layout(doc).map(({ id, x, y }) => {
        const step = doc.nodes[id]!;
        const kindLabel = t(KIND_LABEL[step.type]);
        const stepIssues = issuesByStep.get(id) ?? [];
        return {
          id,
          type: 'step',
          position: moved[id] ?? { x, y },
          selected: id === current,
          ariaLabel: t('flowBuilder.nodeLabel', { kind: kindLabel, id, count: stepIssues.length }),
          data: {
            id,
            step,
            start: id === doc.start,
            kind: kindLabel,
            summary: summaryOf(step, t, titleOf),
            exits: exitsOf(step).map((e) => ({
              field: e.field,
              label: exitLabel(e, t),
              connected: Boolean(e.to && doc.nodes[e.to]),
            })),
            issues: stepIssues,
            startLabel: t('flows.start'),
            issuesLabel: t('flowBuilder.issuesOf', { id }),
          },
        };
      }),
    [doc, moved, current, issuesByStep, t, titleOf],
  );

  const edges = useMemo<Edge[]>(
    () =>
      Object.entries(doc.nodes).flatMap(([from, step]) =>
        exitsOf(step)
          .filter((e) => e.to && doc.nodes[e.to])
          .map((e) => {
            const label = e.label.kind === 'next' ? undefined : exitLabel(e, t);
            return {
              id: `${from}:${e.field}`,
              source: from,
              sourceHandle: e.field,
              target: e.to,
              ...(label ? { label } : {}),
              ariaLabel: t('flowBuilder.edgeLabel', {
                from,
                to: e.to,
                exit: label ?? t('flowBuilder.exit.next'),
              }),
              markerEnd: { type: MarkerType.ArrowClosed },
              className: e.label.kind === 'failure' ? 'failure' : '',
            };
          }),
      ),
    [doc, t],
  );

  // New steps and loaded flows: fit them in view once the canvas knows their sizes.
  const count = Object.keys(doc.nodes).length;
  useEffect(() => {
    if (count === 0) return;
    const timer = setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }), 50);
    return () => clearTimeout(timer);
  }, [count, flow]);

  // Deleting a step makes React Flow report its removal and its edges' in two calls before any
  // re-render: each edit starts from the latest document, not this render's.
  const latest = useRef(doc);
  latest.current = doc;
  const apply = (next: FlowDoc) => {
    if (next === latest.current) return;
    latest.current = next;
    onChange(next);
  };

  const onNodesChange = (changes: NodeChange<Node<StepData>>[]) => {
    let next = latest.current;
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        const p = c.position;
        setMoved((m) => ({ ...m, [c.id]: p }));
      } else if (c.type === 'select') {
        if (c.selected) {
          setSelected(c.id);
          setSide('edit');
        } else setSelected((s) => (s === c.id ? null : s));
      } else if (c.type === 'remove' && !readOnly) {
        next = removeStep(next, c.id);
      }
    }
    apply(next);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    if (readOnly) return;
    let next = latest.current;
    for (const c of changes) {
      if (c.type !== 'remove') continue;
      const [from, field] = c.id.split(/:(.*)/s);
      if (from && field && next.nodes[from]) next = connect(next, from, field, '');
    }
    apply(next);
  };
  const onConnect = (c: Connection) => {
    if (readOnly || !c.sourceHandle || c.source === c.target) return;
    apply(connect(latest.current, c.source, c.sourceHandle, c.target));
  };

  const add = () => {
    const id = freeId(doc, kind);
    const step = blankStep(kind, { message: t('flowBuilder.newText'), choice: t('flowBuilder.newChoice') });
    onChange(addStep(doc, step, id, current ?? undefined));
    setSelected(id);
  };

  const flowIssues = issues.filter((i) => !stepOfIssue(i.field));
  const ids = Object.keys(doc.nodes);

  return (
    <div className="flow-builder">
      <div className="flow-canvas-column">
        {!readOnly && (
          <Group gap="xs" align="end" className="flow-toolbar" wrap="wrap">
            <NativeSelect
              label={t('flowBuilder.newKind')}
              value={kind}
              onChange={(e) => setKind(e.target.value as StepKind)}
              data={STEP_KINDS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))}
            />
            <Button variant="default" onClick={add}>
              {current ? t('flowBuilder.addAfter', { id: current }) : t('flowBuilder.add')}
            </Button>
          </Group>
        )}
        <section className="flow-canvas" aria-label={t('flows.graph')}>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onPaneClick={() => setSelected(null)}
            nodesDraggable
            nodesConnectable={!readOnly}
            elementsSelectable
            deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
            minZoom={0.2}
            fitView
            fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
            ariaLabelConfig={ariaLabels(t)}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </section>
        <Text size="sm" className="hint">
          {readOnly ? t('flowBuilder.readOnlyHint') : t('flowBuilder.hint')}
        </Text>
        {flowIssues.length > 0 && (
          <ul className="issues flow-issues">
            {flowIssues.map((i) => (
              <li key={`${i.field}:${i.message}`}>
                <code>{i.field}</code> — {i.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <aside className="flow-panel" aria-label={t('flowBuilder.panel')}>
        <Tabs value={side} onChange={setSide} keepMounted={false}>
          <Tabs.List mb="sm">
            <Tabs.Tab value="edit">{t('flowBuilder.editTab')}</Tabs.Tab>
            {preview && <Tabs.Tab value="try">{t('flows.preview')}</Tabs.Tab>}
          </Tabs.List>
          <Tabs.Panel value="edit">
            <NativeSelect
              label={t('flowBuilder.selectStep')}
              value={current ?? ''}
              onChange={(e) => setSelected(e.target.value || null)}
              data={[
                { value: '', label: t('flowBuilder.flowSettings') },
                ...ids.map((id) => ({
                  value: id,
                  label: `${id} — ${t(KIND_LABEL[doc.nodes[id]!.type])}${issuesByStep.has(id) ? ' ⚠' : ''}`,
                })),
              ]}
              mb="sm"
            />
            {current ? (
              <StepPanel
                key={current}
                doc={doc}
                id={current}
                onChange={onChange}
                onRenamed={setSelected}
                onDelete={() => {
                  onChange(removeStep(doc, current));
                  setSelected(null);
                }}
                issues={issuesByStep.get(current) ?? []}
                readOnly={readOnly}
              />
            ) : (
              <FlowSettingsPanel doc={doc} onChange={onChange} readOnly={readOnly} />
            )}
            {issuesByStep.size > 0 && (
              <Group gap={4} mt="sm">
                {[...issuesByStep.keys()]
                  .filter((id) => doc.nodes[id])
                  .map((id) => (
                    <Badge
                      key={id}
                      color="red"
                      variant="light"
                      component="button"
                      type="button"
                      onClick={() => setSelected(id)}
                    >
                      {t('flowBuilder.goToIssue', { id })}
                    </Badge>
                  ))}
              </Group>
            )}
          </Tabs.Panel>
          {preview && <Tabs.Panel value="try">{preview}</Tabs.Panel>}
        </Tabs>
      </aside>
    </div>
  );
}

/** React Flow's own labels (controls, keyboard help), in the console's language. */
function ariaLabels(t: Translate) {
  return {
    'node.a11yDescription.default': t('flowBuilder.a11y.node'),
    'node.a11yDescription.keyboardDisabled': t('flowBuilder.a11y.node'),
    'node.a11yDescription.ariaLiveMessage': ({
      direction,
      x,
      y,
    }: {
      direction: string;
      x: number;
      y: number;
    }) => t('flowBuilder.a11y.moved', { direction, x, y }),
    'edge.a11yDescription.default': t('flowBuilder.a11y.edge'),
    'controls.ariaLabel': t('flowBuilder.a11y.controls'),
    'controls.zoomIn.ariaLabel': t('flowBuilder.a11y.zoomIn'),
    'controls.zoomOut.ariaLabel': t('flowBuilder.a11y.zoomOut'),
    'controls.fitView.ariaLabel': t('flowBuilder.a11y.fitView'),
    'controls.interactive.ariaLabel': t('flowBuilder.a11y.interactive'),
    'minimap.ariaLabel': t('flowBuilder.a11y.minimap'),
    'handle.ariaLabel': t('flowBuilder.a11y.handle'),
  };
}
