/**
 * Parameter constraints (`:id{[0-9]+}`): router/constraint.cpp in
 * TypeScript. The same language, the same construction (the position
 * automaton of the expression with every {m,n} written out, then the subset
 * construction over the symbol classes it tells apart), the same limits and
 * the same error words, so a constraint loads, or fails, alike on every
 * path. Matching runs the automaton: one table step per character, no
 * backtracking, linear in the value's length (no RegExp is involved).
 *
 * Symbols: ASCII code points 0-127, and OTHER for any non-ASCII character
 * (a surrogate pair is one character, as its UTF-8 sequence is one there).
 */
import {
  MAX_CONSTRAINT_CLASSES,
  MAX_CONSTRAINT_DEPTH,
  MAX_CONSTRAINT_LENGTH,
  MAX_CONSTRAINT_POSITIONS,
  MAX_CONSTRAINT_STATES,
} from "./limits.js";

export const SYMBOL_COUNT = 129;
export const OTHER_SYMBOL = 128;

/** A deterministic automaton: state 0 dead, 1 the start (never accepting, never re-entered). */
export interface Automaton {
  readonly classOf: Uint8Array;  // symbol -> class
  readonly classCount: number;
  readonly stateCount: number;  // dead state included
  readonly next: Uint8Array;  // [state * classCount + class]
  readonly accepting: Uint8Array;
}

/** Any non-empty value: an unconstrained parameter. */
export const ANY_VALUE: Automaton = {
  classOf: new Uint8Array(SYMBOL_COUNT),
  classCount: 1,
  stateCount: 3,
  next: Uint8Array.of(0, 2, 2),
  accepting: Uint8Array.of(0, 0, 1),
};

/** The symbol of text[i] and its length in code units. */
export function symbolAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 0x80 ? c : OTHER_SYMBOL;
}

/** Code units of the character at text[i] (2 for a surrogate pair). */
export function symbolLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/** Whether the automaton accepts text[start, end). */
export function automatonAccepts(a: Automaton, text: string, start: number, end: number): boolean {
  const { next, classOf, classCount } = a;
  let state = 1;
  for (let i = start; i < end; ) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      state = next[state * classCount + classOf[c]!]!;
      i++;
    } else {
      state = next[state * classCount + classOf[OTHER_SYMBOL]!]!;
      i += symbolLength(text, i);
    }
    if (state === 0) return false;
  }
  return a.accepting[state] === 1;
}

/** Why a constraint does not compile (the words of the C++ core). */
export class ConstraintError extends Error {}

// A set of positions (0 the start): two 64-bit words as four 32-bit ones.
type Bits = Uint32Array;
const bits = (): Bits => new Uint32Array(4);
const setBit = (b: Bits | Uint32Array, i: number) => {
  b[i >>> 5]! |= 1 << (i & 31);
};
const hasBit = (b: Bits | Uint32Array, i: number) => ((b[i >>> 5]! >>> (i & 31)) & 1) === 1;
const addBits = (a: Bits, b: Bits) => {
  for (let k = 0; k < 4; k++) a[k]! |= b[k]!;
};
const sameBits = (a: Bits, b: Bits) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
const andBits = (a: Bits, b: Bits): Bits => Uint32Array.of(a[0]! & b[0]!, a[1]! & b[1]!, a[2]! & b[2]!, a[3]! & b[3]!);
const emptyBits = (b: Bits) => (b[0]! | b[1]! | b[2]! | b[3]!) === 0;
function eachBit(b: Bits, f: (p: number) => void): void {
  for (let k = 0; k < 4; k++) {
    for (let w = b[k]!; w !== 0; w &= w - 1) f(k * 32 + (31 - Math.clz32(w & -w)));
  }
}

// A set of symbols (bit 128: OTHER).
type SymbolSet = Uint32Array;
const symbols = (): SymbolSet => new Uint32Array(5);
function range(s: SymbolSet, lo: number, hi: number): void {
  for (let c = lo; c <= hi; c++) setBit(s, c);
}
function invert(s: SymbolSet): void {
  for (let k = 0; k < 4; k++) s[k] = ~s[k]!;
  s[4] = ~s[4]! & 1;
}

interface Frag {
  nullable: boolean;
  first: Bits;
  last: Bits;
}

const isDigit = (c: string) => c >= "0" && c <= "9";
const isAlnum = (c: string) => isDigit(c) || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");

function classEscape(c: string): SymbolSet | null {
  const s = symbols();
  const lower = c.toLowerCase();
  if (lower === "d") range(s, 0x30, 0x39);
  else if (lower === "w") {
    range(s, 0x30, 0x39);
    range(s, 0x41, 0x5a);
    range(s, 0x61, 0x7a);
    setBit(s, 0x5f);
  } else if (lower === "s") {
    setBit(s, 0x20);
    range(s, 0x09, 0x0d);
  } else return null;
  if (c !== lower) invert(s);
  return s;
}

const UNKNOWN_ESCAPE = "unknown escape (escapes are \\d \\w \\s \\D \\W \\S and \\ before punctuation)";
const TOO_MANY_POSITIONS = `more than ${MAX_CONSTRAINT_POSITIONS} symbols once its repetitions are written out`;

