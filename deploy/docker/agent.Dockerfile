# syntax=docker/dockerfile:1
# The Shakewatch agent image: shakewatch/agent:0.1.0 (deploy/kubernetes/agent-daemonset.yaml).
# From the repository root, after `npm install && npm run build` on Debian 12 with Node 20
# (the libpcap binding is copied, not rebuilt: it must match this image's glibc, libpcap
# and Node ABI, which Debian 12's and Node 20's do):
#   docker build -f deploy/docker/agent.Dockerfile -t shakewatch/agent:0.1.0 .
# agent.Dockerfile.dockerignore keeps the build context to the files copied below.

# The production npm dependencies (the bundle keeps npm packages external), from the lock.
FROM node:20-bookworm-slim AS deps
WORKDIR /opt/shakewatch
COPY package.json package-lock.json ./
COPY libs/pcap/package.json libs/pcap/package.json
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@shakewatch

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/shakewatch
COPY --from=deps /opt/shakewatch/node_modules node_modules
COPY dist/apps/agent/main.js agent/main.js
COPY libs/pcap/build/Release/shakewatch_pcap.node lib/shakewatch_pcap.node
ENV NODE_ENV=production \
    SHAKEWATCH_PCAP_ADDON=/opt/shakewatch/lib/shakewatch_pcap.node \
    MALLOC_MMAP_THRESHOLD_=131072
# The image's unprivileged `node` user. Capturing needs CAP_NET_RAW: in Kubernetes the
# DaemonSet runs the container as uid 0 with that one capability (see its comment), with
# Docker: `docker run --network host --cap-drop ALL --cap-add NET_RAW --user 0 ...`.
USER 1000:1000
ENTRYPOINT ["node", "--max-semi-space-size=2", "/opt/shakewatch/agent/main.js"]
CMD ["run"]
