/**
 * The folder a customer's session logs live in: `clients/<customer-slug>/session-logs/` (the reference command's
 * `clients/<customer>/session-logs/`). The slug is the customer's name in lower case, accents dropped, `&` read
 * as "and", apostrophes dropped (Len's → lens), every other run of non-letters a single `-`.
 */

const MAX_SLUG = 60;

export function customerSlug(name: string | undefined, customerId?: number): string {
  const slug = (name ?? '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  if (slug) return slug;
  // A customer without a usable name still gets its own folder, named by its Syncro id.
  return customerId === undefined ? 'unknown-customer' : `customer-${customerId}`;
}
