/** Types of blocks.js (a plain ES module served to the browser as it is). */
export interface RenderedElement {
  blockId: string;
  actionId: string;
  element: Record<string, unknown>;
  inInput: boolean;
}
export interface RenderContext {
  people: Record<string, string>;
  surface: 'message' | 'modal' | 'home';
  errors: Record<string, string>;
  elements: RenderedElement[];
}
export function newContext(
  people: Record<string, string>,
  surface: RenderContext['surface'],
  errors?: Record<string, string>,
): RenderContext;
export function renderElement(el: unknown, blockId: string, ctx: RenderContext, inInput?: boolean): string;
export function renderBlock(block: unknown, index: number, ctx: RenderContext): string;
export function renderBlocks(blocks: unknown[], ctx: RenderContext): string;
