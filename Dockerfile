# A small image with the parvis binary (its theme is inside it).
#   docker build -t parvis .
#   docker run --rm -v "$PWD/my-portal:/site" parvis build
FROM rust:1.89-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin parvis

FROM debian:bookworm-slim
COPY --from=build /src/target/release/parvis /usr/local/bin/parvis
WORKDIR /site
ENTRYPOINT ["parvis"]
CMD ["build", "."]
