# syntax=docker/dockerfile:1
# The Shakewatch hub image: shakewatch/hub:0.1.0 (deploy/kubernetes/hub-deployment.yaml).
# From the repository root, after `npm install && npm run build`:
#   docker build -f deploy/docker/hub.Dockerfile -t shakewatch/hub:0.1.0 .
# hub.Dockerfile.dockerignore keeps the build context to the files copied below.

# The production npm dependencies (the bundle keeps npm packages external), from the lock.
FROM node:20-bookworm-slim AS deps
WORKDIR /opt/shakewatch
COPY package.json package-lock.json ./
COPY libs/pcap/package.json libs/pcap/package.json
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@shakewatch

FROM node:20-bookworm-slim
WORKDIR /opt/shakewatch
COPY --from=deps /opt/shakewatch/node_modules node_modules
COPY dist/apps/hub/main.js hub/main.js
ENV NODE_ENV=production
# The image's unprivileged `node` user; the hub needs no capability (9464 is not privileged).
USER 1000:1000
EXPOSE 9464
ENTRYPOINT ["node", "/opt/shakewatch/hub/main.js"]
