// Before `npm start`: builds the help site (which holds the /account/* pages the e-mail links open) when no build
// exists yet, so the two-line quick start gives the whole demo. An existing build is left alone.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../help-site/dist/index.html', import.meta.url))) {
  console.log('Building the help site and account pages once (about half a minute)…');
  execFileSync('npm', ['run', 'build:help', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
