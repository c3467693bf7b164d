// The life of a bench process: its progress lines, and what it undoes when it ends (however it ends).
let tag = '[bench]';
const cleanups = [];

/** Progress and diagnostics, on stderr: stdout carries only the results. Tagged `[bench]` or runBench's name. */
export const log = (...args) => console.error(tag, ...args);

/** Registers `fn` (sync or async) to run when the bench ends, the last registered first. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

let cleaning = null;

/**
 * Runs the registered cleanups, last first, logging (not throwing) what fails. Called again (a
 * signal, then main failing because of it), it returns the same run: nothing runs twice, and
 * nobody exits before it is done.
 */
function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        log(`cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Runs `main`, then the cleanups: also when `main` throws (exit code 1) and on SIGINT / SIGTERM
 * (exit code 130). `name` tags the log lines (`[name] …`).
 */
export function runBench(main, name = 'bench') {
  tag = `[${name}]`;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup().then(() => process.exit(130));
    });
  }
  main().then(
    () => cleanup(),
    async (error) => {
      log(`failed: ${error.stack ?? error.message}`);
      await cleanup();
      process.exit(1);
    },
  );
}
