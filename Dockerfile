# One image for the three applications of the distributed setup (docker-compose.yml); each service
# picks its entry point with `command`. The single-node default (`npm start`) does not use it.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so editing the sources does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
# tsc keeps the `@ops/domain` and `@ops/infra` imports as they are; tsconfig-paths maps them at run
# time, against the compiled tree (TS_NODE_BASEURL overrides tsconfig.json's baseUrl).
ENV NODE_ENV=production \
    TS_NODE_BASEURL=./dist \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/tsconfig.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "-r", "tsconfig-paths/register", "dist/apps/api/src/main.js"]
