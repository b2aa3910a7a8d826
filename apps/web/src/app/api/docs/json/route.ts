import { getOpenApiDocument } from "@/server/openapi/openapi-document";

export const dynamic = "force-static";

export function GET() {
  return Response.json(getOpenApiDocument());
}
