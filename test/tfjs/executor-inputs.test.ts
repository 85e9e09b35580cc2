/** Inputs built in code are checked by the executor as inputs.json is by the CLI. */
import { expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpec } from "../../compiler/load.js";
import { prepare } from "../../index.js";
import { randomWeights } from "../../runtime/weights/index.js";
import { loadGoldenCase } from "../helpers/golden.js";

it("rejects an out-of-range token id with its position, on any backend", async () => {
  const golden = loadGoldenCase("tiny-mixed");
  const graph = lowerToIR(await loadSpec(golden.configPath));
  const executor = await prepare("tfjs", graph, randomWeights(graph, 1), { outputs: ["last_hidden_state"], options: { backend: "cpu" } });
  const inputIds = Int32Array.from(golden.inputs.inputIds);
  inputIds[golden.inputs.seqLen + 3] = graph.spec.vocabSize;
  await expect(executor.run({ ...golden.inputs, inputIds }, ["last_hidden_state"])).rejects.toThrow(
    `input_ids[1][3] = ${graph.spec.vocabSize} is outside the vocabulary (0..${graph.spec.vocabSize - 1})`,
  );
  const tooShort = { ...golden.inputs, tokenTypeIds: new Int32Array(3) };
  await expect(executor.run(tooShort, ["last_hidden_state"])).rejects.toThrow("inputs must have batch*seqLen");
  executor.dispose();
});
