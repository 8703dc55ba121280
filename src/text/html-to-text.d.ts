// html-to-text 10 ships no type declarations (and @types/html-to-text describes 9): the part we use.
declare module 'html-to-text' {
  export interface SelectorDefinition {
    selector: string;
    format?: string;
    options?: Record<string, unknown>;
  }
  export interface HtmlToTextOptions {
    baseElements?: {
      selectors?: string[];
      orderBy?: 'selectors' | 'occurrence';
      returnDomByDefault?: boolean;
    };
    decodeEntities?: boolean;
    limits?: { maxInputLength?: number; maxDepth?: number; maxChildNodes?: number; ellipsis?: string };
    preserveNewlines?: boolean;
    selectors?: SelectorDefinition[];
    wordwrap?: number | false | null;
  }
  export function compile(options?: HtmlToTextOptions): (html: string) => string;
  export function convert(html: string, options?: HtmlToTextOptions): string;
}
