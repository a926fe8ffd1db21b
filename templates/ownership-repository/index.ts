// Who owns which ConductorOne connector: the ownership document in this stack's config
// (`<project>:owners` in Pulumi.<stack>.yaml), one ConnectorUserOwners per role.
import { declareOwnership } from "pulumi-conductorone-owners/ownership";

export const { ownership, ownerCount } = declareOwnership();
