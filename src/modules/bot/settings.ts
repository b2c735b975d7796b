import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { readSetting, writeSetting } from '../settings/repository.ts';

export const BotSettings = z.strictObject({
  botName: z.string().trim().min(1).max(40).describe('Name the bot introduces itself with.'),
  tone: z.enum(['formal', 'informal']).describe('French: `formal` says "vous", `informal` says "tu".'),
});
export type BotSettings = z.infer<typeof BotSettings>;

export const DEFAULT_BOT_SETTINGS: BotSettings = { botName: 'Relais', tone: 'formal' };
const KEY = 'bot';

export async function readBotSettings(db: DbOrTx): Promise<BotSettings> {
  const stored = BotSettings.partial().safeParse((await readSetting<unknown>(db, KEY)) ?? {});
  return { ...DEFAULT_BOT_SETTINGS, ...(stored.success ? stored.data : {}) };
}

export async function writeBotSettings(db: DbOrTx, settings: BotSettings) {
  await writeSetting(db, KEY, settings);
  return settings;
}
