/**
 * The errors of the ownership tools (export, drift). Their messages are one line or a list of
 * problems, built from safe fields only: never a credential.
 */

/** An error of the ownership tools, with a stable `code`. */
abstract class OwnershipToolError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The export failed; nothing was written. */
export class OwnershipExportError extends OwnershipToolError {
  readonly code = "OWNERSHIP_EXPORT_FAILED";
}

/** The drift check could not run. */
export class DriftCheckError extends OwnershipToolError {
  readonly code = "DRIFT_CHECK_FAILED";
}

/** True for an error of `type`, also one thrown by another copy of this module (matched by name). */
function isErrorOf<T extends Error>(type: abstract new (message: string) => T, error: unknown): error is T {
  return error instanceof type || (error instanceof Error && error.name === type.name);
}

/** True for an {@link OwnershipExportError}, also from another copy of this module. */
export const isOwnershipExportError = (error: unknown): error is OwnershipExportError => isErrorOf(OwnershipExportError, error);

/** True for a {@link DriftCheckError}, also from another copy of this module. */
export const isDriftCheckError = (error: unknown): error is DriftCheckError => isErrorOf(DriftCheckError, error);
