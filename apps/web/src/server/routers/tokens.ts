import {
  accessTokenBodySchema,
  accessTokenResponseSchema,
  identityAccessTokenListResponseSchema,
  listIdentityAccessTokensInputSchema,
  revokeAccessTokenByIdInputSchema,
  revokeAccessTokenByIdResponseSchema,
  revokeTokenResponseSchema,
} from "@ociauth/schema";
import * as tokenAdmin from "../services/tokens/token-admin-service";
import * as tokens from "../services/tokens/token-service";
import { authedProcedure, publicProcedure, router } from "../trpc";

export const tokensRouter = router({
  renew: publicProcedure
    .input(accessTokenBodySchema)
    .output(accessTokenResponseSchema)
    .mutation(({ ctx, input }) => tokens.renewAccessToken(ctx, input.accessToken)),
  revoke: publicProcedure
    .input(accessTokenBodySchema)
    .output(revokeTokenResponseSchema)
    .mutation(({ ctx, input }) => tokens.revokeAccessToken(ctx, input.accessToken)),
  /** An identity's issued access tokens (operators: dashboard). */
  list: authedProcedure
    .input(listIdentityAccessTokensInputSchema)
    .output(identityAccessTokenListResponseSchema)
    .query(({ ctx, input }) => tokenAdmin.listIdentityAccessTokens(ctx, input.identityId, input.limit)),
  /** Revokes one issued token by its id (operators: dashboard); writes `revoke-identity-access-token`. */
  revokeById: authedProcedure
    .input(revokeAccessTokenByIdInputSchema)
    .output(revokeAccessTokenByIdResponseSchema)
    .mutation(({ ctx, input }) => tokenAdmin.revokeAccessTokenById(ctx, input.tokenId)),
});