class Builder {
  i = 0;
  positions = 0;
  readonly sets: SymbolSet[] = [symbols()];
  readonly follow: Bits[] = [bits()];
  constructor(readonly s: string) {}

  fail(reason: string): never {
    throw new ConstraintError(reason);
  }

  position(set: SymbolSet): Frag {
    if (this.positions === MAX_CONSTRAINT_POSITIONS) this.fail(TOO_MANY_POSITIONS);
    const p = ++this.positions;
    this.sets[p] = set;
    this.follow[p] = bits();
    const first = bits();
    const last = bits();
    setBit(first, p);
    setBit(last, p);
    return { nullable: false, first, last };
  }

  concat(a: Frag, b: Frag): void {
    eachBit(a.last, (p) => addBits(this.follow[p]!, b.first));
    if (a.nullable) addBits(a.first, b.first);
    const last = Uint32Array.from(b.last);
    if (b.nullable) addBits(last, a.last);
    a.last = last;
    a.nullable = a.nullable && b.nullable;
  }

  loop(a: Frag): void {
    eachBit(a.last, (p) => addBits(this.follow[p]!, a.first));
  }

  parse(): Frag {
    const top = this.alternation(0);
    if (this.i < this.s.length) this.fail("unbalanced ')'");
    return top;
  }

  alternation(depth: number): Frag {
    const f = this.concatenation(depth);
    while (this.i < this.s.length && this.s[this.i] === "|") {
      this.i++;
      const g = this.concatenation(depth);
      f.nullable = f.nullable || g.nullable;
      addBits(f.first, g.first);
      addBits(f.last, g.last);
    }
    return f;
  }

  concatenation(depth: number): Frag {
    const f: Frag = { nullable: true, first: bits(), last: bits() };
    const s = this.s;
    let start = true;
    while (this.i < s.length && s[this.i] !== "|" && s[this.i] !== ")") {
      const c = s[this.i]!;
      if (c === "^" || c === "$") {
        const end = this.i + 1 === s.length || s[this.i + 1] === "|";
        if (depth > 0 || (c === "^" ? !start : !end)) this.fail("'^' and '$' may only start and end the constraint");
        this.i++;
        continue;
      }
      start = false;
      this.concat(f, this.repeat(depth));
    }
    return f;
  }

  repeat(depth: number): Frag {
    const s = this.s;
    const atomStart = this.i;
    let f = this.atom(depth);
    const atomEnd = this.i;
    if (this.i === s.length) return f;
    const c = s[this.i]!;
    let min: number;
    let max: number;  // Infinity: no maximum
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") [min, max] = this.counts();
    else return f;
    if (c !== "{") this.i++;
    if (this.i < s.length && "*+?{".includes(s[this.i]!)) {
      this.fail("a quantifier cannot follow a quantifier (lazy and possessive forms are not supported)");
    }
    if (c !== "{") {
      if (c !== "?") this.loop(f);
      if (c !== "+") f.nullable = true;
      return f;
    }
    const copies = max === Infinity ? (min === 0 ? 1 : min) : max;
    const result: Frag = { nullable: true, first: bits(), last: bits() };
    const after = this.i;
    for (let k = 0; k < copies; k++) {
      let copy = f;
      if (k > 0) {
        this.i = atomStart;
        copy = this.atom(depth);
        this.i = atomEnd;
      }
      if (max === Infinity && k === copies - 1) {
        this.loop(copy);
        if (min === 0) copy.nullable = true;
      } else if (k >= min) {
        copy.nullable = true;
      }
      this.concat(result, copy);
    }
    this.i = after;
    f = result;
    return f;
  }

  counts(): [number, number] {
    const s = this.s;
    let j = this.i + 1;
    const values = [0, 0];
    const digits = [0, 0];
    let comma = 0;
    for (; j < s.length && s[j] !== "}"; j++) {
      const c = s[j]!;
      if (c === "," && comma === 0) comma = 1;
      else if (isDigit(c)) {
        if (values[comma]! <= MAX_CONSTRAINT_POSITIONS) values[comma] = values[comma]! * 10 + Number(c);
        digits[comma]!++;
      } else break;
    }
    if (j === s.length || s[j] !== "}" || digits[0] === 0) this.fail("invalid repetition: write {m}, {m,} or {m,n}");
    const min = values[0]!;
    const max = comma === 0 ? values[0]! : digits[1] === 0 ? Infinity : values[1]!;
    if (max < min) this.fail("invalid repetition: the minimum is above the maximum");
    if (min > MAX_CONSTRAINT_POSITIONS || (max !== Infinity && max > MAX_CONSTRAINT_POSITIONS)) this.fail(TOO_MANY_POSITIONS);
    this.i = j + 1;
    return [min, max];
  }

