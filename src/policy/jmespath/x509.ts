/**
 * `x509_decode`: decodes a PEM certificate or certificate request into the shape Go's `x509.Certificate`
 * marshals to (the fields policies read: Subject, Issuer, NotBefore, NotAfter, DNSNames, …).
 */
import { X509Certificate } from "node:crypto";
import { JmesPathError } from "./errors.js";

interface Name {
  CommonName: string;
  Country: string[] | null;
  Organization: string[] | null;
  OrganizationalUnit: string[] | null;
  Locality: string[] | null;
  Province: string[] | null;
  StreetAddress: string[] | null;
  PostalCode: string[] | null;
  SerialNumber: string;
  Names: { Type: number[]; Value: string }[];
  ExtraNames: null;
}

const OIDS: Record<string, keyof Name | undefined> = {
  "2.5.4.3": "CommonName",
  "2.5.4.6": "Country",
  "2.5.4.10": "Organization",
  "2.5.4.11": "OrganizationalUnit",
  "2.5.4.7": "Locality",
  "2.5.4.8": "Province",
  "2.5.4.9": "StreetAddress",
  "2.5.4.17": "PostalCode",
  "2.5.4.5": "SerialNumber",
};

function emptyName(): Name {
  return {
    CommonName: "",
    Country: null,
    Organization: null,
    OrganizationalUnit: null,
    Locality: null,
    Province: null,
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: "",
    Names: [],
    ExtraNames: null,
  };
}

// --- minimal DER reader -------------------------------------------------------------------------------

interface Tlv {
  tag: number;
  start: number;
  end: number;
  headerLen: number;
}

function readTlv(buf: Buffer, pos: number): Tlv {
  const tag = buf[pos] ?? 0;
  let len = buf[pos + 1] ?? 0;
  let headerLen = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos + 2 + i] ?? 0);
    headerLen += n;
  }
  return { tag, start: pos + headerLen, end: pos + headerLen + len, headerLen };
}

function children(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = t.start;
  while (p < t.end) {
    const c = readTlv(buf, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oid(buf: Buffer, t: Tlv): number[] {
  const bytes = buf.subarray(t.start, t.end);
  const out: number[] = [];
  const first = bytes[0] ?? 0;
  out.push(Math.floor(first / 40), first % 40);
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      out.push(v);
      v = 0;
    }
  }
  return out;
}

function parseName(buf: Buffer, seq: Tlv): Name {
  const name = emptyName();
  for (const set of children(buf, seq)) {
    for (const atv of children(buf, set)) {
      const [o, val] = children(buf, atv);
      if (!o || !val) continue;
      const id = oid(buf, o);
      const value = buf.subarray(val.start, val.end).toString("utf8");
      name.Names.push({ Type: id, Value: value });
      const field = OIDS[id.join(".")];
      if (field === "CommonName" || field === "SerialNumber") name[field] = value;
      else if (field) {
        const arr = (name[field] as string[] | null) ?? [];
        arr.push(value);
        (name as unknown as Record<string, unknown>)[field] = arr;
      }
    }
  }
  return name;
}

function pemBlock(pem: string): { type: string; der: Buffer } {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) throw new JmesPathError("failed to decode PEM block");
  return { type: m[1] ?? "", der: Buffer.from((m[2] ?? "").replace(/\s+/g, ""), "base64") };
}

export function decodeX509(input: string): Record<string, unknown> {
  const block = pemBlock(input);
  if (block.type === "CERTIFICATE") {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block.der);
    } catch (e) {
      throw new JmesPathError(e instanceof Error ? e.message : String(e));
    }
    const top = readTlv(block.der, 0);
    const [tbs] = children(block.der, top);
    const tbsKids = tbs ? children(block.der, tbs) : [];
    const hasVersion = tbsKids[0]?.tag === 0xa0;
    const issuer = tbsKids[hasVersion ? 3 : 2];
    const subject = tbsKids[hasVersion ? 5 : 4];
    return {
      Subject: subject ? parseName(block.der, subject) : emptyName(),
      Issuer: issuer ? parseName(block.der, issuer) : emptyName(),
      NotBefore: new Date(cert.validFrom).toISOString().replace(".000Z", "Z"),
      NotAfter: new Date(cert.validTo).toISOString().replace(".000Z", "Z"),
      SerialNumber: BigInt("0x" + cert.serialNumber).toString(),
      DNSNames: cert.subjectAltName
        ? cert.subjectAltName
            .split(", ")
            .filter((s) => s.startsWith("DNS:"))
            .map((s) => s.slice(4))
        : null,
      IsCA: cert.ca,
    };
  }
  if (block.type === "CERTIFICATE REQUEST") {
    const top = readTlv(block.der, 0);
    const [info] = children(block.der, top);
    const infoKids = info ? children(block.der, info) : [];
    const subject = infoKids[1];
    return {
      Version: 0,
      Subject: subject ? parseName(block.der, subject) : emptyName(),
    };
  }
  throw new JmesPathError("PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST");
}
