/**
 * A field written in the wrong scope gets a message that names where it
 * belongs (`intermediate` directly in `block { }`, `kernel` at model level,
 * `heads 4` at model level), instead of "unknown field".
 */
import { scopesOf, type FieldScope } from "../spec/fields.js";

const WHERE: Record<FieldScope, string> = {
  model: "directly in `model { }`",
  block: "inside `block { }` (or a `layers a..b { }` range)",
  ffn: "inside `ffn { }`",
  heads: "inside `heads { }` (the task heads, at model level)",
};

/** Why `word` cannot be written in `scope`, when it belongs somewhere else; undefined for a word that is no field at all. */
export function misplacedMessage(word: string, scope: FieldScope, hasValue: boolean): string | undefined {
  if (word === "heads" && scope === "model" && hasValue) {
    return "`heads` at model level opens the task-heads block (`heads { mlm tied }`); the head count goes inside `block { }`";
  }
  if (word === "heads" && scope === "block" && !hasValue) return "the task heads `heads { }` belong directly in `model { }`; in a block, `heads N` is the head count";
  if (word === "block") return "`block { }` belongs directly in `model { }`";
  if (word === "ffn") return scope === "block" ? undefined : "`ffn { }` belongs inside `block { }` (or a `layers a..b { }` range)";
  if (word === "layers") return "`layers` belongs directly in `model { }`: `layers N` (the count) or `layers a..b { }` (an override)";
  if (word === "heads" && scope !== "block") return `'heads' (the head count) belongs ${WHERE.block}`;
  const homes = scopesOf(word).filter((s) => s !== scope);
  if (homes.length === 0) return undefined;
  if (homes.length > 1) return `'${word}' belongs ${homes.map((h) => WHERE[h]).join(" or ")}`;
  const [home] = homes;
  if (home === "ffn" && scope !== "block") return `'${word}' belongs inside \`ffn { }\` in \`block { }\` (or a \`layers a..b { }\` range)`;
  if (home === "block" && scope === "ffn") return `'${word}' belongs in \`block { }\`, not inside \`ffn { }\``;
  if (home === "model") return `'${word}' is a model field: it belongs ${WHERE.model}`;
  return `'${word}' belongs ${WHERE[home]}`;
}
