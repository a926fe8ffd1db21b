/**
 * The ownership program, the package entry `pulumi-conductorone-owners/ownership`: a tenant's
 * connector ownership as one document in stack config, declared by one call.
 *
 * ```ts
 * import { declareOwnership } from "pulumi-conductorone-owners/ownership";
 * export const { ownership, ownerCount } = declareOwnership();
 * ```
 */
export { declareOwnership } from "./program";
export type { DeclaredOwnership, OwnershipOptions } from "./program";
export {
  OWNERSHIP_DOCUMENT_KEY,
  OwnershipDocumentError,
  checkOwnershipDocument,
  readOwnershipDocument,
  formatProblem,
  listDeclaredOwners,
  ownerResourceName,
  roleResourceName,
  summarizeOwnership,
} from "./document";
export type { DeclaredRole, DeclaredOwner, DocumentProblem, DocumentCheck, OwnershipSummary } from "./document";
