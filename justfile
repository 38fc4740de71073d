# Everyday tasks for UAIP Hub. Run them with `just <recipe>`; without just installed, `npx -y rust-just <recipe>`
# fetches it from the npm registry. `just` alone lists the recipes.

# List the recipes
default:
    @{{ just_executable() }} --list --unsorted --justfile {{ justfile() }}

# Install dependencies exactly as locked (npm ci)
install:
    npm ci

# Run the hub for development, starting NATS, PostgreSQL and Redis locally when they do not answer
dev:
    npx uaip dev

# Run the hub against the configured services
start:
    npx uaip start

# Type-check and lint; there is no build step (tsx runs the TypeScript sources directly)
build:
    npm run check

# Run all tests (unit, integration and end-to-end) against the real services
test:
    npm test

# Type-check (tsc) and lint (Biome)
check:
    npm run check

# Lint and check formatting with Biome
lint:
    npx biome check .

# Format and apply safe lint fixes with Biome
format:
    npm run format

# Run the benchmarks
bench:
    npm run bench

# Start the whole stack in Docker (hub, NATS, PostgreSQL, Redis, Prometheus, Grafana, Jaeger)
up:
    docker compose up -d

# Stop the Docker stack (volumes are kept)
down:
    docker compose down

# Follow the hub's logs in the Docker stack
logs:
    docker compose logs -f hub

# Apply database migrations (uaip migrate ARGS)
migrate *ARGS:
    npx uaip migrate {{ ARGS }}

# Apply or inspect JetStream streams and consumers (uaip streams ARGS)
streams *ARGS:
    npx uaip streams {{ ARGS }}

# Replay or export event history (uaip replay ARGS)
replay *ARGS:
    npx uaip replay {{ ARGS }}

# Simulate a fleet of devices (uaip simulate ARGS)
simulate *ARGS:
    npx uaip simulate {{ ARGS }}

# Back up the event log and read models (uaip backup ARGS)
backup *ARGS:
    npx uaip backup {{ ARGS }}

# Restore from a backup (uaip restore ARGS)
restore *ARGS:
    npx uaip restore {{ ARGS }}
