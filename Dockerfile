# The image `modelctl export k8s|compose` refers to (deploy.image, default modelctl:latest): this checkout, built,
# at /srv/modelctl/app. Build with `docker build -t modelctl:latest .`
FROM node:20-bookworm-slim
WORKDIR /srv/modelctl/app
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY servers ./servers
COPY bench ./bench
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund
WORKDIR /srv/modelctl
CMD ["node", "/srv/modelctl/app/bin/modelctl.js", "up", "-c", "/srv/modelctl/models.yaml"]
