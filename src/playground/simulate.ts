import { addAppointment } from '../sandbox/routes/appointments.js';
import type { SyncroSimulator } from '../sandbox/simulator.js';

/**
 * The playground's "Simulate" menu: Syncro changes on its own, as customers and colleagues would make it change,
 * and then rings the bot's webhook the way Syncro's Notification Center does (`{text, link, attributes}`), so
 * that the thread appears within seconds. The appointment is read by the reminders' own loop (own key).
 */

export const SIMULATIONS = ['reply', 'new', 'assign', 'appointment'] as const;
export type Simulation = (typeof SIMULATIONS)[number];

export interface SimulateDeps {
  simulator: SyncroSimulator;
  /** The bot's webhook URL (with its secret), once the bot listens. */
  webhookUrl: () => string | undefined;
  /** The Syncro user of a playground person. */
  syncroUserOf: (slackId: string) => number | undefined;
}

export async function simulate(deps: SimulateDeps, slackId: string, what: Simulation): Promise<string> {
  const state = deps.simulator.state;
  const me = deps.syncroUserOf(slackId);
  const open = state.ticketsNewestFirst().filter((t) => t.status !== 'Resolved' && t.status !== 'Closed');
  let ticket = open[0];
  let event = '';
  switch (what) {
    case 'reply': {
      // A customer's reply (no user_id), on one of the person's tickets when they have one.
      ticket = open.find((t) => t.user_id === me) ?? open[0];
      if (!ticket) return 'There is no open ticket to reply to.';
      state.addComment({
        ticket_id: ticket.id,
        subject: 'Re: your ticket',
        body: 'Hi, it is still not working this morning. Could someone call me back?',
      });
      event = 'Someone replied to a ticket';
      break;
    }
    case 'new': {
      const customer = state.customers[Math.floor(Math.random() * state.customers.length)];
      if (!customer) return 'The simulator has no customer.';
      ticket = state.addTicket({
        customer_id: customer.id,
        subject: 'Outlook keeps asking for the password',
      });
      event = 'A Ticket was created';
      break;
    }
    case 'assign': {
      ticket = open.find((t) => t.user_id !== me) ?? open[0];
      if (!ticket || me === undefined) return 'There is no ticket to assign.';
      state.updateTicket(ticket, { user_id: me });
      event = 'A Ticket was assigned';
      break;
    }
    case 'appointment': {
      if (me === undefined) return 'This person has no Syncro user.';
      const start = Date.now() + 10 * 60_000;
      addAppointment(state, {
        summary: 'Onsite visit: printer and Wi-Fi',
        description: null,
        start_at: new Date(start).toISOString(),
        end_at: new Date(start + 60 * 60_000).toISOString(),
        customer_id: state.customers[0]?.id ?? null,
        ticket_id: open[0]?.id ?? null,
        location: 'Customer site',
        user_id: me,
      });
      return 'An appointment starts in 10 minutes: the reminder comes by DM within a few minutes.';
    }
  }
  if (!ticket) return 'Nothing to simulate.';
  const url = deps.webhookUrl();
  if (url) {
    // As Syncro's Notification Center posts it: unsigned, no event type field; the bot reads the ticket itself.
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: `${event}\nTicket #${ticket.number}: ${ticket.subject}`,
        link: `${deps.simulator.webUrl}/tickets/${ticket.id}`,
        attributes: { id: ticket.id, number: ticket.number, status: ticket.status },
      }),
    }).catch(() => undefined);
  }
  return `${event} (#${ticket.number}); the webhook rang the bot.`;
}
