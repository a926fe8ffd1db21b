import type * as pulumi from "@pulumi/pulumi";

/**
 * A read's answer with the inputs to diff against next. The SDK types `ReadResult.inputs` as the
 * outputs' type, though the engine takes them as inputs; this is the one place that bridges it.
 */
export function readResultWithInputs<Outputs, Inputs extends object>(id: string, props: Outputs, inputs: Inputs): pulumi.dynamic.ReadResult<Outputs> {
  return { id, props, inputs: inputs as Partial<Outputs> as Outputs };
}
