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
