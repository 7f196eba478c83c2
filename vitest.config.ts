import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    passWithNoTests: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['spec/unit/**/*.spec.ts'],
          // the global WebSocket (which msw's ws.link intercepts) is behind a flag on Node 20
          execArgv: ['--experimental-websocket'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'marbles',
          include: ['spec/marbles/**/*.spec.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'live',
          include: ['spec/live/**/*.live.spec.ts'],
          // openssl, iproute2 and iptables from Debian's packages when missing (root with apt-get), as .ci/run does
          globalSetup: ['spec/live/live-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['spec/browser/**/*.browser.spec.ts'],
          // finds Debian's Chromium, or installs it (root with apt-get), or fails at once saying what to run
          globalSetup: ['spec/browser/chromium-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
