"use client";

import type { OciPrincipalType } from "@ociauth/schema";
import { useEffect, useState } from "react";
import { CopyButton } from "./copy-button";
import {
  cliLoginCommand,
  curlLoginCommand,
  LOGIN_ENV,
  type LoginCommandInput,
  principalLoginCommands,
  typescriptLoginSnippet,
} from "./login-commands";

const TABS: { id: string; label: string; principal: OciPrincipalType; build: (input: LoginCommandInput) => string }[] = [
  { id: "cli", label: "CLI", principal: "user", build: cliLoginCommand },
  { id: "curl", label: "curl (REST)", principal: "user", build: curlLoginCommand },
  { id: "typescript", label: "TypeScript", principal: "user", build: typescriptLoginSnippet },
  { id: "instance", label: "Instance principal", principal: "instance", build: (input) => principalLoginCommands(input, "instance") },
  { id: "resource", label: "Resource principal", principal: "resource", build: (input) => principalLoginCommands(input, "resource") },
];

/**
 * How a workload logs in as this identity, each ready to copy: with a user API key three ways
 * (when users may log in), and as an instance or resource principal (when those may).
 */
export function LoginCommandsSection({
  identityId,
  tenancyOcid,
  principalTypes = ["user"],
}: {
  identityId: string;
  tenancyOcid: string | null;
  principalTypes?: readonly OciPrincipalType[];
}) {
  const tabs = TABS.filter((t) => principalTypes.includes(t.principal));
  const [chosen, setTab] = useState<string>("cli");
  // The service's address as this browser reaches it; the server render uses a stand-in until hydration.
  const [url, setUrl] = useState("http://localhost:3000");
  useEffect(() => setUrl(window.location.origin), []);
  const current = tabs.find((t) => t.id === chosen) ?? tabs[0] ?? TABS[0]!;
  const tab = current.id;
  const text = current.build({ url, identityId, tenancyOcid });
  const usersAllowed = principalTypes.includes("user");

  return (
    <section className="card" aria-labelledby="login-commands-heading">
      <div className="card-header">
        <div>
          <h2 id="login-commands-heading">Log in as this identity</h2>
          {usersAllowed ? (
            <p>
              Set{" "}
              {LOGIN_ENV.map((name, i) => (
                <span key={name}>
                  {i > 0 ? (i === LOGIN_ENV.length - 1 ? " and " : ", ") : null}
                  <code>{name}</code>
                </span>
              ))}{" "}
              for the OCI user the workload signs as{tenancyOcid ? "" : " (and attach OCI auth first)"}.
            </p>
          ) : (
            <p>Workloads on OCI log in as themselves: no API key to set.</p>
          )}
        </div>
      </div>
      <div className="card-body">
        <div className="tabs" role="tablist" aria-label="Login command">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`login-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls="login-command-panel"
              className={`tab${tab === t.id ? " tab-active" : ""}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <div id="login-command-panel" role="tabpanel" aria-labelledby={`login-tab-${tab}`} className="command-panel">
          <pre className="command-text" aria-label={`${current.label} login command`}>
            <code>{text}</code>
          </pre>
          <CopyButton value={text} label={`Copy ${current.label} command`} />
        </div>
      </div>
    </section>
  );
}
