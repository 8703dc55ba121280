/**
 * block_id and action_id of every modal input. Slack returns inputs as `view.state.values[block_id][action_id]`
 * and takes validation errors keyed by block_id (`response_action: 'errors'`). Block ids are unique within one
 * modal; the comment inputs share ids across the comment, close and bill modals on purpose (one reader).
 * Inputs do not dispatch actions, so these are not Slack interactions and are not in the manifest.
 */
export const MODAL_BLOCK = {
  subject: 'syncro_subject',
  body: 'syncro_body',
  visibility: 'syncro_visibility',
  status: 'syncro_status',
  minutes: 'syncro_minutes',
  labor: 'syncro_labor',
  description: 'syncro_description',
  /** The connect modal's token input: its value is a secret (never logged: bolt-logger.ts scrubs it). */
  token: 'syncro_token',
} as const;

export const MODAL_ACTION = {
  subject: 'syncro_subject_input',
  body: 'syncro_body_input',
  visibility: 'syncro_visibility_input',
  status: 'syncro_status_input',
  minutes: 'syncro_minutes_input',
  labor: 'syncro_labor_input',
  description: 'syncro_description_input',
  token: 'syncro_token_input',
} as const;

export type ModalField = keyof typeof MODAL_BLOCK;
