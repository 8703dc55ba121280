/**
 * Every Slack action_id, callback_id and command the bot uses. The manifest test reads this file, so a new
 * interaction cannot be added without the manifest agreeing.
 */
export const COMMAND = '/syncro';

export const ACTION = {
  /** Post button on a card; value = JSON {id, attempt}. */
  post: 'syncro_post',
  /** Cancel button on a card; value = JSON {id, attempt}. */
  cancel: 'syncro_cancel',
  /** "Check Syncro again" on a card whose outcome is unknown; value = JSON {id, attempt}. */
  recheck: 'syncro_recheck',
  /** Editable field on a proposed card (static_select); action_id = `syncro_edit_<field>`, block_id = action id. */
  editPrefix: 'syncro_edit_',
  /** Customer chosen from the pick list of an ambiguous `create`; value = JSON {draft, customerId}. */
  pickCustomer: 'syncro_pick_customer',
  /** Ticket view buttons; value = ticket number. */
  ticketComment: 'syncro_ticket_comment',
  ticketStatus: 'syncro_ticket_status',
  ticketClose: 'syncro_ticket_close',
  ticketBill: 'syncro_ticket_bill',
  /** Remove on an uninvoiced line of the ticket view; value = JSON {ticketId, lineItemId} (views/ticket-detail.ts). */
  ticketRemoveLine: 'syncro_ticket_remove_line',
  /** Timers (kept by the bot; nothing is sent to Syncro): value = ticket number. */
  timerStart: 'syncro_timer_start',
  timerStop: 'syncro_timer_stop',
  timerCancel: 'syncro_timer_cancel',
  /** "Bill this time" on a stopped timer; value = JSON TimerSpan. */
  timerBill: 'syncro_timer_bill',
  /** "Record a timer entry" on a stopped timer; value = JSON TimerSpan. */
  timerRecord: 'syncro_timer_record',
  /** "Open a ticket…" select under a ticket list; the option's value = ticket number. */
  openTicket: 'syncro_open_ticket',
  /** Pagination of lists; value = JSON {kind, query?, page}. */
  page: 'syncro_page',
  /** Link buttons (open in Syncro) still send an action payload; it is acknowledged and ignored. */
  openLink: 'syncro_open_link',
  /** "Write session log" on a finished close or billing card; value = JSON {id, attempt} of that action. */
  sessionLog: 'syncro_session_log',
  /** "Reopen form" on the reply to a form that closed and then failed; value = the draft (form-drafts.ts). */
  reopenForm: 'syncro_reopen_form',
  /** Opens the connect modal (/syncro connect's form), e.g. from App Home or a "not set up" reply; no value. */
  connectOpen: 'syncro_connect_open',
  /** Approve / Refuse on an approval card for a connected key; value = JSON {user, at} (enrolment-card.ts). */
  connectApprove: 'syncro_connect_approve',
  connectReject: 'syncro_connect_reject',
  /** "Assign to me" on a notification's parent message; value = ticket number (src/notifications). */
  notifyAssignMe: 'syncro_notify_assign_me',
  /** "Post this to Syncro as a comment" offered under a reply in a ticket's thread; value = JSON {n, t}. */
  notifyThreadComment: 'syncro_notify_thread_comment',
  /** App Home: a kind of notification DM on/off; value = the kind. */
  notifyToggle: 'syncro_notify_toggle',
  /** App Home: quiet hours (static select); value = `HH:MM-HH:MM` or `off`. */
  notifyQuiet: 'syncro_notify_quiet',
} as const;

/** Editable fields a proposed card may offer: the core's list (the select's action id is editPrefix + field). */
export { EDITABLE_FIELDS, type EditableField } from '../actions/types.js';

export const VIEW = {
  comment: 'syncro_comment_modal',
  status: 'syncro_status_modal',
  close: 'syncro_close_modal',
  bill: 'syncro_bill_modal',
  timerEntry: 'syncro_timer_entry_modal',
  /** "Create Syncro ticket" (message shortcut) and "New Syncro ticket" (global shortcut). */
  createTicket: 'syncro_create_ticket_modal',
  /** "Add to Syncro ticket" (message shortcut). */
  addToTicket: 'syncro_add_to_ticket_modal',
  /** /syncro connect: the technician pastes their Syncro API token. */
  connect: 'syncro_connect_modal',
} as const;

/** Shortcut callback ids (manifest features.shortcuts). */
export const SHORTCUT = {
  /** Message shortcut "Create Syncro ticket". */
  createFromMessage: 'syncro_create_from_message',
  /** Message shortcut "Add to Syncro ticket". */
  addToTicket: 'syncro_add_to_ticket',
  /** Global shortcut "New Syncro ticket". */
  newTicket: 'syncro_new_ticket',
} as const;

/** external_select whose options Slack loads from the options-load URL (customer typeahead). */
export const OPTIONS = {
  customerSearch: 'syncro_customer_search',
  /** The ticket pick of "Add to Syncro ticket": a number, or words of the subject / customer. */
  ticketSearch: 'syncro_ticket_search',
} as const;
