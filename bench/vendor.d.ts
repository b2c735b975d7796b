// node-nlp ships no type declarations: the few members the benchmark uses.
declare module 'node-nlp' {
  export interface NlpOutput {
    intent: string;
    score: number;
    classifications?: Array<{ intent: string; score: number }>;
  }
  export class NlpManager {
    constructor(settings?: object);
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<NlpOutput>;
  }
}

// autocannon ships no type declarations: the few members bench/load.ts uses.
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    overallRate?: number;
    requests?: Array<{ setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> }>;
  }
  interface Result {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
