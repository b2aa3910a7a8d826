import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../core/config";
import { jsonLine } from "../audit-export-fns";
import { deliveryEvent } from "./delivery-events.test-helpers";
import { createSyslogDevice } from "./syslog-device";
import { headerField, octetCounted, sdParamValue, syslogMessage, syslogSeverity } from "./syslog-message";

const header = { facility: "authpriv" as const, hostname: "app-1", appName: "ociauth", procId: "4242" };

describe("syslog messages (RFC 5424)", () => {
  it("header, structured data with the event id and sequence, then a BOM and the export's JSON line", () => {
    const event = deliveryEvent(7);
    const message = syslogMessage(event, header);
    const head = `<85>1 ${event.createdAt} app-1 ociauth 4242 login-identity-oci-auth [ociauth@32473 id="${event.id}" seq="7" type="login-identity-oci-auth"] `;
    expect(message.subarray(0, Buffer.byteLength(head)).toString()).toBe(head);
    expect([...message.subarray(Buffer.byteLength(head), Buffer.byteLength(head) + 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(message.subarray(Buffer.byteLength(head) + 3).toString()).toBe(jsonLine(event));
  });

  it("PRI is facility × 8 + severity: failures warn, reads inform, other changes are notices", () => {
    expect(syslogSeverity("login-user-failed")).toBe(4);
    expect(syslogSeverity("get-identity")).toBe(6);
    expect(syslogSeverity("delete-identity")).toBe(5);
    expect(syslogMessage(deliveryEvent(1, { eventType: "login-user-failed" }), { ...header, facility: "auth" }).toString()).toMatch(
      /^<36>1 /,
    );
    expect(syslogMessage(deliveryEvent(1, { eventType: "get-identity" }), { ...header, facility: "local0" }).toString()).toMatch(
      /^<134>1 /,
    );
  });

  it('header fields are printable ASCII within their lengths; SD values escape " \\ and ]', () => {
    expect(headerField("a b\tcé", 48)).toBe("a_b_c_");
    expect(headerField("x".repeat(40), 32)).toBe("x".repeat(32));
    expect(headerField("", 32)).toBe("-");
    expect(sdParamValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    const odd = syslogMessage(deliveryEvent(1, { eventType: 'some "new"] event type that is long' }), header).toString();
    expect(odd).toContain(' some_"new"]_event_type_that_is_l [ociauth@32473 ');
    expect(odd).toContain('type="some \\"new\\"\\] event type that is long"]');
  });

  it("octet counting counts bytes, not characters", () => {
    const message = syslogMessage(deliveryEvent(1, { metadata: { name: "Zoë ☃" } }), header);
    const framed = octetCounted(message).toString();
    expect(framed.startsWith(`${message.length} <85>1 `)).toBe(true);
    expect(message.length).toBeGreaterThan(message.toString().length);
  });

  it("the device is made from the environment only when AUDIT_SYSLOG_URL is set; bad settings are refused", () => {
    expect(createSyslogDevice(loadConfig({}))).toBeUndefined();
    const made = createSyslogDevice(loadConfig({ AUDIT_SYSLOG_URL: "tls://siem.example.com:6514", AUDIT_SYSLOG_REQUIRED: "true" }));
    expect(made?.name).toBe("syslog");
    expect(made?.required).toBe(true);
    const config = loadConfig({});
    expect(config.AUDIT_SYSLOG_FACILITY).toBe("authpriv");
    expect(config.AUDIT_SYSLOG_APP_NAME).toBe("ociauth");
    for (const url of ["udp://siem:514", "tcp://siem", "https://siem:443", "tls://user:pw@siem:6514", "tcp://siem:514/x"])
      expect(() => loadConfig({ AUDIT_SYSLOG_URL: url }), url).toThrow("AUDIT_SYSLOG_URL must be tcp://host:port or tls://host:port");
    expect(() => loadConfig({ AUDIT_SYSLOG_FACILITY: "security" })).toThrow("AUDIT_SYSLOG_FACILITY must be one of kern, user,");
    expect(() => loadConfig({ AUDIT_SYSLOG_APP_NAME: "oci auth" })).toThrow("AUDIT_SYSLOG_APP_NAME must be 1 to 48 printable ASCII");
  });
});
