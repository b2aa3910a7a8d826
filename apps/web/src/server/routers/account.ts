import {
  addOrgUserInputSchema,
  auditEventListResponseSchema,
  bootstrapBodySchema,
  bootstrapResponseSchema,
  listAuditEventsQuerySchema,
  orgUserResponseSchema,
  sessionResponseSchema,
  userLoginBodySchema,
} from "@ociauth/schema";
import { z } from "zod";
import { listAudit } from "../services/audit/audit-service";
import * as account from "../services/bootstrap/bootstrap-service";
import { authedProcedure, publicProcedure, router } from "../trpc";

export const bootstrapRouter = router({
  status: publicProcedure.query(async ({ ctx }) => ({ isSetUp: await account.isInstanceSetUp(ctx) })),
  setup: publicProcedure
    .input(bootstrapBodySchema)
    .output(bootstrapResponseSchema)
    .mutation(({ ctx, input }) => account.bootstrapInstance(ctx, input)),
});

export const authRouter = router({
  login: publicProcedure
    .input(userLoginBodySchema)
    .output(sessionResponseSchema)
    .mutation(({ ctx, input }) => account.loginUser(ctx, input)),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await account.logoutUser(ctx);
    return { ok: true };
  }),
  me: authedProcedure.query(({ ctx }) => account.whoAmI(ctx)),
});

export const organizationsRouter = router({
  addUser: authedProcedure
    .input(addOrgUserInputSchema)
    .output(orgUserResponseSchema)
    .mutation(({ ctx, input: { organizationId, ...body } }) => account.addOrgUser(ctx, organizationId, body)),
});

export const auditRouter = router({
  list: authedProcedure
    .input(listAuditEventsQuerySchema)
    .output(auditEventListResponseSchema)
    .query(({ ctx, input }) => listAudit(ctx, input)),
});

export const healthRouter = router({
  ping: publicProcedure.output(z.object({ ok: z.literal(true) })).query(() => ({ ok: true as const })),
});
