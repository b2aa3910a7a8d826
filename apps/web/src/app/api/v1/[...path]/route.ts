import { handleRestRequest } from "@/server/rest/dispatch";

// The production server (src/server/http) serves /api/v1 before Next with the socket's address;
// this route serves the same handlers under `next dev`/`next start` alone, where the caller's
// address is unknown (so IP-restricted tokens are refused there rather than trusted blindly).
export const dynamic = "force-dynamic";
const handler = (req: Request) => handleRestRequest(req);
export { handler as GET, handler as POST, handler as PATCH, handler as DELETE, handler as PUT };
