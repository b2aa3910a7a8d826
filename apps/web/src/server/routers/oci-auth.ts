import {
  accessTokenResponseSchema,
  attachOciAuthInputSchema,
  ociLoginBodySchema,
  identityIdParamsSchema,
  identityOciAuthResponseSchema,
  updateOciAuthInputSchema,
} from "@ociauth/schema";
import * as ociAuth from "../services/oci-auth/oci-auth-service";
import { loginWithOci } from "../services/oci-auth/oci-login-service";
import { authedProcedure, publicProcedure, router } from "../trpc";

export const ociAuthRouter = router({
  login: publicProcedure
    .input(ociLoginBodySchema)
    .output(accessTokenResponseSchema)
    .mutation(({ ctx, input }) => loginWithOci(ctx, input)),
  attach: authedProcedure
    .input(attachOciAuthInputSchema)
    .output(identityOciAuthResponseSchema)
    .mutation(async ({ ctx, input: { identityId, ...body } }) => ({
      identityOciAuth: await ociAuth.attachOciAuth(ctx, identityId, body),
    })),
  get: authedProcedure
    .input(identityIdParamsSchema)
    .output(identityOciAuthResponseSchema)
    .query(async ({ ctx, input }) => ({ identityOciAuth: await ociAuth.getOciAuth(ctx, input.identityId) })),
  update: authedProcedure
    .input(updateOciAuthInputSchema)
    .output(identityOciAuthResponseSchema)
    .mutation(async ({ ctx, input: { identityId, ...patch } }) => ({
      identityOciAuth: await ociAuth.updateOciAuth(ctx, identityId, patch),
    })),
  revoke: authedProcedure
    .input(identityIdParamsSchema)
    .output(identityOciAuthResponseSchema)
    .mutation(async ({ ctx, input }) => ({ identityOciAuth: await ociAuth.revokeOciAuth(ctx, input.identityId) })),
});
