import type { WebClient } from '@slack/web-api';
import type { SessionLogUploader } from '../actions/kinds/session-log.js';
import { SessionLogNotWrittenError } from '../session-logs/git.js';

/**
 * Session logs uploaded to Slack when no git repository is configured: `filesUploadV2` (Slack's
 * files.getUploadURLExternal, the upload, files.completeUploadExternal; files.upload is retired). A refusal by
 * Slack (`ok: false`) is known not to have shared the file; anything else leaves it unclear, and the read-back
 * (files.list in the channel since the send) decides.
 */
export function slackSessionLogUploader(web: WebClient): SessionLogUploader {
  return {
    async upload({ channelId, threadTs, filename, title, content }) {
      let res: Awaited<ReturnType<WebClient['filesUploadV2']>>;
      try {
        const file = Buffer.from(content, 'utf8');
        res = await (threadTs
          ? web.filesUploadV2({ channel_id: channelId, thread_ts: threadTs, filename, title, file })
          : web.filesUploadV2({ channel_id: channelId, filename, title, file }));
      } catch (err) {
        const code = (err as { code?: unknown; data?: { error?: unknown } }).data?.error;
        if ((err as { code?: unknown }).code === 'slack_webapi_platform_error' && typeof code === 'string')
          throw new SessionLogNotWrittenError('files.uploadV2', code, { cause: err });
        throw err;
      }
      const fileId = fileIdOf(res);
      if (!fileId) throw new Error('files.completeUploadExternal answered without the file id');
      return { fileId };
    },
    async find({ channelId, filename, since }) {
      const res = await web.files.list({ channel: channelId, ts_from: String(Math.floor(since / 1000)) });
      return res.files?.find((f) => f.name === filename)?.id;
    },
  };
}

/** The file id in filesUploadV2's answer: one completion per upload, each listing its files. */
function fileIdOf(res: unknown): string | undefined {
  const completions = (res as { files?: Array<{ files?: Array<{ id?: string }> }> }).files ?? [];
  return completions.flatMap((c) => c.files ?? []).find((f) => typeof f.id === 'string')?.id;
}
