import { ConfigError } from './config.js';
import { startServer } from './server.js';

try {
  const running = await startServer();
  const { config } = running;
  console.log(`\nPortico is running at ${running.url}\n`);
  if (config.mode === 'demo') {
    console.log(`  GraphiQL        ${running.url}/graphql`);
    console.log(`  Sign in         ${running.url}/auth/sign-in/personal?returnTo=/graphql   (any e-mail; see README for the demo people)`);
    console.log(`  Demo mailbox    ${running.url}/dev/mailbox`);
    console.log(`  Help site       ${running.url}/\n`);
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    // A second signal means "now": the graceful path is already under way and bounded.
    if (stopping) process.exit(1);
    stopping = true;
    running.logger.info({ signal }, 'signal received');
    try {
      await running.shutdown();
      process.exit(0);
    } catch (error) {
      running.logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}
