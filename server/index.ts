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
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}
