/**
 * Syncro's standard ticket statuses (the reference's list). An account may configure its own
 * (`GET /tickets/settings` → `ticket_status_list`); this list is used only where that cannot be read, and to seed
 * the simulator.
 */
export const STANDARD_STATUSES = [
  'New',
  'In Progress',
  'Waiting on Customer',
  'Waiting on Vendor',
  'Scheduled',
  'Resolved',
  'Invoiced',
  'Closed',
] as const;
