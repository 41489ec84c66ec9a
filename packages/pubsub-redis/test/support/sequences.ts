/** Every `tag:i` in `texts`, per tag, in arrival order. */
export function sequences(texts: string[]): Map<string, number[]> {
  const byTag = new Map<string, number[]>();
  for (const text of texts) {
    const [tag = "", seq = ""] = text.split(":");
    const list = byTag.get(tag) ?? [];
    list.push(Number(seq));
    byTag.set(tag, list);
  }
  return byTag;
}

/** 0, 1, … n-1. */
export const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
