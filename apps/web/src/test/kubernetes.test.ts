import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { envOf, parseDockerfile, repoRoot } from "./dockerfile";
import { checkKubectl, type KubeObject, kustomize } from "./kubectl";
import { PROBE_PATHS, variablesTheServerReads } from "./server-settings";

/**
 * deploy/kubernetes: every overlay rendered by `kubectl kustomize` (no cluster needed), each
 * object checked against the Kubernetes schemas (kubernetes-models), and the settings a platform
 * team asks for asserted on what would really be applied.
 */
const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
const runtime = parseDockerfile(read("deploy/Dockerfile")).filter((i) => i.stage === "runtime");
const imageUser = Number(
  runtime
    .filter((i) => i.op === "USER")
    .at(-1)!
    .args.split(":")[0],
);
const imagePort = Number(envOf(runtime).PORT);

/** The image's migration command (working directory /app) and the drain timing, as agreed for the manifests. */
const MIGRATE = { command: ["node", "apps/web/scripts/migrate.mjs"], workingDir: "/app" };
const PRE_STOP_SLEEP = 5;
const SHUTDOWN_GRACE_DEFAULT = 25;
const SECRET_NAMES = [...read("packages/api/src/core/secret-files.ts").matchAll(/SECRET_NAMES = \[([^\]]*)\]/g)]
  .flatMap((m) => m[1]!.split(","))
  .map((s) => s.trim().replaceAll('"', ""));

checkKubectl();
const OVERLAYS = readdirSync(path.join(repoRoot, "deploy/kubernetes/overlays")).sort();
const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, kustomize(`deploy/kubernetes/overlays/${o}`)]));

const ofKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: KubeObject[], kind: string) => {
  const found = ofKind(objects, kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};
const containersOf = (pod: KubeObject): KubeObject[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const configOf = (objects: KubeObject[]) => one(objects, "ConfigMap").data as Record<string, string>;

/** Validates against the schema of its API version and kind, e.g. kubernetes-models/apps/v1/Deployment. */
async function validate(object: KubeObject): Promise<void> {
  const model = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
  new model[object.kind](object).validate();
}

/** IPv4 a.b.c.d/n or IPv6 x::/n, or one address: its prefix length. */
function prefixLength(entry: string): number {
  const [address, bits] = entry.split("/");
  const v6 = address!.includes(":");
  if (!v6) expect(address, entry).toMatch(/^(\d{1,3}\.){3}\d{1,3}$/);
  return bits === undefined ? (v6 ? 128 : 32) : Number(bits);
}

describe("deploy/kubernetes", () => {
  it("has the embedded and PostgreSQL overlays over one base, and each renders", () => {
    expect(OVERLAYS).toEqual(["embedded", "postgres"]);
    for (const overlay of OVERLAYS) {
      expect(read(`deploy/kubernetes/overlays/${overlay}/kustomization.yaml`)).toMatch(/- \.\.\/\.\.\/base$/m);
      expect(rendered[overlay]!.length).toBeGreaterThan(5);
    }
  });

  it("every rendered object, and the example Secret, is valid against the Kubernetes schemas", async () => {
    for (const overlay of OVERLAYS) {
      for (const object of rendered[overlay]!) {
        await expect(validate(object), `${overlay}: ${object.kind}/${object.metadata.name}`).resolves.toBeUndefined();
      }
    }
    for (const doc of parseAllDocuments(read("deploy/kubernetes/secret.example.yaml"))) await validate(doc.toJS());
    // The check can fail: a wrong type, a missing required field.
    const deployment = structuredClone(one(rendered.postgres!, "Deployment"));
    deployment.spec.template.spec.securityContext.runAsNonRoot = "yes";
    await expect(validate(deployment)).rejects.toThrow(/runAsNonRoot must be boolean/);
    const service = structuredClone(one(rendered.postgres!, "Service"));
    delete service.spec.ports[0].port;
    await expect(validate(service)).rejects.toThrow(/must have required property port/);
  });

  it("the embedded overlay: one replica, Recreate, the database on a PersistentVolumeClaim at /data, no autoscaler", () => {
    const objects = rendered.embedded!;
    const deployment = one(objects, "Deployment");
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    expect(ofKind(objects, "HorizontalPodAutoscaler")).toEqual([]);
    const claim = one(objects, "PersistentVolumeClaim");
    expect(claim.spec.accessModes).toEqual(["ReadWriteOnce"]);
    const pod = deployment.spec.template.spec;
    const data = pod.volumes.find((v: KubeObject) => v.persistentVolumeClaim);
    expect(data.persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    const config = configOf(objects);
    expect(config.PGLITE_DIR).toBe("/data/pglite");
    for (const container of containersOf(deployment.spec.template)) {
      // The migration and the server both open the database folder on the claim.
      expect(container.volumeMounts, container.name).toContainEqual({ name: data.name, mountPath: "/data" });
      expect(container.envFrom, container.name).toContainEqual({ configMapRef: { name: "ociauth" } });
      expect((container.env ?? []).map((e: KubeObject) => e.name)).not.toContain("DATABASE_URL_FILE");
    }
  });

  it("the PostgreSQL overlay: 3 to N replicas by CPU, rolling updates, DATABASE_URL from the Secret, egress to PostgreSQL", () => {
    const objects = rendered.postgres!;
    const deployment = one(objects, "Deployment");
    // The autoscaler owns the count: a `replicas` in the manifest would reset it on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const hpa = one(objects, "HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(3);
    expect(hpa.spec.metrics).toEqual([
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: expect.any(Number) } } },
    ]);
    // The autoscaler's percentage is of the request: every container must request CPU.
    for (const container of deployment.spec.template.spec.containers) expect(container.resources.requests.cpu).toBeTruthy();
    expect(ofKind(objects, "PersistentVolumeClaim")).toEqual([]);
    for (const container of containersOf(deployment.spec.template)) {
      expect(container.env, container.name).toContainEqual({ name: "DATABASE_URL_FILE", value: "/run/secrets/ociauth/DATABASE_URL" });
    }
    const pdb = one(objects, "PodDisruptionBudget");
    const allowedDown = pdb.spec.maxUnavailable ?? hpa.spec.minReplicas - pdb.spec.minAvailable;
    expect(allowedDown).toBe(1);
    const egress = ofKind(objects, "NetworkPolicy").flatMap((p) => p.spec.egress ?? []);
    expect(egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "postgresql" } } }],
      ports: [{ protocol: "TCP", port: 5432 }],
    });
  });

  for (const overlay of OVERLAYS) {
    describe(`overlays/${overlay}`, () => {
      const objects = rendered[overlay]!;
      const deployment = one(objects, "Deployment");
      const pod = deployment.spec.template;
      const server = pod.spec.containers.find((c: KubeObject) => c.name === "ociauth");

      it("every object is labelled, in one namespace, and the pods run one pinned image", () => {
        for (const object of objects) {
          expect(object.metadata.labels?.["app.kubernetes.io/name"], `${object.kind}/${object.metadata.name}`).toBe("ociauth");
          expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe("ociauth");
        }
        const images = new Set(containersOf(pod).map((c) => c.image));
        expect(images.size).toBe(1);
        const [image] = images;
        expect(image).toMatch(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9/_.-]+(:[A-Za-z0-9_.-]+|@sha256:[0-9a-f]{64})$/);
        expect(image).not.toMatch(/:latest$/);
      });

      it("pods and containers: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp", () => {
        expect(pod.spec.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: imageUser,
          runAsGroup: imageUser,
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(imageUser).toBeGreaterThan(0);
        expect(pod.spec.hostNetwork ?? false).toBe(false);
        expect(pod.spec.hostPID ?? false).toBe(false);
        for (const container of containersOf(pod)) {
          expect(container.securityContext, container.name).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            capabilities: { drop: ["ALL"] },
          });
          expect(container.resources.requests.cpu, container.name).toBeTruthy();
          expect(container.resources.requests.memory, container.name).toBeTruthy();
          expect(container.resources.limits.memory, container.name).toBeTruthy();
          // Read-only root: /tmp is an emptyDir.
          const tmp = container.volumeMounts.find((m: KubeObject) => m.mountPath === "/tmp");
          expect(pod.spec.volumes.find((v: KubeObject) => v.name === tmp?.name)?.emptyDir, container.name).toBeDefined();
        }
      });

      it("no Kubernetes API token in the pods: automountServiceAccountToken is false on the pod and its ServiceAccount", () => {
        expect(pod.spec.automountServiceAccountToken).toBe(false);
        const account = one(objects, "ServiceAccount");
        expect(pod.spec.serviceAccountName).toBe(account.metadata.name);
        expect(account.automountServiceAccountToken).toBe(false);
      });

      it("secrets by reference only: files of the Secret `ociauth`, mounted read-only; no Secret, no secret value in the manifests", () => {
        expect(ofKind(objects, "Secret")).toEqual([]);
        const secretVolume = pod.spec.volumes.find((v: KubeObject) => v.secret);
        expect(secretVolume.secret).toEqual({ secretName: "ociauth", defaultMode: 0o440 });
        expect(pod.spec.securityContext.fsGroup).toBe(imageUser); // group-readable by the server's user
        const config = configOf(objects);
        for (const name of SECRET_NAMES) expect(Object.keys(config)).not.toContain(name);
        expect(SECRET_NAMES).toContain("AUTH_SECRET");
        const files: string[] = [];
        for (const container of containersOf(pod)) {
          for (const from of container.envFrom ?? []) expect(from.secretRef, container.name).toBeUndefined();
          for (const variable of container.env ?? []) {
            // No secret as a variable, nor through secretKeyRef: only X_FILE naming a mounted file.
            expect(SECRET_NAMES).not.toContain(variable.name);
            expect(variable.valueFrom, variable.name).toBeUndefined();
            const secret = /^(.*)_FILE$/.exec(variable.name)?.[1];
            if (!secret) continue;
            expect(SECRET_NAMES).toContain(secret);
            const mount = container.volumeMounts.find((m: KubeObject) => m.name === secretVolume.name);
            expect(mount, container.name).toEqual({ name: secretVolume.name, mountPath: "/run/secrets/ociauth", readOnly: true });
            expect(variable.value).toBe(`${mount.mountPath}/${secret}`);
            files.push(secret);
          }
        }
        expect(server.env).toContainEqual({ name: "AUTH_SECRET_FILE", value: "/run/secrets/ociauth/AUTH_SECRET" });
        expect(new Set(files)).toEqual(new Set(overlay === "postgres" ? ["AUTH_SECRET", "DATABASE_URL"] : ["AUTH_SECRET"]));
      });

      it("the Deployment waits for the migration: an initContainer runs the image's migration command with the server's database", () => {
        const [migrate, ...others] = pod.spec.initContainers;
        expect(others).toEqual([]);
        expect(migrate.command).toEqual(MIGRATE.command);
        expect(migrate.workingDir).toBe(MIGRATE.workingDir);
        expect(existsSync(path.join(repoRoot, path.relative("/app", path.join(migrate.workingDir, migrate.command[1]))))).toBe(true);
        expect(migrate.image).toBe(server.image);
        expect(migrate.envFrom).toEqual(server.envFrom);
        const databaseEnv = (c: KubeObject) => (c.env ?? []).filter((e: KubeObject) => e.name.startsWith("DATABASE_URL"));
        expect(databaseEnv(migrate)).toEqual(databaseEnv(server));
        const serverMounts = server.volumeMounts.filter((m: KubeObject) => m.mountPath !== "/app/apps/web/.next/cache");
        expect(migrate.volumeMounts).toEqual(expect.arrayContaining(serverMounts));
      });

      it("probes: startup and liveness on /healthz, readiness on /readyz, on the image's port", () => {
        expect(server.ports).toContainEqual({ name: "http", containerPort: imagePort, protocol: "TCP" });
        expect(server.startupProbe.httpGet).toEqual({ path: PROBE_PATHS.liveness, port: "http" });
        expect(server.livenessProbe.httpGet).toEqual({ path: PROBE_PATHS.liveness, port: "http" });
        expect(server.readinessProbe.httpGet).toEqual({ path: PROBE_PATHS.readiness, port: "http" });
        // The startup probe gives a slow start (migrations, a cold volume) minutes, not the liveness probe's seconds.
        expect(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold).toBeGreaterThanOrEqual(120);
        expect(server.livenessProbe.initialDelaySeconds).toBeUndefined();
      });

      it("drains: preStop sleeps, then the server's grace period fits in terminationGracePeriodSeconds", () => {
        expect(server.lifecycle.preStop).toEqual({ exec: { command: ["sleep", String(PRE_STOP_SLEEP)] } });
        const grace = Number(configOf(objects).SHUTDOWN_GRACE_SECONDS ?? SHUTDOWN_GRACE_DEFAULT);
        expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(PRE_STOP_SLEEP + grace + 5);
        expect(pod.spec.terminationGracePeriodSeconds).toBe(40);
      });

      it("the ConfigMap holds only settings the server reads, on the ports the pod declares, and trusts only narrow proxy ranges", () => {
        const known = variablesTheServerReads();
        const config = configOf(objects);
        for (const name of Object.keys(config)) expect(known, name).toContain(name);
        expect(Number(config.PORT)).toBe(imagePort);
        if (config.METRICS === "on") {
          expect(server.ports).toContainEqual({ name: "metrics", containerPort: Number(config.METRICS_PORT), protocol: "TCP" });
        }
        const proxies = config.TRUSTED_PROXIES!.split(",").map((s) => s.trim());
        expect(proxies.length).toBeGreaterThan(0);
        for (const entry of proxies) {
          // The ingress controller's addresses: a node's pod CIDR (/24) or narrower, never a whole pod network.
          expect(prefixLength(entry), entry).toBeGreaterThanOrEqual(entry.includes(":") ? 64 : 24);
        }
      });

      it("the Service, the Ingress (TLS, PUBLIC_URL's host) and the PodDisruptionBudget select the server's pods", () => {
        const service = one(objects, "Service");
        expect(matches(service.spec.selector, pod.metadata.labels)).toBe(true);
        expect(matches(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
        expect(service.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
        const ingress = one(objects, "Ingress");
        const host = new URL(configOf(objects).PUBLIC_URL!).host;
        expect(new URL(configOf(objects).PUBLIC_URL!).protocol).toBe("https:");
        expect(ingress.spec.ingressClassName).toBeTruthy();
        expect(ingress.spec.tls).toEqual([{ hosts: [host], secretName: expect.any(String) }]);
        expect(ingress.spec.rules).toHaveLength(1);
        expect(ingress.spec.rules[0].host).toBe(host);
        for (const p of ingress.spec.rules[0].http.paths) {
          expect(p.backend.service).toEqual({ name: service.metadata.name, port: { name: "http" } });
        }
        const pdb = one(objects, "PodDisruptionBudget");
        expect(matches(pdb.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
        // Never blocks a drain outright: at least one pod may always go.
        expect(pdb.spec.maxUnavailable).toBe(1);
      });

      it("NetworkPolicy: in from the ingress controller and Prometheus only; out to DNS, OCI (HTTPS) and, with PostgreSQL, the database", () => {
        const policies = ofKind(objects, "NetworkPolicy");
        for (const policy of policies) expect(matches(policy.spec.podSelector.matchLabels, pod.metadata.labels)).toBe(true);
        const main = policies.find((p) => p.spec.policyTypes.includes("Ingress"))!;
        expect(main.spec.policyTypes).toEqual(["Ingress", "Egress"]);
        expect(policies.filter((p) => p.spec.policyTypes.includes("Ingress"))).toHaveLength(1);
        const ingress = main.spec.ingress as KubeObject[];
        expect(ingress).toHaveLength(2);
        for (const rule of ingress) {
          // Each rule names its peers (a missing `from` would admit everyone) and one named port of the server.
          expect(rule.from).toHaveLength(1);
          expect(Object.keys(rule.from[0]).sort()).toEqual(["namespaceSelector", "podSelector"]);
          expect(rule.ports).toHaveLength(1);
          expect(server.ports.map((p: KubeObject) => p.name)).toContain(rule.ports[0].port);
        }
        expect(ingress.map((r) => r.from[0].podSelector.matchLabels["app.kubernetes.io/name"])).toEqual(["ingress-nginx", "prometheus"]);
        expect(ingress.map((r) => r.ports[0].port)).toEqual(["http", "metrics"]);
        const egress = policies.flatMap((p) => p.spec.egress ?? []) as KubeObject[];
        expect(egress).toContainEqual({
          to: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        });
        const https = egress.find((r) => r.to.some((t: KubeObject) => t.ipBlock))!;
        expect(https.ports).toEqual([{ protocol: "TCP", port: 443 }]);
        expect(https.to[0].ipBlock.except).toEqual(
          expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]),
        );
        // Nothing else goes out: every rule has peers and ports.
        for (const rule of egress) {
          expect(rule.to.length).toBeGreaterThan(0);
          expect(rule.ports.length).toBeGreaterThan(0);
        }
        expect(egress).toHaveLength(overlay === "postgres" ? 3 : 2);
      });
    });
  }
});
