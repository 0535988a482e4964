# syntax=docker/dockerfile:1
# twinops console image (issue 16): multi-stage, production dependencies only, non-root, data in
# a volume. compose.yaml runs three of these behind nginx. No container engine was available
# where this was written: CI runs this image's start command (CMD below, through the
# entrypoint) as a non-root user against the machine's services instead (npm run check:container).
ARG NODE_IMAGE=node:20.20-bookworm-slim

# All dependencies, for the build.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# onnxruntime-node's postinstall would download CUDA files; the CPU binaries ship in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc ./
RUN npm ci

# The Next build (.next).
FROM deps AS build
COPY . .
RUN node scripts/start.mjs --build-only

# Production dependencies only (tsx, which runs server.ts, is one of them).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    ONNXRUNTIME_NODE_INSTALL=skip \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
COPY --from=build /app/app ./app
COPY --from=build /app/components ./components
COPY --from=build /app/lib ./lib
COPY --from=build /app/types ./types
COPY --from=build /app/models ./models
COPY --from=build /app/package.json /app/server.ts /app/proxy.ts /app/next.config.js /app/tsconfig.json ./
COPY deploy/docker-entrypoint.sh /usr/local/bin/twinops-entrypoint
# The application files stay root's (read-only to the app); the data directory and Next's cache
# are the only places it writes.
RUN mkdir -p /data .next/cache && chown node:node /data .next/cache && chmod 0755 /usr/local/bin/twinops-entrypoint
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["twinops-entrypoint"]
# What `npm start` (scripts/start.mjs) runs once the build is there; the image is built already,
# and its files are read-only to the app, so it never rebuilds at start. The V8 flag is
# scripts/console-node-flags.json's (why: scripts/start.mjs).
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "server.ts"]
