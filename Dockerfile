# The sweepflow worker image (docker-compose.yml runs N of them against one Temporal cluster).
# Two stages: the build stage has the dev dependencies (TypeScript) and compiles src/ to dist/; the runtime
# stage gets dist/ and a production node_modules (`npm ci --omit=dev`) only. test/integration/
# production-install.test.ts runs a whole pipeline from exactly that layout.
# Node >= 20.19: the runtime requires the ESM package hyparquet-writer from CommonJS.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:20.19-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
ENV NODE_OPTIONS=--max-old-space-size=3072
# How the worker process starts (src/worker/memory.ts WORKER_ENV and WORKER_NODE_FLAGS; a test checks these
# lines against them): glibc returns freed blocks over 128 KiB to the system at once, and V8 collects each
# heap on its own thread, with a fixed heap growing factor.
ENV MALLOC_MMAP_THRESHOLD_=131072
ENV SWEEPFLOW_HEAP_GROWTH_PERCENT=150
ENTRYPOINT ["node", "--single-threaded-gc", "dist/client/cli.js"]
CMD ["worker"]
