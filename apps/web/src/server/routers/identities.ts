import {
  createIdentityInputSchema,
  identityIdParamsSchema,
  identityListResponseSchema,
  identityResponseSchema,
  listIdentitiesInputSchema,
  updateIdentityInputSchema,
} from "@ociauth/schema";
import * as identities from "../services/identities/identity-service";
import { authedProcedure, router } from "../trpc";

/** Our flat identity shape (the REST API speaks Infisical's; both call the same services). */
export const identitiesRouter = router({
  create: authedProcedure
    .input(createIdentityInputSchema)
    .output(identityResponseSchema)
    .mutation(async ({ ctx, input }) => ({ identity: await identities.createIdentity(ctx, input) })),
  get: authedProcedure
    .input(identityIdParamsSchema)
    .output(identityResponseSchema)
    .query(async ({ ctx, input }) => ({ identity: await identities.getIdentity(ctx, input.identityId) })),
  list: authedProcedure
    .input(listIdentitiesInputSchema)
    .output(identityListResponseSchema)
    .query(({ ctx, input }) => identities.listIdentities(ctx, input)),
  update: authedProcedure
    .input(updateIdentityInputSchema)
    .output(identityResponseSchema)
    .mutation(async ({ ctx, input: { identityId, ...patch } }) => ({
      identity: await identities.updateIdentity(ctx, identityId, patch),
    })),
  delete: authedProcedure
    .input(identityIdParamsSchema)
    .output(identityResponseSchema)
    .mutation(async ({ ctx, input }) => ({ identity: await identities.deleteIdentity(ctx, input.identityId) })),
});
