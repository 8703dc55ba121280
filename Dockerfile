# syncro-slack: a current LTS Node. Native module (better-sqlite3) is built in the build stage.
# The build context is what .dockerignore allows: package*.json, tsconfig*.json, src/, manifest.yml.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
# Pending actions live here with the default SQLite store: mount a volume (or set DATABASE_URL=postgres://…).
# The bot runs as node (uid 1000): a named volume inherits this ownership, a host folder must be chown'd 1000:1000
# (otherwise start-up stops naming the path and the uid).
ENV DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# Readiness, not mere liveness: unhealthy while the store does not answer or Slack cannot reach the bot (Socket Mode
# disconnected). Asks HOST when the bot listens on one address only, on PORT (PORT=0 is refused with
# NODE_ENV=production, so the port probed is the port listened on).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD node -e "const h=process.env.HOST;const a=!h||h==='0.0.0.0'||h==='::'?'127.0.0.1':h.includes(':')?'['+h+']':h;fetch('http://'+a+':'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: node is PID 1 and receives SIGTERM itself. main.ts installs its handlers before anything else (PID 1
# ignores a signal without one), so docker stop is prompt, even while Slack is still connecting; writes in flight
# get up to 20 s (run with --stop-timeout 30). No tini: the bot runs no child processes here (no git or sops).
CMD ["node", "dist/main.js"]
