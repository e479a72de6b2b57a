/**
 * Transient and permanent file-system errors. On a shared volume (NFS, SMB, a cloud disk) a read can fail
 * once and work a second later; a missing file or a refused permission will not fix itself. Activities
 * let the first kind be retried (bounded by the run's retry policy) and fail the second at once.
 */

/** Errors a retry cannot fix: the path is wrong or not allowed; a person must act. */
export const PERMANENT_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'EROFS', 'EEXIST', 'ENOTEMPTY']);

/** Errors a shared filesystem or a busy host gives for a moment: a stale handle, a timeout, a full table. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(['EIO', 'ESTALE', 'ETIMEDOUT', 'EAGAIN', 'EBUSY', 'EINTR', 'ECONNRESET', 'ECONNREFUSED',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EPIPE', 'EMFILE', 'ENFILE', 'ENOSPC', 'EDQUOT', 'ENOMEM', 'ECANCELED']);

export type IoErrorClass = 'transient' | 'permanent' | 'other';

/** The errno code of a Node file-system error, if it is one. */
export function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * How an error from the file system should be handled: `transient` (retry), `permanent` (stop, tell a
 * person), or `other` (not an errno error: the caller's own rules apply).
 */
export function classifyIoError(e: unknown): IoErrorClass {
  const code = errnoCode(e);
  if (code === undefined) return 'other';
  if (PERMANENT_CODES.has(code)) return 'permanent';
  // TRANSIENT_CODES and any code not listed: retried. The retry policy bounds it, while a wrong
  // "permanent" would fail a whole run over a hiccup.
  return 'transient';
}

/** Failure type names the activities give I/O errors (the workflows' retry policies list the permanent one). */
export const TRANSIENT_IO = 'TransientIoError';
export const PERMANENT_IO = 'PermanentIoError';
