import { describe, expect, it } from 'vitest';
import { bodyPreviewBlocks, PREVIEW_MAX } from '../../../src/slack/views/body-preview.js';
import { typedToHtml } from '../../../src/text/slack-markup.js';

describe('the card’s Preview of a comment body', () => {
  it('draws the body as Slack rich text: styles, links, code blocks; nothing in it is Slack markup', () => {
    const html = typedToHtml(
      '*front desk* <!channel> & <@U1>\nsee https://kb.example\n```\nipconfig  /all\n```',
    );
    const [label, rich] = bodyPreviewBlocks(html, 'the comment');
    expect(JSON.stringify(label)).toContain('*Preview*: how Syncro will show the comment');
    expect(rich).toEqual({
      type: 'rich_text',
      elements: [
        {
          type: 'rich_text_section',
          elements: [
            { type: 'text', text: 'front desk', style: { bold: true } },
            { type: 'text', text: ' <!channel> & <@U1>\nsee ' },
            { type: 'link', url: 'https://kb.example', text: 'https://kb.example' },
          ],
        },
        { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'ipconfig  /all' }] },
      ],
    });
  });

  it('shows the start of a long body and says the payload holds all of it', () => {
    const blocks = bodyPreviewBlocks(typedToHtml(`*${'word '.repeat(1000)}end*`), 'the comment');
    expect(JSON.stringify(blocks[0])).toContain('the payload above holds all of it');
    const text = JSON.stringify(blocks[1]);
    expect(text.length).toBeLessThan(PREVIEW_MAX + 200);
    expect(text).toContain('…');
  });

  it('shows nothing for an empty body', () => {
    expect(bodyPreviewBlocks('', 'the comment')).toEqual([]);
  });
});
