/** Default labeler (git user.email, else the OS user) and device identity; the CLI puts the labeling.labeler setting first (src/cli/identity.ts), the host resolves its own: setting > git > OS user. */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { safeSegment } from './paths';

export function defaultLabeler(cwd = process.cwd()): string {
  try {
    const email = execFileSync('git', ['config', 'user.email'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).trim();
    if (email) return email;
  } catch {
    // no git or no user.email: fall back to the OS user
  }
  return os.userInfo().username;
}

export function defaultDevice(): string {
  return safeSegment(os.hostname().toLowerCase());
}
