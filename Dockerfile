# syntax=docker/dockerfile:1
#
# slogen's container image, ghcr.io/slogen/slogen:<version>. The release workflow
# (.github/workflows/release.yaml) builds it on every version tag, natively on amd64 and arm64
# runners, and pushes it; nothing else needs a container runtime. Run it as:
#
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" ghcr.io/slogen/slogen:0.1.0 \
#       generate -i slos/ -o generated/
#
# Build stage: Alpine's Rust targets musl and links statically, and the build command is the one
# CI runs (`cargo build --release --locked`), so the binary needs no libc at run time.
FROM docker.io/library/rust:1-alpine AS build
RUN apk add --no-cache musl-dev gcc
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && ./target/release/slogen generate --check -i slos/ -o generated/ \
    && install -D -m 0755 target/release/slogen /out/slogen

# Runtime: distroless "static" (no shell, no package manager; CA certificates, /tmp and a
# nonroot user), running as that user's numeric ID so Kubernetes' runAsNonRoot can check it.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="slogen" \
      org.opencontainers.image.description="SLOs as code to Prometheus rules; a drop-in for Sloth" \
      org.opencontainers.image.source="https://github.com/slogen/slogen" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/slogen /usr/local/bin/slogen
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/slogen"]
CMD ["--help"]
