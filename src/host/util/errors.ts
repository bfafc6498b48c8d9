import * as vscode from 'vscode';
import { asLabelingError, isCancelled, LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';

/**
 * Wraps a command handler: core errors and Node I/O errors are logged and shown with their message
 * (which names the file, line and field, or the path and the cause); cancellation is silent; anything
 * else is shown as an unexpected error. The stack goes to the log only.
 */
export function guarded<A extends unknown[], R>(logger: Logger, name: string, fn: (...args: A) => Promise<R> | R) {
  return async (...args: A): Promise<R | undefined> => {
    try {
      return await fn(...args);
    } catch (e) {
      if (isCancelled(e)) {
        logger.info(`${name}: cancelled`);
        return undefined;
      }
      logger.error(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      // Core errors and I/O errors (mapped to one line naming the path and the cause) are shown as they are.
      const known = asLabelingError(e);
      const msg = known ? known.message : `Unexpected error in ${name}: ${e instanceof Error ? e.message : String(e)}`;
      // Not awaited: the command settles now, whatever the user does with the message.
      void vscode.window.showErrorMessage(msg, 'Show Log').then((pick) => {
        if (pick === 'Show Log') void vscode.commands.executeCommand('labeling.showLog');
      });
      return undefined;
    }
  };
}

/** Refuses a command in an untrusted workspace with a message that says how to enable it. */
export function requiringTrust<A extends unknown[], R>(fn: (...args: A) => R) {
  return (...args: A): R => {
    if (!vscode.workspace.isTrusted) {
      throw new LabelingError(
        'forbidden',
        'This workspace is not trusted: projects can be browsed, but creating, labeling, importing, exporting and refreshing need a trusted workspace (run "Workspaces: Manage Workspace Trust").',
      );
    }
    return fn(...args);
  };
}
