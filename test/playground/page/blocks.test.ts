import { describe, expect, it } from 'vitest';
import { newContext, renderBlocks } from '../../../src/playground/page/blocks.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });

describe('renderBlocks', () => {
  it('should show a block type it does not know as a visible placeholder with its JSON', () => {
    const html = renderBlocks([{ type: 'hologram', beam: 'on' }], newContext({}, 'message'));
    expect(html).toContain('Unsupported block type “hologram”');
    expect(html).toContain('&quot;beam&quot;: &quot;on&quot;');
  });

  it('should render sections with fields and an accessory, and register the accessory', () => {
    const ctx = newContext({}, 'message');
    const html = renderBlocks(
      [
        {
          type: 'section',
          block_id: 'card',
          text: md('*Comment on #32164*'),
          fields: [md('*Status*\nNew'), md('*Customer*\nJerry')],
          accessory: { type: 'button', action_id: 'go', text: plain('Open'), style: 'danger', value: '7' },
        },
      ],
      ctx,
    );
    expect(html).toContain('<b>Comment on #32164</b>');
    expect(html).toContain('class="s-fields"');
    expect(html).toContain('class="btn danger"');
    expect(ctx.elements).toEqual([
      expect.objectContaining({ blockId: 'card', actionId: 'go', inInput: false }),
    ]);
  });

  it('should render header, context, divider, actions with selects and overflow, rich text and a table', () => {
    const ctx = newContext({ U1: 'Howard' }, 'message');
    const html = renderBlocks(
      [
        { type: 'header', text: plain('Bill #32164') },
        { type: 'context', elements: [md('by <@U1>')] },
        { type: 'divider' },
        {
          type: 'actions',
          elements: [
            {
              type: 'static_select',
              action_id: 'pick',
              options: [{ text: plain('Low'), value: 'low' }],
              initial_option: { text: plain('Low'), value: 'low' },
            },
            { type: 'external_select', action_id: 'cust', min_query_length: 2 },
            { type: 'overflow', action_id: 'more', options: [{ text: plain('Audit'), value: 'audit' }] },
          ],
        },
        {
          type: 'rich_text',
          elements: [
            { type: 'rich_text_section', elements: [{ type: 'text', text: 'bold', style: { bold: true } }] },
            {
              type: 'rich_text_list',
              style: 'ordered',
              elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }],
            },
          ],
        },
        {
          type: 'table',
          rows: [
            [
              { type: 'raw_text', text: 'Line' },
              { type: 'raw_text', text: 'Qty' },
            ],
            [
              { type: 'raw_text', text: 'Remote' },
              { type: 'raw_text', text: '0.75' },
            ],
          ],
          column_settings: [null, { align: 'right' }],
        },
      ],
      ctx,
    );
    for (const want of [
      'class="b-header">Bill #32164',
      '@Howard',
      'class="b-divider"',
      '<option value="low" selected>Low</option>',
      'data-min="2"',
      'aria-label="More actions"',
      '<b>bold</b>',
      '<ol',
      '<th>Line</th>',
      '<td style="text-align:right">0.75</td>',
    ])
      expect(html).toContain(want);
    expect(ctx.elements.map((e) => e.actionId)).toEqual(['pick', 'cust', 'more']);
  });

  it('should render modal inputs with their errors under the field', () => {
    const ctx = newContext({}, 'modal', { minutes: 'Minutes must be a whole number' });
    const html = renderBlocks(
      [
        {
          type: 'input',
          block_id: 'minutes',
          label: plain('Minutes'),
          element: { type: 'number_input', action_id: 'm', is_decimal_allowed: false },
        },
        {
          type: 'input',
          block_id: 'body',
          label: plain('Comment'),
          optional: true,
          element: { type: 'plain_text_input', action_id: 'b', multiline: true },
        },
        {
          type: 'input',
          block_id: 'vis',
          label: plain('Who sees it'),
          element: {
            type: 'radio_buttons',
            action_id: 'v',
            options: [{ text: plain('Private'), value: 'p' }],
          },
        },
        {
          type: 'input',
          block_id: 'flags',
          label: plain('Flags'),
          element: { type: 'checkboxes', action_id: 'f', options: [{ text: plain('Taxable'), value: 't' }] },
        },
      ],
      ctx,
    );
    expect(html).toContain('type="number"');
    expect(html).toContain('<textarea');
    expect(html).toContain('(optional)');
    expect(html).toContain('type="radio"');
    expect(html).toContain('type="checkbox"');
    expect(html).toMatch(/id="in-minutes">.*role="alert">Minutes must be a whole number/);
    expect(ctx.elements.every((e) => e.inInput)).toBe(true);
  });

  it('should not fetch outside images: a box names them instead', () => {
    const html = renderBlocks(
      [{ type: 'image', image_url: 'https://cdn.example.com/x.png', alt_text: 'diagram' }],
      newContext({}, 'message'),
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('diagram');
    expect(html).toContain('cdn.example.com');
  });
});
