/** Reads no config and declares nothing: it only has to start under the language host. */
export const greeting = "hello from a stack without config";
