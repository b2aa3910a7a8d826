import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "./dockerfile";

export const KUBECTL_BIN = process.env.KUBECTL_BIN || "kubectl";

const INSTALL_HINT =
  "Install Debian's `kubernetes-client` package (Debian 13 or later: apt-get install kubernetes-client; " +
  "Debian 12's is kubectl 1.20, too old) or another kubectl, or set KUBECTL_BIN to its path.";

/**
 * Fails with what to install unless `kubectl` is there with a built-in Kustomize of v5 or later
 * (kubectl 1.27+): the overlays use `patches` and directory resources, which older ones reject.
 */
export function checkKubectl(): void {
  const result = spawnSync(KUBECTL_BIN, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(`kubectl (${KUBECTL_BIN}) is needed to render deploy/kubernetes but could not be run. ${INSTALL_HINT}`);
  }
  const kustomize = (JSON.parse(result.stdout) as { kustomizeVersion?: string }).kustomizeVersion;
  const major = Number(/^v(\d+)\./.exec(kustomize ?? "")?.[1] ?? 0);
  if (major < 5) {
    throw new Error(`${KUBECTL_BIN} has Kustomize ${kustomize ?? "(none reported)"}; deploy/kubernetes needs v5 or later. ${INSTALL_HINT}`);
  }
}

/** A Kubernetes object as rendered (plain JSON). */
export type KubeObject = Record<string, any>;

/** `kubectl kustomize <dir>` (relative to the repository), parsed into its objects. */
export function kustomize(dir: string): KubeObject[] {
  const result = spawnSync(KUBECTL_BIN, ["kustomize", path.join(repoRoot, dir)], { encoding: "utf8" });
  if (result.error || result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.error?.message ?? result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${dir}: ${doc.errors[0]!.message}`);
    return doc.toJS() as KubeObject;
  });
}
