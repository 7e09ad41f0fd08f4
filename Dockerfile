# ecsbatch image: the static binary alone, FROM scratch.
#
# The builder runs the same `make` as everywhere else (vendor/ fetches and
# builds the pinned libraries, src/ is linked statically against musl), so
# the image cannot drift from the Makefile. The CA bundle is compiled into the
# binary; nothing else is needed at run time.
FROM debian:trixie-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake python3 ca-certificates curl dpkg-dev xz-utils bzip2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make -j"$(nproc)" && ./build/ecsbatch version

FROM scratch
COPY --from=build /src/build/ecsbatch /ecsbatch
USER 65532:65532
ENTRYPOINT ["/ecsbatch", "run"]
