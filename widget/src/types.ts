/** The config endpoint's document (src/modules/widget/schemas.ts `WidgetConfig`). */
export interface Card {
  id: string;
  locale: string;
  title: string;
  shortAnswer: string;
  url: string;
}

export interface RuleWhen {
  urlPattern?: string;
  pageTags?: string[];
  segments?: string[];
  event?: string;
  minSecondsOnPage?: number;
  minVisits?: number;
}

export interface ClientRule {
  id: string;
  when: RuleWhen;
  show: 'suggest' | 'nudge';
  message: string | null;
  cooldownHours: number;
  articles: Card[];
}

export interface WidgetConfig {
  site: string;
  locale: string;
  strings: Record<string, string>;
  statusBanner: string | null;
  /** Status page: the open incident or maintenance written in this locale. */
  incident: {
    kind: 'incident' | 'maintenance';
    title: string;
    status: string;
    impact: string;
    url: string;
  } | null;
  helpCentreUrl: string;
  contactUrl: string;
  /** The company's assistant: name, colour and avatar from the help centre's branding. */
  brand: {
    name: string;
    color: string;
    logoUrl: string | null;
    /** The assistant's name in this locale and its avatar (absolute or data: URL). */
    assistantName: string;
    avatarUrl: string | null;
  };
  rules: ClientRule[];
  /** Micro-surveys the panel may ask after self-service, and the share of visitors asked. */
  surveys?: { csat: boolean; ces: boolean; sampleRate: number };
}

/** What the loader hands to the lazily loaded app. */
export interface AppContext {
  root: ShadowRoot;
  config: WidgetConfig;
  /** `https://relais.example/api/v1/widget/` */
  api: (path: string, init?: RequestInit, extra?: Record<string, string>) => Promise<Response>;
  suggestions: () => Card[];
  event: (type: string, extra?: Record<string, string>) => void;
  /** Anonymous first-party visitor id, and when this page view started (ms). */
  visitorId: string;
  started: number;
  /** Called when the panel closes: the loader puts focus back. */
  onClose: () => void;
}

export interface WidgetApp {
  open(query?: string): void;
  close(): void;
  isOpen(): boolean;
}
