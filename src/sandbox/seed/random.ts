/** A small seeded PRNG (mulberry32): the same seed gives the same tree, people and visits. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = `${LETTERS}0123456789`;

/** A DHIS2 UID (a letter, then 10 letters or digits) drawn from the generator. */
export function uidFrom(random: () => number): string {
  let uid = LETTERS[Math.floor(random() * LETTERS.length)]!;
  for (let i = 0; i < 10; i++) uid += ALPHANUMERIC[Math.floor(random() * ALPHANUMERIC.length)];
  return uid;
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
