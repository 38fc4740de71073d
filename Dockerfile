# UAIP Hub. There is no build step: tsx runs the TypeScript sources directly.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

WORKDIR /app

# The whole workspace is needed before `npm ci`: every workspace's package.json takes part.
COPY --chown=node:node . .
# Dev dependencies included: the hub runs from TypeScript through tsx.
RUN npm ci --include=dev && npm cache clean --force

USER node
EXPOSE 8443

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "require('node:net').connect(8443, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"]

CMD ["npx", "uaip", "start"]
