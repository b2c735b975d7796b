import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';

export const BotSettings = z.strictObject({
  botName: z.string().trim().min(1).max(40).describe('Name the bot introduces itself with.'),
  tone: z.enum(['formal', 'informal']).describe('French: `formal` says "vous", `informal` says "tu".'),
});
export type BotSettings = z.infer<typeof BotSettings>;

export const DEFAULT_BOT_SETTINGS: BotSettings = { botName: 'Relais', tone: 'formal' };
// A stored value missing a field takes that field's default.
const BOT = defineSetting(
  'bot',
  BotSettings.partial().transform((s) => ({ ...DEFAULT_BOT_SETTINGS, ...s })),
  DEFAULT_BOT_SETTINGS,
);

export const readBotSettings = (db: DbOrTx): Promise<BotSettings> => getSetting(db, BOT);

export async function writeBotSettings(db: DbOrTx, settings: BotSettings) {
  await putSetting(db, BOT, settings);
  return settings;
}
