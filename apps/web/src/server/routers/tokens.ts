import { accessTokenBodySchema, accessTokenResponseSchema, revokeTokenResponseSchema } from "@ociauth/schema";
import * as tokens from "../services/tokens/token-service";
import { publicProcedure, router } from "../trpc";

export const tokensRouter = router({
  renew: publicProcedure
    .input(accessTokenBodySchema)
    .output(accessTokenResponseSchema)
    .mutation(({ ctx, input }) => tokens.renewAccessToken(ctx, input.accessToken)),
  revoke: publicProcedure
    .input(accessTokenBodySchema)
    .output(revokeTokenResponseSchema)
    .mutation(({ ctx, input }) => tokens.revokeAccessToken(ctx, input.accessToken)),
});