  atom(depth: number): Frag {
    const s = this.s;
    const c = s[this.i]!;
    if (c === "(") {
      if (depth + 1 > MAX_CONSTRAINT_DEPTH) this.fail(`groups nested more than ${MAX_CONSTRAINT_DEPTH} deep`);
      this.i++;
      if (this.i < s.length && s[this.i] === "?") {
        if (this.i + 1 >= s.length || s[this.i + 1] !== ":") this.fail("'(?' starts only a (?:...) group");
        this.i += 2;
      }
      const f = this.alternation(depth + 1);
      if (this.i === s.length) this.fail("missing ')'");
      this.i++;
      return f;
    }
    if (c === "[") return this.characterClass();
    if ("*+?{".includes(c)) this.fail("nothing to repeat before a quantifier");
    if (c === "]" || c === "}") this.fail("unbalanced ']' or '}' (write \\] or \\})");
    this.i++;
    let set = symbols();
    if (c === ".") invert(set);
    else if (c === "\\") {
      if (this.i === s.length) this.fail("a '\\' ends the constraint");
      const e = s[this.i++]!;
      const escaped = classEscape(e);
      if (escaped !== null) set = escaped;
      else if (isAlnum(e)) this.fail(UNKNOWN_ESCAPE);
      else setBit(set, e.charCodeAt(0));
    } else setBit(set, c.charCodeAt(0));
    return this.position(set);
  }

  // A class item: a code, or a set for \d \w \s and their complements.
  classItem(): number | SymbolSet {
    const s = this.s;
    const c = s[this.i++]!;
    if (c === "[") this.fail("'[' inside a character class (write \\[)");
    if (c !== "\\") return c.charCodeAt(0);
    if (this.i === s.length) this.fail("unterminated character class");
    const e = s[this.i++]!;
    const escaped = classEscape(e);
    if (escaped !== null) return escaped;
    if (isAlnum(e)) this.fail(UNKNOWN_ESCAPE);
    return e.charCodeAt(0);
  }

  characterClass(): Frag {
    const s = this.s;
    this.i++;
    const negate = this.i < s.length && s[this.i] === "^";
    if (negate) this.i++;
    if (this.i < s.length && s[this.i] === "]") this.fail("empty character class");
    const set = symbols();
    for (;;) {
      if (this.i === s.length) this.fail("unterminated character class");
      if (s[this.i] === "]") break;
      const lo = this.classItem();
      if (typeof lo !== "number") {
        for (let k = 0; k < 5; k++) set[k]! |= lo[k]!;
        continue;
      }
      if (this.i + 1 < s.length && s[this.i] === "-" && s[this.i + 1] !== "]") {
        this.i++;
        const hi = this.classItem();
        if (typeof hi !== "number" || hi < lo) this.fail("invalid range in a character class");
        range(set, lo, hi);
      } else setBit(set, lo);
    }
    this.i++;
    if (negate) invert(set);
    return this.position(set);
  }

  build(top: Frag): Automaton {
    this.follow[0] = top.first;
    const signatures: Bits[] = [];
    const classOf = new Uint8Array(SYMBOL_COUNT);
    for (let sym = 0; sym < SYMBOL_COUNT; sym++) {
      const sig = bits();
      for (let p = 1; p <= this.positions; p++) if (hasBit(this.sets[p]!, sym)) setBit(sig, p);
      let c = signatures.findIndex((other) => sameBits(other, sig));
      if (c < 0) {
        if (signatures.length === MAX_CONSTRAINT_CLASSES) this.fail(`more than ${MAX_CONSTRAINT_CLASSES} symbol classes`);
        c = signatures.push(sig) - 1;
      }
      classOf[sym] = c;
    }
    const classes = signatures.length;
    const start = bits();
    setBit(start, 0);
    const subsets: Bits[] = [bits(), start];
    const next: number[] = new Array<number>(classes).fill(0);
    for (let k = 1; k < subsets.length; k++) {
      const reach = bits();
      eachBit(subsets[k]!, (p) => addBits(reach, this.follow[p]!));
      for (let c = 0; c < classes; c++) {
        const to = andBits(reach, signatures[c]!);
        let j = subsets.findIndex((other) => sameBits(other, to));
        if (j < 0) {
          if (subsets.length === MAX_CONSTRAINT_STATES + 1) this.fail(`more than ${MAX_CONSTRAINT_STATES} automaton states`);
          j = subsets.push(to) - 1;
        }
        next[k * classes + c] = j;
      }
    }
    const accepting = new Uint8Array(subsets.length);
    for (let k = 1; k < subsets.length; k++) accepting[k] = emptyBits(andBits(subsets[k]!, top.last)) ? 0 : 1;
    return { classOf, classCount: classes, stateCount: subsets.length, next: Uint8Array.from(next), accepting };
  }
}

/** Compiles a constraint (the text between its braces); throws ConstraintError with the core's reason. */
export function compileConstraint(text: string, byteLength: number): Automaton {
  if (text.length === 0) throw new ConstraintError("empty constraint");
  if (byteLength > MAX_CONSTRAINT_LENGTH) throw new ConstraintError(`longer than ${MAX_CONSTRAINT_LENGTH} bytes`);
  if (/[^\u0000-\u007f]/.test(text)) {
    throw new ConstraintError("a constraint is ASCII (a non-ASCII character matches '.' and negated classes)");
  }
  const builder = new Builder(text);
  return builder.build(builder.parse());
}
