/** The field table (compiler/spec/fields.ts) against the JSON Schema, the DSL keywords and the HF key map. */
import { describe, expect, it } from "vitest";
import { SCOPE_FIELDS } from "../../compiler/dsl/tokens.js";
import { FIELDS, fieldsOf, HF_KEY_OF_PROPERTY } from "../../compiler/spec/fields.js";
import { MODEL_SPEC_SCHEMA } from "../../compiler/spec/schema.js";

interface SchemaNode {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  $defs?: Record<string, SchemaNode>;
}
const schema = MODEL_SPEC_SCHEMA as SchemaNode;
const modelProps = schema.properties!;
const blockProps = schema.$defs!.block.properties!;
const headsProps = modelProps.heads.properties!;

/** The schema type a table type stands for. */
function schemaShape(node: SchemaNode): string {
  if (node.$ref === "#/$defs/activation") return "activation";
  if (node.oneOf) return node.oneOf.map(schemaShape).join("|");
  if (node.type === "object") return `object(${Object.keys(node.properties ?? {}).join(",")})`;
  return node.type ?? "?";
}
const TABLE_TO_SCHEMA: Record<string, string> = {
  integer: "integer",
  number: "number",
  boolean: "boolean",
  activation: "activation",
  word: "null|object(tied,activation)",
  count: "null|object(numLabels)",
};

describe("the field table", () => {
  it("has a schema property of the same type for every field that sets one", () => {
    for (const def of FIELDS) {
      if (def.property === undefined) continue;
      const props = def.scope === "model" ? modelProps : def.scope === "heads" ? headsProps : blockProps;
      const node = props[def.property];
      expect(node, `${def.scope}.${def.word} -> ${def.property}`).toBeDefined();
      if (def.scope === "heads" && def.subProperty !== undefined) {
        // A property of the head's object (mlm_activation -> heads.mlm.activation).
        const object = node.oneOf?.find((n) => n.type === "object");
        expect(schemaShape(object!.properties![def.subProperty]), `${def.scope}.${def.word}`).toBe(TABLE_TO_SCHEMA[def.type]);
        continue;
      }
      const expected = def.property === "layers" ? "array" : TABLE_TO_SCHEMA[def.type];
      expect(schemaShape(node), `${def.scope}.${def.word}`).toBe(expected);
    }
  });

  it("covers every schema property (but the name, the format and the heads object)", () => {
    const covered = (scopes: string[]) => new Set(FIELDS.filter((f) => scopes.includes(f.scope)).map((f) => f.property));
    const split = ["attentionHeads", "convHeads", "headSize"];
    expect(Object.keys(modelProps).filter((p) => !covered(["model"]).has(p as never))).toEqual(["format", "name", "heads"]);
    expect(Object.keys(blockProps).filter((p) => !covered(["block", "ffn"]).has(p as never) && !split.includes(p))).toEqual([]);
    expect(Object.keys(headsProps).filter((p) => !covered(["heads"]).has(p as never))).toEqual([]);
  });

  it("is what the language accepts in each scope", () => {
    expect([...SCOPE_FIELDS.model].sort()).toEqual(["block", "heads", ...fieldsOf("model").map((f) => f.word)].sort());
    expect([...SCOPE_FIELDS.block].sort()).toEqual(["ffn", ...fieldsOf("block").map((f) => f.word)].sort());
    expect(SCOPE_FIELDS.ffn).toEqual(["intermediate", "groups", "activation"]);
    expect(SCOPE_FIELDS.heads).toEqual(["mlm", "mlm_activation", "classifier", "pooler"]);
  });

  it("gives the HF key of each property", () => {
    expect(HF_KEY_OF_PROPERTY.get("vocabSize")).toBe("vocab_size");
    expect(HF_KEY_OF_PROPERTY.get("convKernelSize")).toBe("conv_kernel_size");
    expect(HF_KEY_OF_PROPERTY.get("ffnGroups")).toBe("num_groups");
    expect(HF_KEY_OF_PROPERTY.get("activation")).toBe("hidden_act");
  });
});
