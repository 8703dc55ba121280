import type { KnownBlock } from '@slack/types';
import { type Customer, customerName } from '../../syncro/schemas.js';
import {
  escapeMrkdwn,
  finalizeMessage,
  header,
  type Message,
  section,
  sections,
  truncate,
} from '../blocks.js';
import { hours } from './format.js';
import { noSuchPageText, pageSummary, paginationBlocks } from './pagination.js';

export interface CustomerListParams {
  customers: Customer[];
  query: string;
  page: number;
  totalPages: number;
  /** All matching customers (Syncro's total_entries), when known. */
  total?: number;
}

/**
 * One line per customer: name, email, and prepaid hours where the customer has a block. Never Syncro's id: a
 * customer whose name another listed customer shares (`sharesName`) is told apart by their city and phone.
 */
export function customerLine(c: Customer, sharesName = false): string {
  const parts = [`• *${escapeMrkdwn(truncate(customerName(c), 100))}*`];
  if (c.email) parts.push(escapeMrkdwn(truncate(c.email, 100)));
  if (sharesName) {
    const where = [c.city, c.phone]
      .filter((s): s is string => !!s?.trim())
      .map((s) => truncate(s.trim(), 60));
    if (where.length > 0) parts.push(escapeMrkdwn(where.join(', ')));
    else if (!c.email) parts.push('another customer of this name');
  }
  const prepaid = c.prepay_hours;
  if (prepaid !== null && prepaid !== undefined) parts.push(`⏱ ${hours(prepaid)} prepaid h`);
  return parts.join(' · ');
}

export function customerListView(p: CustomerListParams): Message {
  const title = truncate(`Customers matching “${p.query}”`, 150);
  const blocks: KnownBlock[] = [header(title)];
  if (p.customers.length === 0 && p.page > 1 && p.page > p.totalPages && p.totalPages >= 1) {
    const text = noSuchPageText({ page: p.page, totalPages: p.totalPages, total: p.total, noun: 'customer' });
    blocks.push(section(text));
    return finalizeMessage(blocks, text);
  }
  if (p.customers.length === 0) {
    blocks.push(
      section(`No customer matches “${escapeMrkdwn(p.query)}”. Try part of the business or person's name.`),
    );
    return finalizeMessage(blocks, `No customer matches “${p.query}”`);
  }
  const names = p.customers.map((c) => customerName(c).trim().toLowerCase());
  const shared = (i: number) => names.indexOf(names[i]!) !== names.lastIndexOf(names[i]!);
  blocks.push(...sections(p.customers.map((c, i) => customerLine(c, shared(i))).join('\n')));
  blocks.push(
    ...paginationBlocks({
      page: p.page,
      totalPages: p.totalPages,
      pageAction: { kind: 'customers', query: p.query },
      count: p.customers.length,
      total: p.total,
      noun: 'customer',
    }),
  );
  const summary = pageSummary({ ...p, count: p.customers.length, noun: 'customer' });
  return finalizeMessage(blocks, `Customers matching “${p.query}”: ${summary}`);
}
