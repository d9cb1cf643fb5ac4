import { describe, expect, it } from "vitest";
import {
  buildSchemaBundle,
  firstSentence,
  groupVersionFile,
  normalizeSchema,
  sortKeys,
  SPLIT_BYTES,
} from "../../scripts/schema-bundle.js";
import type { GroupVersionInput, Schema } from "../../scripts/schema-bundle.js";
import { kubeconformFileName } from "../../scripts/schemas-to-kubeconform.js";

const ctx = { descriptions: "first-sentence" as const, inJunction: false };

describe("normalizeSchema", () => {
  it("closes object schemas that have properties, as strict field validation does", () => {
    expect(normalizeSchema({ type: "object", properties: { a: { type: "string" } } }, ctx)).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      additionalProperties: false,
    });
  });

  it.each<[string, Schema]>([
    [
      "preserves unknown fields",
      { type: "object", properties: { a: {} }, "x-kubernetes-preserve-unknown-fields": true },
    ],
    [
      "has its own additionalProperties",
      { type: "object", properties: { a: {} }, additionalProperties: { type: "string" } },
    ],
    ["is a map", { type: "object", additionalProperties: { type: "string" } }],
    ["has no properties", { type: "object" }],
  ])("leaves a schema open when it %s", (_, schema) => {
    expect(normalizeSchema(schema, ctx).additionalProperties).toEqual(schema.additionalProperties);
  });

  it("does not close allOf/anyOf/oneOf/not branches, which only add constraints", () => {
    const out = normalizeSchema(
      { type: "object", properties: { a: {}, b: {} }, oneOf: [{ properties: { a: {} }, required: ["a"] }] },
      ctx,
    );
    expect(out.additionalProperties).toBe(false);
    expect((out.oneOf as Schema[])[0]).toEqual({ properties: { a: {} }, required: ["a"] });
  });

  it("turns allOf wrappers around a single $ref into a plain $ref", () => {
    expect(
      normalizeSchema(
        {
          allOf: [{ $ref: "#/components/schemas/io.k8s.api.core.v1.PodSpec" }],
          default: {},
          description: "Spec.",
        },
        ctx,
      ),
    ).toEqual({ $ref: "#/definitions/io.k8s.api.core.v1.PodSpec" });
  });

  it("keeps the first sentence of descriptions, or drops them", () => {
    const schema = {
      type: "string",
      description: "Name of the thing.  More info: https://k8s.io/x. And more.",
    };
    expect(normalizeSchema(schema, ctx).description).toBe("Name of the thing.");
    expect(normalizeSchema(schema, { ...ctx, descriptions: "none" }).description).toBeUndefined();
    expect(firstSentence("Version 1.2 of the API is served")).toBe("Version 1.2 of the API is served");
  });

  it("marks IntOrString and drops keywords outside the subset", () => {
    expect(
      normalizeSchema(
        {
          format: "int-or-string",
          oneOf: [{ type: "integer" }, { type: "string" }],
          "x-kubernetes-patch-strategy": "merge",
          "x-kubernetes-map-type": "atomic",
        },
        ctx,
      ),
    ).toEqual({
      format: "int-or-string",
      oneOf: [{ type: "integer" }, { type: "string" }],
      "x-kubernetes-int-or-string": true,
    });
  });

  it("does not mistake property names for keywords", () => {
    const out = normalizeSchema(
      {
        type: "object",
        properties: { default: { type: "string" }, enum: { type: "array", items: { type: "string" } } },
      },
      ctx,
    );
    expect(Object.keys(out.properties as Schema)).toEqual(["default", "enum"]);
  });
});

