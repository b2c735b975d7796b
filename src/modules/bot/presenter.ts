import type { DialogueState } from './dialogue.ts';
import type { FlowRun } from './flow-runner.ts';
import type { ConversationEventRow, ConversationRow } from './repository.ts';
import type { TurnResult } from './service.ts';

export function presentMessage(e: ConversationEventRow) {
  const data = e.data as Record<string, unknown>;
  return {
    id: e.id,
    at: e.at,
    from: e.author ?? 'system',
    text: e.text ?? '',
    ...(data.answer ? { answer: data.answer as { id: string; title: string; url: string } } : {}),
    ...(data.citations
      ? { citations: data.citations as Array<{ n: number; id: string; title: string; url: string }> }
      : {}),
    quickReplies:
      e.author === 'bot' ? ((data.quickReplies as Array<{ id: string; label: string }>) ?? []) : [],
  };
}

export function presentState(row: ConversationRow) {
  const state = row.state as { dialogue?: DialogueState; flow?: FlowRun | null };
  return {
    quickReplies: row.status === 'escalated' ? [] : (state.dialogue?.pending ?? []),
    flow: state.flow ? { flowId: state.flow.flowId, nodeId: state.flow.nodeId } : null,
  };
}

/** What the customer sees of a conversation: messages only, never the bot's decisions. */
export function presentConversation(row: ConversationRow, events: ConversationEventRow[]) {
  return {
    id: row.id,
    status: row.status,
    locale: row.locale,
    channel: row.channel,
    createdAt: row.createdAt,
    messages: events.filter((e) => e.kind === 'message' && e.text).map(presentMessage),
    ...presentState(row),
  };
}

/** A turn as the public API shows it (the bot's routes and the widget's). */
export function presentTurn(result: TurnResult) {
  return {
    conversationId: result.conversation.id,
    status: result.conversation.status,
    locale: result.conversation.locale,
    messages: result.messages.map(presentMessage),
    ...presentState(result.conversation),
    ...(result.escalationId ? { escalationId: result.escalationId } : {}),
    ...(result.chat ? { chat: result.chat } : {}),
  };
}
