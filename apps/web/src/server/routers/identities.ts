import {
  createIdentityBodySchema,
  identityIdParamsSchema,
  identityListResponseSchema,
  identityResponseSchema,
  listIdentitiesQuerySchema,
  updateIdentityInputSchema,
} from "@ociauth/schema";
import * as identities from "../services/identities/identity-service";
import { authedProcedure, router } from "../trpc";

export const identitiesRouter = router({
  create: authedProcedure
    .input(createIdentityBodySchema)
    .output(identityResponseSchema)
    .mutation(async ({ ctx, input }) => ({ identity: await identities.createIdentity(ctx, input) })),
  get: authedProcedure
    .input(identityIdParamsSchema)
    .output(identityResponseSchema)
    .query(async ({ ctx, input }) => ({ identity: await identities.getIdentity(ctx, input.identityId) })),
  list: authedProcedure
    .input(listIdentitiesQuerySchema)
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
