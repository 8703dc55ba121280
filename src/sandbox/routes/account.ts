import { json, notFound, type Reply } from '../http.js';
import { customerJson, productJson, userJson } from '../render.js';
import { businessThenName, fullName } from '../state.js';
import { paginate, paramId, type RouteContext, route } from './context.js';

/** Flat, unlike most endpoints. `user_token` is secret-like: clients must never log it. */
function me({ state, user, userToken }: RouteContext): Reply {
  const staff = state.user(user.user_id);
  return json({
    user_token: userToken,
    user_email: user.user_email ?? staff?.email ?? null,
    user_name: user.user_name,
    user_id: user.user_id,
    admin: staff?.admin ?? false,
    can_use_app: true,
    two_factor_required: false,
    subdomain: 'sandbox',
    default_location: null,
    enable_multi_locations: false,
    locations_allowed: [],
  });
}

function searchCustomers({ state, query: q }: RouteContext): Reply {
  const needle = q.query?.trim().toLowerCase();
  const matching = state.customers.filter(
    (c) =>
      !needle ||
      [businessThenName(c), fullName(c), c.email ?? ''].some((field) => field.toLowerCase().includes(needle)),
  );
  const { items, meta } = paginate(matching, q.page);
  return json({ customers: items.map((c) => customerJson(state, c)), meta });
}

export const accountRoutes = [
  route('GET', '/me', me),
  route('GET', '/users', ({ state }) => json({ users: state.users.map((u) => [u.id, u.full_name]) })),
  route('GET', '/users/:id', (ctx) => {
    const user = ctx.state.user(paramId(ctx));
    return user ? json({ user: userJson(user) }) : notFound();
  }),
  route('GET', '/customers', searchCustomers),
  route('GET', '/customers/:id', (ctx) => {
    const customer = ctx.state.customer(paramId(ctx));
    return customer ? json({ customer: customerJson(ctx.state, customer) }) : notFound();
  }),
  route('GET', '/products/:id', (ctx) => {
    const product = ctx.state.product(paramId(ctx));
    return product ? json({ product: productJson(product) }) : notFound();
  }),
];
