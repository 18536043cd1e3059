/** The version of this package, as package.json and deno.json give it (a test keeps the three equal). */
export const VERSION = "0.2.0";
