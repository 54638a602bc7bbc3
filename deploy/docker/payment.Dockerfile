# syntax=docker/dockerfile:1.7
# The payment image. Build from the repository root for both architectures:
#   docker buildx build --platform linux/arm64,linux/amd64 -f deploy/docker/payment.Dockerfile -t <ecr>/traffic-tacos/payment:<tag> --push .
# Only production dependencies of @tt/payment and the workspaces it imports (@tt/kit, @tt/contracts)
# are installed: `--filter` limits the install to that package's dependency graph and
# `--production` drops devDependencies, so DynamoDB Local, fauxqs, buf and Biome never get in.

# ---- dependencies: resolved from the frozen lockfile, which needs every workspace manifest ----
FROM oven/bun:1.4.5 AS deps
WORKDIR /app
COPY package.json bun.lock bunfig.toml ./
COPY kit/package.json kit/
COPY contracts/package.json contracts/
COPY gateway/package.json gateway/
COPY reservation/package.json reservation/
COPY inventory/package.json inventory/
COPY payment/package.json payment/
COPY worker/package.json worker/
COPY web/package.json web/
COPY bench/package.json bench/
COPY deploy/package.json deploy/
RUN bun install --frozen-lockfile --production --filter @tt/payment

# ---- runtime: Bun's slim image, the installed modules and the source (Bun runs TypeScript) ----
FROM oven/bun:1.4.5-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    APP_ENV=production \
    PORT=8030
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/kit/node_modules ./kit/node_modules
COPY --from=deps /app/contracts/node_modules ./contracts/node_modules
COPY --from=deps /app/payment/node_modules ./payment/node_modules
COPY package.json ./
COPY kit/package.json kit/
COPY kit/src kit/src
COPY contracts/package.json contracts/
COPY contracts/src contracts/src
COPY payment/package.json payment/
COPY payment/src payment/src
# The oven/bun images ship a non-root `bun` user (uid 1000); the files stay root-owned and read-only to it.
USER bun
# REST, Connect and gRPC-Web on PORT; native gRPC on PORT + 1.
EXPOSE 8030 8031
STOPSIGNAL SIGTERM
ENTRYPOINT ["bun", "payment/src/main.ts"]
