export async function main(argv: string[]): Promise<number> {
  console.log('kong-chaos', argv.join(' '));
  return 0;
}
