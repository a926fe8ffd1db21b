// The root stack: this repository's own ownership repository, the same two lines as the template's
// (templates/ownership-repository/index.ts). The document is each stack's config (`c1-ownership:owners`).
import { declareOwnership } from "pulumi-conductorone-owners/ownership";

export const { ownership, ownerCount } = declareOwnership();
