# The image `modelctl export k8s|compose` refers to (deploy.image, default modelctl:latest): this checkout's runtime
# (the CLI, the servers, the shared code and the models.yaml schema), built, at /srv/modelctl/app. Build with
# `docker build -t modelctl:latest .` The benchmarks stay out: a deployment does not run them, and they would pull
# test fixtures into the build. test/docker/dockerfile.test.ts replays this build: a folder it needs cannot go missing.
FROM node:20-bookworm-slim
WORKDIR /srv/modelctl/app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY common ./common
COPY src ./src
COPY servers ./servers
COPY schema ./schema
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund
WORKDIR /srv/modelctl
CMD ["node", "/srv/modelctl/app/bin/modelctl.js", "up", "-c", "/srv/modelctl/models.yaml"]
