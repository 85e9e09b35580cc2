/**
 * JSON Schema validation of a ModelSpec object (ajv, draft 2020-12). Each
 * ajv error is mapped through `locate` to the text that produced the field:
 * a DSL token for specs written in `.convspec`, a JSON node for `.json` specs.
 * The schema is imported (not read from disk) so the front end also bundles
 * for browsers.
 */
import Ajv2020, { type ErrorObject } from "ajv/dist/2020.js";
import { suggestion, type Diagnostic } from "../dsl/diagnostics.js";
import type { Locate } from "../dsl/validate.js";
import type { ModelSpec } from "./model-spec.js";
import SCHEMA_JSON from "./model-spec.schema.json" with { type: "json" };

export const MODEL_SPEC_SCHEMA: object = SCHEMA_JSON;

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validateAgainstSchema = ajv.compile<ModelSpec>(MODEL_SPEC_SCHEMA);

/** `/layers/3/headSize` -> `layers.3.headSize` (the source-map key). */
export function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

export function isModelSpec(value: unknown): value is ModelSpec {
  return validateAgainstSchema(value);
}

/** Schema violations of `value`, located; empty when it is a valid ModelSpec. */
export function schemaDiagnostics(value: unknown, locate: Locate): Diagnostic[] {
  if (validateAgainstSchema(value)) return [];
  const errors = (validateAgainstSchema.errors ?? []).filter((e) => !isOneOfNoise(e));
  return errors.map((e) => {
    const path = pointerToPath(e.instancePath);
    const field = path === "" ? "spec" : path;
    const extra = e.keyword === "additionalProperties" ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
    if (extra !== undefined) {
      const known = Object.keys(propertiesAt(e.schemaPath));
      return { loc: locate(path === "" ? extra : `${path}.${extra}`), message: `${field}: unknown property '${extra}'${suggestion(extra, known)}` };
    }
    if (e.keyword === "required") return { loc: locate(path), message: `${field}: missing property '${(e.params as { missingProperty: string }).missingProperty}'` };
    if (e.keyword === "const" || e.keyword === "enum") {
      const allowed = e.keyword === "const" ? [(e.params as { allowedValue: unknown }).allowedValue] : (e.params as { allowedValues: unknown[] }).allowedValues;
      return { loc: locate(path), message: `${field} must be ${allowed.map((a) => JSON.stringify(a)).join(" or ")}` };
    }
    return { loc: locate(path), message: `${field} ${e.message ?? "is invalid"}` };
  });
}

/** `oneOf` over null|object reports both branches and the oneOf itself; keep the object branch's errors. */
function isOneOfNoise(e: ErrorObject): boolean {
  return e.keyword === "oneOf" || (e.keyword === "type" && (e.params as { type: string }).type === "null");
}

/** The `properties` of the schema object an additionalProperties error came from. */
function propertiesAt(schemaPath: string): Record<string, unknown> {
  let node: unknown = MODEL_SPEC_SCHEMA;
  const parts = schemaPath.replace(/^#\//, "").split("/").slice(0, -1);
  for (const part of parts) node = (node as Record<string, unknown> | undefined)?.[part];
  return (node as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
}