describe("buildSchemaBundle", () => {
  const gvk = (group: string, version: string, kind: string): Schema => ({
    "x-kubernetes-group-version-kind": [{ group, version, kind }],
  });
  const apps: GroupVersionInput = {
    group: "apps",
    version: "v1",
    crd: false,
    resources: [{ kind: "Deployment", namespaced: true }],
    schemas: {
      "io.k8s.api.apps.v1.Deployment": {
        type: "object",
        properties: {
          metadata: { allOf: [{ $ref: "#/components/schemas/meta.ObjectMeta" }], default: {} },
          spec: { $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec" },
        },
        ...gvk("apps", "v1", "Deployment"),
      },
      "io.k8s.api.apps.v1.DeploymentSpec": { type: "object", properties: { replicas: { type: "integer" } } },
      "meta.ObjectMeta": { type: "object", properties: { name: { type: "string" } } },
      "io.k8s.api.apps.v1.Unrelated": { type: "object", properties: { x: { type: "string" } } },
    },
  };

  it("indexes kinds and writes only the definitions they reach, keys sorted", () => {
    const files = buildSchemaBundle([apps], { kubernetesVersion: "v1.36.3", generatedBy: "test" });
    expect([...files.keys()].sort()).toEqual(["apps_v1.json", "index.json"]);
    expect(files.get("index.json")).toEqual({
      generatedBy: "test",
      kinds: {
        "apps/v1/Deployment": {
          crd: false,
          file: "apps_v1.json",
          namespaced: true,
          ref: "io.k8s.api.apps.v1.Deployment",
        },
      },
      kubernetesVersion: "v1.36.3",
    });
    const definitions = (files.get("apps_v1.json") as { definitions: Record<string, Schema> }).definitions;
    expect(Object.keys(definitions)).toEqual([
      "io.k8s.api.apps.v1.Deployment",
      "io.k8s.api.apps.v1.DeploymentSpec",
      "meta.ObjectMeta",
    ]);
    expect((definitions["io.k8s.api.apps.v1.Deployment"]?.properties as Schema).metadata).toEqual({
      $ref: "#/definitions/meta.ObjectMeta",
    });
  });

  it("writes a large group-version one self-contained file per kind", () => {
    const big = (kind: string): Schema => ({
      type: "object",
      "x-kubernetes-group-version-kind": [{ group: "example.io", version: "v1", kind }],
      properties: {
        metadata: { $ref: "#/components/schemas/meta.ObjectMeta" },
        spec: { $ref: `#/components/schemas/io.example.v1.${kind}Spec` },
      },
    });
    const padding = "x".repeat(SPLIT_BYTES);
    const gv: GroupVersionInput = {
      group: "example.io",
      version: "v1",
      crd: true,
      resources: [
        { kind: "Big", namespaced: true },
        { kind: "Small", namespaced: false },
      ],
      schemas: {
        "io.example.v1.Big": big("Big"),
        "io.example.v1.BigSpec": { type: "object", properties: { a: { type: "string", pattern: padding } } },
        "io.example.v1.Small": big("Small"),
        "io.example.v1.SmallSpec": { type: "object", properties: { b: { type: "integer" } } },
        "meta.ObjectMeta": { type: "object", properties: { name: { type: "string" } } },
      },
    };
    const files = buildSchemaBundle([gv, apps], { kubernetesVersion: "v1", generatedBy: "t" });
    expect([...files.keys()].sort()).toEqual([
      "apps_v1.json",
      "example.io_v1_Big.json",
      "example.io_v1_Small.json",
      "index.json",
    ]);
    const kinds = (files.get("index.json") as { kinds: Record<string, { file: string }> }).kinds;
    expect(kinds["example.io/v1/Small"]?.file).toBe("example.io_v1_Small.json");
    expect(kinds["apps/v1/Deployment"]?.file).toBe("apps_v1.json");
    const small = (files.get("example.io_v1_Small.json") as { definitions: Record<string, Schema> })
      .definitions;
    // Its own closure (the shared ObjectMeta included), none of Big's.
    expect(Object.keys(small)).toEqual(["io.example.v1.Small", "io.example.v1.SmallSpec", "meta.ObjectMeta"]);
  });

  it("fails on a dangling $ref rather than writing a broken bundle", () => {
    const broken: GroupVersionInput = {
      ...apps,
      schemas: {
        ...apps.schemas,
        "io.k8s.api.apps.v1.DeploymentSpec": { $ref: "#/components/schemas/gone" },
      },
    };
    expect(() => buildSchemaBundle([broken], { kubernetesVersion: "v1", generatedBy: "t" })).toThrow(/gone/);
  });

  it("names files after the group-version", () => {
    expect(groupVersionFile("", "v1")).toBe("core_v1.json");
    expect(groupVersionFile("argoproj.io", "v1alpha1")).toBe("argoproj.io_v1alpha1.json");
  });

  it("sorts keys deeply but keeps array order", () => {
    expect(JSON.stringify(sortKeys({ b: 1, a: { d: [3, 1], c: 2 } }))).toBe('{"a":{"c":2,"d":[3,1]},"b":1}');
  });
});

describe("kubeconformFileName", () => {
  it.each([
    ["v1", "ConfigMap", "configmap-v1.json"],
    ["apps/v1", "Deployment", "deployment-apps-v1.json"],
    ["argoproj.io/v1alpha1", "Rollout", "rollout-argoproj-v1alpha1.json"],
    ["cert-manager.io/v1", "Certificate", "certificate-cert-manager-v1.json"],
  ])("%s %s → %s", (apiVersion, kind, file) => {
    expect(kubeconformFileName(apiVersion, kind)).toBe(file);
  });
});
