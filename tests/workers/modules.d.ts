// Module shapes inside the workers test pool.
declare module "cloudflare:workers" {
  export const exports: { default: { fetch(request: Request): Promise<Response> } };
}
declare module "*?raw" {
  const text: string;
  export default text;
}
