# The sweepflow worker image (docker-compose.yml runs N of them against one Temporal cluster).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save typescript@5.9.3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY config ./config
RUN npx tsc -p tsconfig.build.json && npm uninstall --no-save typescript
ENV NODE_OPTIONS=--max-old-space-size=3072
ENTRYPOINT ["node", "dist/client/cli.js"]
CMD ["worker"]
